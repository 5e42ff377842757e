"""Segment rules: validation and translation into one ``Q`` over ``Customer``.

A segment's ``rules`` is a list of dicts, all of which must hold (AND)::

    {"field": "last_order_at", "op": "within_days", "value": 90}
    {"field": "total_spent", "op": "gt", "value": "100"}
    {"field": "tags", "op": "has", "value": "vip"}
    {"field": "marketing_consent", "op": "is", "value": true}
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

COMPARISONS = {"gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte", "eq": "exact"}
DAYS = ("within_days", "older_than_days")


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(_("Enter a whole number of days."))
    try:
        days = int(value)
    except ValueError:
        raise ValidationError(_("Enter a whole number of days.")) from None
    if not 0 < days <= 36500:
        raise ValidationError(_("Enter a number of days between 1 and 36500."))
    return days


def _amount(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError(_("Enter an amount, e.g. 100 or 99.50."))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(_("Enter an amount, e.g. 100 or 99.50.")) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(_("Enter an amount of zero or more."))
    return str(amount)


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."))
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number.")) from None
    if count < 0:
        raise ValidationError(_("Enter a number of zero or more."))
    return count


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValidationError(_("Enter true or false."))


def _tag_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(_("Enter a tag name."))
    if len(value.strip()) > 50:
        raise ValidationError(_("A tag name has at most 50 characters."))
    return value.strip()


# field -> (label, {op: label}, value parser)
FIELDS: dict[str, tuple[Any, dict[str, Any], Callable[[Any], Any]]] = {
    "last_order_at": (
        gettext_lazy("Last order"),
        {
            "within_days": gettext_lazy("within the last … days"),
            "older_than_days": gettext_lazy("more than … days ago (or never)"),
        },
        _days,
    ),
    "date_joined": (
        gettext_lazy("Joined"),
        {
            "within_days": gettext_lazy("within the last … days"),
            "older_than_days": gettext_lazy("more than … days ago"),
        },
        _days,
    ),
    "total_spent": (
        gettext_lazy("Total spent"),
        {op: op for op in COMPARISONS},
        _amount,
    ),
    "orders_count": (
        gettext_lazy("Number of orders"),
        {op: op for op in COMPARISONS},
        _count,
    ),
    "tags": (
        gettext_lazy("Tags"),
        {"has": gettext_lazy("has tag"), "has_not": gettext_lazy("does not have tag")},
        _tag_name,
    ),
    "marketing_consent": (gettext_lazy("Marketing consent"), {"is": gettext_lazy("is")}, _boolean),
    "is_active": (gettext_lazy("Active"), {"is": gettext_lazy("is")}, _boolean),
}

FIELD_CHOICES = [(name, label) for name, (label, _ops, _parse) in FIELDS.items()]
OP_CHOICES = sorted({(op, op) for _l, ops, _p in FIELDS.values() for op in ops})


def validate_rule(rule: Any) -> dict[str, Any]:
    """The normalised rule, or ValidationError keyed by ``field`` / ``op`` / ``value``."""
    if not isinstance(rule, dict):
        raise ValidationError(_("A rule is an object with field, op and value."))
    unknown = set(rule) - {"field", "op", "value"}
    if unknown:
        raise ValidationError(
            _("Unknown key(s): %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))}
        )
    field, op = rule.get("field"), rule.get("op")
    if field not in FIELDS:
        raise ValidationError(
            {
                "field": _("Unknown field “%(field)s”; choose one of %(fields)s.")
                % {"field": field, "fields": ", ".join(FIELDS)}
            }
        )
    _label, ops, parse = FIELDS[field]
    if op not in ops:
        raise ValidationError(
            {
                "op": _("Operator “%(op)s” does not apply to %(field)s; choose one of %(ops)s.")
                % {"op": op, "field": field, "ops": ", ".join(ops)}
            }
        )
    if "value" not in rule or rule["value"] is None:
        raise ValidationError({"value": _("This rule needs a value.")})
    try:
        value = parse(rule["value"])
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from None
    return {"field": field, "op": op, "value": value}


def validate_rules(rules: Any) -> list[dict[str, Any]]:
    """Normalised rules, or one ValidationError on ``rules`` naming each bad rule."""
    if not isinstance(rules, list):
        raise ValidationError({"rules": _("Rules must be a list.")})
    cleaned, errors = [], []
    for index, rule in enumerate(rules, start=1):
        try:
            cleaned.append(validate_rule(rule))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                detail = "; ".join(
                    f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items()
                )
            else:
                detail = " ".join(exc.messages)
            errors.append(_("Rule %(n)s: %(detail)s") % {"n": index, "detail": detail})
    if errors:
        raise ValidationError({"rules": errors})
    return cleaned


def _rule_q(rule: dict[str, Any], now: datetime.datetime) -> Q:
    from modules.customers.models import CustomerTagging

    field, op, value = rule["field"], rule["op"], rule["value"]
    if field in ("last_order_at", "date_joined"):
        since = now - datetime.timedelta(days=int(value))
        if op == "within_days":
            return Q(**{f"{field}__gte": since})
        older = Q(**{f"{field}__lt": since})
        return older | Q(**{f"{field}__isnull": True}) if field == "last_order_at" else older
    if field == "total_spent":
        return Q(**{f"total_spent__{COMPARISONS[op]}": Decimal(str(value))})
    if field == "orders_count":
        return Q(**{f"orders_count__{COMPARISONS[op]}": int(value)})
    if field == "tags":
        # _base_manager: the subquery is correlated to the outer (scoped) customer already.
        tagged = Exists(
            CustomerTagging._base_manager.filter(
                customer=OuterRef("pk"), tag__name__iexact=str(value)
            )
        )
        return Q(tagged) if op == "has" else ~Q(tagged)
    return Q(**{field: _boolean(value)})


def rules_to_q(rules: list[dict[str, Any]], now: datetime.datetime | None = None) -> Q:
    """One ``Q`` matching the customers every rule holds for (an empty list matches all)."""
    now = now or timezone.now()
    q = Q()
    for rule in validate_rules(rules):
        q &= _rule_q(rule, now)
    return q
