"""Payments' business logic. Views, the API, the payments contract's provider and the webhook
endpoint call this, never the ORM directly for a change.

**All or nothing.** Every change locks the payment's row (``select_for_update``), asks the
gateway, then writes the payment, its history entry, its refund and its events in one
transaction (a savepoint of the caller's when there is one). A gateway that refuses or cannot
be reached raises ``GatewayError`` and nothing is written.

**The state machine** (``ALLOWED``): pending → authorized → captured → partially_refunded →
refunded, pending/authorized → failed, and failed → pending when a checkout starts the same
reference again. Anything else is ``IllegalTransition``. The amounts decide between
partially_refunded and refunded, and the database refuses ``refunded > captured``, so the
state always matches the money.

**Webhooks** (``handle_webhook``) are verified on the raw body by the gateway, recorded once per
(gateway, event id) in the same transaction as their effect (a replay finds the record and
changes nothing), and never move a payment backwards: an event about a state the payment has
already passed is recorded as stale. An event type the gateway does not act on is logged and
ignored.

**Bad input** is a ``PaymentError`` naming its ``field`` (``amount``, ``currency``,
``reference``, ``customer_email``, ``return_url``, ``reason``), raised before anything is
written; forms and serializers show it next to the field.

**Vendors.** Each function takes the vendor (a ``Vendor`` or its id) and works inside that
vendor's scope: another vendor's reference is unknown. Webhooks and dashboards work across
vendors on purpose, and say so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_scopes import scope, scopes_disabled

from modules.payments import gateways
from modules.payments.models import (
    MAX_DIGITS,
    Payer,
    Payment,
    PaymentTransition,
    ProcessedWebhook,
    Refund,
    Source,
)
from orion_core import state
from orion_core.contracts.payments import (
    AuthorizeRequest,
    GatewayError,
    GatewayPayment,
    GatewayResult,
    GatewaySettings,
    IllegalTransition,
    InvalidSignature,
    NextAction,
    PaymentError,
    PaymentGateway,
    PaymentMethod,
    PaymentState,
    PaymentStatus,
    RefundExceedsCaptured,
    UnknownPayment,
    WebhookEvent,
)
from orion_core.domain_events import payment_captured, payment_failed, payment_refunded

logger = logging.getLogger(__name__)

MODULE = "payments"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal(10 ** (MAX_DIGITS - 2)) - CENT
REFERENCE_MAX = 100
REASON_MAX = 200

State = Payment.State
ALLOWED: dict[str, frozenset[str]] = {
    State.PENDING: frozenset({State.AUTHORIZED, State.CAPTURED, State.FAILED}),
    State.AUTHORIZED: frozenset({State.CAPTURED, State.FAILED}),
    State.CAPTURED: frozenset({State.PARTIALLY_REFUNDED, State.REFUNDED}),
    State.PARTIALLY_REFUNDED: frozenset({State.PARTIALLY_REFUNDED, State.REFUNDED}),
    State.REFUNDED: frozenset(),
    State.FAILED: frozenset({State.PENDING}),
}
NOT_CAPTURED = (State.PENDING, State.AUTHORIZED)
REFUNDABLE = (State.CAPTURED, State.PARTIALLY_REFUNDED)


# --- helpers -----------------------------------------------------------------------------------


def vendor_id_of(vendor: Any) -> int:
    """The id of ``vendor`` (a Vendor or an id); refuses None, as ``vendor_scope`` does."""
    pk = getattr(vendor, "pk", vendor)
    if not isinstance(pk, int) or isinstance(pk, bool) or pk <= 0:
        raise ValueError("Payments need a saved vendor.")
    return pk


@contextlib.contextmanager
def vendor_work(vendor: Any) -> Iterator[int]:
    """A transaction (or a savepoint in the caller's) inside ``vendor``'s scope."""
    vid = vendor_id_of(vendor)
    with transaction.atomic(), scope(vendor=vid):
        yield vid


def money(value: Any, field: str = "amount") -> Decimal:
    """``value`` as a positive Decimal of at most two places (a str, int or Decimal; never a
    float, whose binary value is not the amount a person typed)."""
    if isinstance(value, float | bool) or value is None:
        raise PaymentError(_("Enter an amount such as 12.50."), field=field)
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise PaymentError(_("Enter an amount such as 12.50."), field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise PaymentError(_("Enter an amount greater than zero."), field=field)
    if amount != amount.quantize(CENT):
        raise PaymentError(_("Use at most two decimal places."), field=field)
    if amount > MAX_AMOUNT:
        raise PaymentError(
            _("Enter an amount of at most %(max)s.") % {"max": MAX_AMOUNT}, field=field
        )
    return amount.quantize(CENT)


def _currency(value: Any) -> str:
    code = str(value or "")
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise PaymentError(_("Enter a three-letter currency code such as EUR."), field="currency")
    return code


def _text(value: Any, field: str, max_length: int, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise PaymentError(pgettext("payments", "This field is required."), field=field)
    if len(text) > max_length:
        raise PaymentError(
            pgettext("payments", "Use at most %(max)s characters.") % {"max": max_length},
            field=field,
        )
    if "\x00" in text:
        raise PaymentError(pgettext("payments", "Null characters are not allowed."), field=field)
    return text


def _email(value: Any) -> str:
    email = _text(value, "customer_email", 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise PaymentError(
                pgettext("payments", "Enter a valid email address."), field="customer_email"
            ) from None
    return email


def _url(value: Any) -> str:
    url = _text(value, "return_url", 2000)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise PaymentError(
                pgettext("payments", "Enter a valid URL."), field="return_url"
            ) from None
    return url


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def source_of(user: Any, default: str = Source.SYSTEM) -> str:
    """Who acts: staff, a vendor's team member, or ``default`` without a person."""
    person = _user(user)
    if person is None:
        return default
    return Source.STAFF if person.is_staff else Source.VENDOR


# --- the platform's gateway --------------------------------------------------------------------


def config_of(platform_id: int) -> dict[str, Any]:
    """The platform's payments config, secrets revealed (never cached, never shown)."""
    from orion_core.services import ModuleService

    return ModuleService().get_config(platform_id, MODULE, reveal_secrets=True)


def settings_of(config: Mapping[str, Any]) -> GatewaySettings:
    return GatewaySettings(
        api_key=config.get("api_key") or "",
        client_id=config.get("client_id") or "",
        webhook_secret=config.get("webhook_secret") or "",
        sandbox=bool(config.get("sandbox", True)),
        capture_automatically=bool(config.get("capture_automatically", True)),
        instructions=config.get("instructions") or "",
    )


def gateway_of(platform_id: int, code: str) -> PaymentGateway:
    """The adapter of gateway ``code`` with the platform's credentials. A payment made through
    a gateway the platform no longer uses can still be moved if that gateway needs no
    credentials (manual); otherwise the provider cannot be asked."""
    config = config_of(platform_id)
    info = gateways.info(code)
    if config.get("provider") != code and info.needs_api_key:
        raise GatewayError(
            _("This platform no longer takes payments through %(gateway)s.")
            % {"gateway": info.label}
        )
    return gateways.build(code, settings_of(config))


def method(platform_id: int) -> PaymentMethod:
    """How the platform takes payments, for the checkout page: from the cached public config
    (no secret is needed to name the gateway), no SQL when warm."""
    config = state.module_config(platform_id, MODULE)
    info = gateways.info(config.get("provider", "manual"))
    return PaymentMethod(
        gateway=info.code, label=str(info.label), instructions=config.get("instructions") or ""
    )


def _as_gateway_payment(payment: Payment) -> GatewayPayment:
    return GatewayPayment(
        reference=payment.reference,
        external_id=payment.external_id,
        amount=payment.amount,
        currency=payment.currency,
        captured=payment.captured,
    )


# --- reading -----------------------------------------------------------------------------------


def status_of(payment: Payment) -> PaymentStatus:
    return PaymentStatus(
        reference=payment.reference,
        state=PaymentState(payment.state),
        gateway=payment.gateway,
        amount=payment.amount,
        currency=payment.currency,
        captured=payment.captured,
        refunded=payment.refunded,
    )


def next_action(payment: Payment, *, instructions: str = "") -> NextAction:
    """What the customer must do now for ``payment``."""
    state = PaymentState(payment.state)
    if payment.state == State.PENDING and payment.redirect_url:
        return NextAction("redirect", payment.reference, state, redirect_url=payment.redirect_url)
    if payment.state == State.PENDING:
        return NextAction("instructions", payment.reference, state, instructions=instructions)
    return NextAction("none", payment.reference, state)


def find(vendor: Any, reference: str) -> Payment | None:
    """The vendor's payment of ``reference``, or None."""
    with scope(vendor=vendor_id_of(vendor)):
        return Payment.objects.filter(reference=str(reference)[:REFERENCE_MAX]).first()


def _locked(payment_or_reference: Payment | str) -> Payment:
    """The payment (in the current vendor scope), locked for this transaction."""
    if isinstance(payment_or_reference, Payment):
        found = Payment.objects.select_for_update().filter(pk=payment_or_reference.pk).first()
    else:
        found = (
            Payment.objects.select_for_update()
            .filter(reference=str(payment_or_reference)[:REFERENCE_MAX])
            .first()
        )
    if found is None:
        raise UnknownPayment(_("No such payment."))
    return found


# --- moving a payment --------------------------------------------------------------------------


def _move(
    payment: Payment,
    to: str,
    *,
    source: str,
    user: Any = None,
    note: str = "",
    amount: Decimal | None = None,
) -> PaymentTransition:
    """Move a locked ``payment`` to state ``to`` (saving it) and write the history entry."""
    if to not in ALLOWED[payment.state]:
        raise IllegalTransition(
            _("A payment that is %(state)s cannot become %(to)s.")
            % {"state": payment.get_state_display(), "to": State(to).label}
        )
    before = payment.state
    payment.state = to
    payment.save()
    return PaymentTransition.objects.create(
        vendor_id=payment.vendor_id,
        payment=payment,
        from_state=before,
        to_state=to,
        amount=amount,
        source=source,
        user=_user(user),
        note=note[:255],
    )


def _captured(payment: Payment, amount: Decimal, *, source: str, user: Any, note: str) -> None:
    payment.captured = amount
    _move(payment, State.CAPTURED, source=source, user=user, note=note, amount=amount)
    payment_captured.send_on_commit(
        MODULE,
        platform_id=payment.platform_id,
        vendor_id=payment.vendor_id,
        reference=payment.reference,
        amount=payment.captured,
        currency=payment.currency,
        gateway=payment.gateway,
    )


def _failed(payment: Payment, reason: str, *, source: str, user: Any = None) -> None:
    payment.failure_reason = reason[:255]
    _move(payment, State.FAILED, source=source, user=user, note=reason)
    payment_failed.send_on_commit(
        MODULE,
        platform_id=payment.platform_id,
        vendor_id=payment.vendor_id,
        reference=payment.reference,
        gateway=payment.gateway,
        reason=payment.failure_reason,
    )


def _refunded(
    payment: Payment,
    amount: Decimal,
    *,
    source: str,
    user: Any,
    reason: str,
    external_id: str = "",
) -> Refund:
    payment.refunded += amount
    to = State.REFUNDED if payment.refunded == payment.captured else State.PARTIALLY_REFUNDED
    refund = Refund.objects.create(
        vendor_id=payment.vendor_id,
        payment=payment,
        amount=amount,
        reason=reason,
        external_id=external_id[:255],
        source=source,
        user=_user(user),
    )
    _move(payment, to, source=source, user=user, note=reason, amount=amount)
    payment_refunded.send_on_commit(
        MODULE,
        platform_id=payment.platform_id,
        vendor_id=payment.vendor_id,
        reference=payment.reference,
        amount=amount,
        refunded_total=payment.refunded,
        currency=payment.currency,
        fully_refunded=to == State.REFUNDED,
    )
    return refund


def _apply_result(payment: Payment, result: GatewayResult, *, source: str, user: Any) -> None:
    """Bring a locked ``payment`` to the state a gateway's answer puts it in."""
    if result.external_id:
        payment.external_id = result.external_id[:255]
    if result.redirect_url:
        payment.redirect_url = result.redirect_url[:2000]
    if result.state == State.AUTHORIZED and payment.state == State.PENDING:
        _move(payment, State.AUTHORIZED, source=source, user=user, amount=payment.amount)
    elif result.state == State.CAPTURED and payment.state in NOT_CAPTURED:
        _captured(
            payment,
            min(result.amount or payment.amount, payment.amount),
            source=source,
            user=user,
            note="",
        )
    elif result.state == State.FAILED and payment.state in NOT_CAPTURED:
        _failed(payment, result.message or _("Declined by the payment provider."), source=source)
    else:
        payment.save()


def start_payment(
    platform: Any,
    vendor: Any,
    reference: str,
    amount: Any,
    currency: str,
    *,
    customer_email: str = "",
    return_url: str = "",
    payer: str = Payer.CUSTOMER,
) -> tuple[Payment, NextAction]:
    """Start taking ``amount`` for the vendor's ``reference`` through the platform's gateway
    (see ``orion_core.contracts.payments`` for the rules on a reference started twice)."""
    platform_id = getattr(platform, "pk", platform)
    reference = _text(reference, "reference", REFERENCE_MAX, required=True)
    amount = money(amount)
    currency = _currency(currency)
    customer_email = _email(customer_email)
    return_url = _url(return_url)
    if payer not in Payer.values:
        raise PaymentError(_("Unknown payer."), field="payer")
    config = config_of(platform_id)
    code = config.get("provider", "manual")
    with vendor_work(vendor) as vid:
        payment = Payment.objects.select_for_update().filter(reference=reference).first()
        if payment is not None and payment.state != State.FAILED:
            if (payment.amount, payment.currency) != (amount, currency):
                raise PaymentError(
                    _("This reference was started with another amount."), field="amount"
                )
            return payment, next_action(payment, instructions=config.get("instructions") or "")
        if payment is None:
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(
                        vendor_id=vid,
                        platform_id=platform_id,
                        reference=reference,
                        gateway=code,
                        amount=amount,
                        currency=currency,
                        customer_email=customer_email,
                        payer=payer,
                    )
            except IntegrityError:
                # Another checkout started the same reference at the same moment: its payment
                # answers (the caller retries with what it got).
                payment = Payment.objects.select_for_update().get(reference=reference)
                return payment, next_action(payment, instructions=config.get("instructions", ""))
            PaymentTransition.objects.create(
                vendor_id=vid,
                payment=payment,
                to_state=State.PENDING,
                amount=amount,
                source=Source.CUSTOMER,
            )
        else:  # a new attempt of a failed payment
            payment.gateway, payment.amount, payment.currency = code, amount, currency
            payment.customer_email, payment.external_id, payment.redirect_url = (
                customer_email,
                "",
                "",
            )
            payment.failure_reason = ""
            _move(payment, State.PENDING, source=Source.CUSTOMER, amount=amount, note="retry")
        adapter = gateways.build(code, settings_of(config))
        result = adapter.authorize(
            AuthorizeRequest(
                reference=reference,
                amount=amount,
                currency=currency,
                customer_email=customer_email,
                return_url=return_url,
                capture=bool(config.get("capture_automatically", True)),
                description=f"{reference}",
                vendor_id=vid,
            )
        )
        _apply_result(payment, result, source=Source.GATEWAY, user=None)
        return payment, next_action(payment, instructions=result.instructions)


def capture(
    vendor: Any,
    payment: Payment | str,
    *,
    amount: Any = None,
    user: Any = None,
    source: str | None = None,
) -> Payment:
    """Take the money of a pending or authorized payment (all of it, or ``amount`` of it):
    the gateway captures it, or, for a manual payment, the vendor confirms it arrived."""
    with vendor_work(vendor):
        found = _locked(payment)
        if found.state not in NOT_CAPTURED:
            raise IllegalTransition(
                _("Only a pending or authorized payment can be captured; this one is %(state)s.")
                % {"state": found.get_state_display()}
            )
        wanted = found.amount if amount is None else money(amount)
        if wanted > found.amount:
            raise PaymentError(
                _("At most %(max)s can be captured.") % {"max": found.amount}, field="amount"
            )
        adapter = gateway_of(found.platform_id, found.gateway)
        _capture_locked(found, wanted, adapter, source=source or source_of(user), user=user)
        return found


def _capture_locked(
    payment: Payment, amount: Decimal, adapter: PaymentGateway, *, source: str, user: Any
) -> None:
    """Have the gateway capture ``amount`` of a locked payment, then record it."""
    result = adapter.capture(_as_gateway_payment(payment), amount)
    if result.state != State.CAPTURED:
        raise GatewayError(result.message or _("The payment provider did not capture it."))
    if result.external_id:
        payment.external_id = result.external_id[:255]
    taken = min(result.amount or amount, payment.amount)
    _captured(payment, taken, source=source, user=user, note="")


def refund(
    vendor: Any,
    payment: Payment | str,
    amount: Any,
    *,
    reason: str = "",
    user: Any = None,
    source: str | None = None,
) -> Refund:
    """Give back ``amount`` of what a payment captured; never more than what is left."""
    with vendor_work(vendor):
        amount = money(amount)
        reason = _text(reason, "reason", REASON_MAX)
        found = _locked(payment)
        if found.state not in REFUNDABLE:
            raise IllegalTransition(
                _("Only a captured payment can be refunded; this one is %(state)s.")
                % {"state": found.get_state_display()}
            )
        if amount > found.refundable:
            raise RefundExceedsCaptured(
                _("At most %(max)s %(currency)s can be refunded.")
                % {"max": found.refundable, "currency": found.currency},
                field="amount",
            )
        number = Refund.objects.filter(payment=found).count() + 1
        result = gateway_of(found.platform_id, found.gateway).refund(
            _as_gateway_payment(found), amount, key=f"orion-refund-{found.pk}-{number}"
        )
        if result.state == State.FAILED:
            raise GatewayError(result.message or _("The payment provider refused the refund."))
        return _refunded(
            found,
            amount,
            source=source or source_of(user),
            user=user,
            reason=reason,
            external_id=result.external_id,
        )


def cancel(
    vendor: Any, payment: Payment | str, *, user: Any = None, reason: str = ""
) -> Payment | None:
    """Give up a payment not captured yet (→ failed). None when the reference is unknown; a
    failed payment stays as it is; a captured one is refused (refund it instead)."""
    with vendor_work(vendor):
        try:
            found = _locked(payment)
        except UnknownPayment:
            return None
        if found.state == State.FAILED:
            return found
        if found.state not in NOT_CAPTURED:
            raise IllegalTransition(
                _("A payment that is %(state)s cannot be cancelled: refund it instead.")
                % {"state": found.get_state_display()}
            )
        result = gateway_of(found.platform_id, found.gateway).void(_as_gateway_payment(found))
        if result.state != State.FAILED:
            raise GatewayError(result.message or _("The payment provider did not cancel it."))
        _failed(
            found, reason or pgettext("payments", "Cancelled."), source=source_of(user), user=user
        )
        return found


# --- webhooks ----------------------------------------------------------------------------------


def handle_webhook(
    platform: Any, code: str, body: bytes, headers: Mapping[str, str]
) -> ProcessedWebhook:
    """Verify, record and apply one webhook of gateway ``code`` for ``platform`` (across
    vendors: the event names the payment). Raises ``InvalidSignature`` (nothing recorded) when
    the body is not signed with the platform's secret for this gateway."""
    platform_id = getattr(platform, "pk", platform)
    config = config_of(platform_id)
    if config.get("provider") != code:
        raise InvalidSignature(f"{code} is not this platform's payment provider")
    adapter = gateways.build(code, settings_of(config))
    event = adapter.parse_webhook(body, headers)
    with transaction.atomic(), scopes_disabled():
        try:
            with transaction.atomic():
                record = ProcessedWebhook.objects.create(
                    platform_id=platform_id,
                    gateway=code,
                    event_id=event.event_id[:255],
                    event_type=event.event_type[:100],
                    outcome=ProcessedWebhook.Outcome.IGNORED,
                )
        except IntegrityError:
            logger.info("payments: %s webhook %s already handled", code, event.event_id)
            return ProcessedWebhook.objects.get(gateway=code, event_id=event.event_id[:255])
        if event.kind is None:
            logger.info(
                "payments: ignored %s webhook %s of type %s", code, event.event_id, event.event_type
            )
            return record
        payment = _payment_of_event(platform_id, code, event)
        if payment is None:
            logger.warning(
                "payments: %s webhook %s (%s) names no payment of platform %s",
                code,
                event.event_id,
                event.event_type,
                platform_id,
            )
            record.outcome = ProcessedWebhook.Outcome.UNKNOWN_PAYMENT
            record.save(update_fields=["outcome"])
            return record
        with scope(vendor=payment.vendor_id):
            applied = _apply_event(payment, event)
            if applied and payment.state == State.AUTHORIZED and config["capture_automatically"]:
                # The customer approved a payment the gateway does not capture by itself
                # (PayPal): take it now. A refusal rolls the event back; the provider retries.
                _capture_locked(payment, payment.amount, adapter, source=Source.GATEWAY, user=None)
        record.payment = payment
        record.outcome = (
            ProcessedWebhook.Outcome.APPLIED if applied else ProcessedWebhook.Outcome.STALE
        )
        record.save(update_fields=["payment", "outcome"])
        return record


def _payment_of_event(platform_id: int, code: str, event: WebhookEvent) -> Payment | None:
    """The platform's payment an event names (by our vendor and reference when the provider
    echoes them, else by the provider's id), locked."""
    payments = Payment.objects.select_for_update().filter(platform_id=platform_id, gateway=code)
    if event.vendor_id and event.reference:
        found = payments.filter(vendor_id=event.vendor_id, reference=event.reference).first()
        if found is not None:
            return found
    if event.external_id:
        return payments.filter(external_id=event.external_id).order_by("pk").first()
    return None


def _apply_event(payment: Payment, event: WebhookEvent) -> bool:
    """Apply a verified event to a locked payment; False when it is out of date (the payment
    already passed the state it tells of), so nothing changes."""
    applied = _apply_kind(payment, event)
    if applied and event.external_id and event.external_id != payment.external_id:
        # The provider's id of the payment as it now knows it (Stripe: the PaymentIntent that
        # the Checkout Session created; PayPal: the capture of the order). An out-of-date
        # event never changes it.
        payment.external_id = event.external_id[:255]
        payment.save(update_fields=["external_id", "updated_at"])
    return applied


def _apply_kind(payment: Payment, event: WebhookEvent) -> bool:
    kind = event.kind
    note = event.event_type[:255]
    if kind == PaymentState.AUTHORIZED:
        if payment.state != State.PENDING:
            return False
        _move(payment, State.AUTHORIZED, source=Source.WEBHOOK, note=note, amount=event.amount)
        return True
    if kind == PaymentState.CAPTURED:
        if payment.state not in NOT_CAPTURED:
            return False
        amount = min(event.amount or payment.amount, payment.amount)
        _captured(payment, amount, source=Source.WEBHOOK, user=None, note=note)
        return True
    if kind == PaymentState.FAILED:
        if payment.state not in NOT_CAPTURED:
            return False
        _failed(payment, note, source=Source.WEBHOOK)
        return True
    if kind in (PaymentState.REFUNDED, PaymentState.PARTIALLY_REFUNDED):
        if payment.state == State.FAILED or event.amount is None:
            return False
        if payment.state in NOT_CAPTURED:
            # The refund arrived before the capture's event: money that went back was taken.
            _captured(payment, payment.amount, source=Source.WEBHOOK, user=None, note=note)
        total = min(event.amount, payment.captured)
        if total <= payment.refunded:
            return False
        _refunded(
            payment,
            total - payment.refunded,
            source=Source.WEBHOOK,
            user=None,
            reason=_("Refunded at the payment provider."),
        )
        return True
    return False


# --- lists and figures -------------------------------------------------------------------------


def sales() -> QuerySet[Payment]:
    """The current vendor's own payments: what customers paid it. What the vendor pays the
    platform (``Payer.VENDOR``) is never the vendor's to see here, confirm or refund."""
    return Payment.objects.filter(payer=Payer.CUSTOMER)


def payment_list(*, search: str = "", state: str = "", gateway: str = "") -> QuerySet[Payment]:
    """The current vendor's sales, newest first, filtered."""
    qs = sales()
    for term in search.split()[:5]:
        qs = qs.filter(Q(reference__icontains=term) | Q(customer_email__icontains=term))
    if state:
        qs = qs.filter(state=state)
    if gateway:
        qs = qs.filter(gateway=gateway)
    return qs.order_by("-created_at", "-pk")


@dataclasses.dataclass(frozen=True)
class Summary:
    """Figures for dashboards, over some vendors' payments on one platform: the payments still
    awaiting their money (whenever started), and the money taken and refunded of the payments
    started since a date (all of them without one)."""

    pending: int
    captured_count: int
    captured: Decimal
    refunded: Decimal


def summary(platform_id: int, vendor_ids: Any = None, *, since: Any = None) -> Summary:
    """Payments of ``platform_id`` (of ``vendor_ids`` only, if given), across vendors, in one
    query."""
    recent = Q(created_at__gte=since) if since is not None else Q()
    with scopes_disabled():
        qs = Payment.objects.filter(platform_id=platform_id, payer=Payer.CUSTOMER)
        if vendor_ids is not None:
            qs = qs.filter(vendor_id__in=vendor_ids)
        totals = qs.aggregate(
            pending=Count("pk", filter=Q(state__in=NOT_CAPTURED)),
            captured_count=Count("pk", filter=recent & Q(captured__gt=0)),
            captured=Coalesce(Sum("captured", filter=recent), ZERO),
            refunded=Coalesce(Sum("refunded", filter=recent), ZERO),
        )
    return Summary(**totals)


def month_start() -> Any:
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
