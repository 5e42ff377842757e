"""Inventory's business logic. Views, the API, the stock contract's provider, tasks and commands
call this, never the ORM directly for a change.

**Every change goes through the ledger.** A function that changes a level locks the level rows
it touches (``select_for_update``, in primary-key order, so two changes of the same rows never
deadlock), changes them and appends one ``StockMovement`` per level, all in one transaction; it
joins the caller's transaction when there is one, so a caller's rollback takes the stock change
with it. The database refuses a level below zero or more reserved than on hand, so a bug cannot
quietly oversell either. Reservations lock their own row before any level (commit, release,
expiry), in the same order everywhere.

**Bad input** is a ``django.core.exceptions.ValidationError`` keyed by field (``variant``,
``location``, ``quantity``, ``change``, ``reason``, ``note``, ``reference``, ``lines``), raised
before anything is written: forms and serializers show it next to the field.

**Vendors.** Each function takes the vendor (a ``Vendor`` or its id) and runs inside that
vendor's scope, so another vendor's variant or location is simply unknown. Functions that work
across vendors (expiry, the ledger check, platform figures) say so.

**Low stock.** When a change makes what can be sold of a variant (``on_hand - reserved`` over all
its locations) fall from above its threshold to at or below it, ``stock_low`` is sent once the
transaction commits; a change that leaves it below (or raises it) sends nothing. The threshold
is the product's own (``LowStockThreshold``), else the module config ``low_stock_threshold`` of
the platform the work runs for (the tenant context: the request's platform, or the one a task
carries), else that setting's default.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_scopes import scope, scopes_disabled

from modules.catalog.models import Product, Variant
from modules.inventory.models import (
    MAX_LEVEL,
    MAX_QUANTITY,
    LowStockThreshold,
    Reservation,
    ReservationLine,
    StockLevel,
    StockLocation,
    StockMovement,
)
from modules.tenancy.context import current
from orion_core import bulk, shared_cache, state
from orion_core.contracts.stock import OutOfStock, ReservationExpired, Shortage, stock_scope
from orion_core.domain_events import stock_low

MODULE = "inventory"
DEFAULT_LOCATION_CODE = "main"
DEFAULT_LOCATION_NAME = "Main"  # stored data, like a name a vendor typed: not translated
FALLBACK_THRESHOLD = 5  # the config schema's default, when no platform is known
REFERENCE_MAX = 100
# The staff dashboard's stock figures of every platform (they sum across vendors).
STATS_SCOPE = "inventory-stats"

# Reasons a person may give for an adjustment (the others are written by the system).
MANUAL_REASONS = (
    StockMovement.Reason.COUNT,
    StockMovement.Reason.DAMAGED,
    StockMovement.Reason.LOST,
    StockMovement.Reason.FOUND,
    StockMovement.Reason.RETURNED,
    StockMovement.Reason.CORRECTION,
    StockMovement.Reason.OTHER,
)


# --- helpers -----------------------------------------------------------------------------------


def vendor_id_of(vendor: Any) -> int:
    """The id of ``vendor`` (a Vendor or an id); refuses None, as ``vendor_scope`` does."""
    pk = getattr(vendor, "pk", vendor)
    if not isinstance(pk, int) or isinstance(pk, bool) or pk <= 0:
        raise ValueError("Inventory needs a saved vendor.")
    return pk


@contextlib.contextmanager
def vendor_work(vendor: Any) -> Iterator[int]:
    """A transaction (or a savepoint in the caller's) inside ``vendor``'s scope, for every
    change of stock: once it commits, the vendor's ``stock_scope`` is bumped (the contract's
    rule), so what others cached from availability is stale everywhere, and so is every
    platform's cached stock figures (``STATS_SCOPE``)."""
    vid = vendor_id_of(vendor)
    with transaction.atomic(), scope(vendor=vid):
        shared_cache.bump_on_commit(stock_scope(vid), STATS_SCOPE)
        yield vid


def _invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _quantity(value: Any, field: str = "quantity", *, allow_zero: bool = False) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(field, _("Enter a whole number."))
    low = 0 if allow_zero else 1
    if not low <= value <= MAX_QUANTITY:
        raise _invalid(
            field,
            pgettext("inventory", "Enter a number from %(low)s to %(high)s.")
            % {"low": low, "high": MAX_QUANTITY},
            "range",
        )
    return value


def _text(value: Any, field: str, max_length: int) -> str:
    value = "" if value is None else str(value).strip()
    if len(value) > max_length:
        raise _invalid(
            field,
            pgettext("inventory", "Use at most %(max)s characters.") % {"max": max_length},
            "max_length",
        )
    if "\x00" in value:
        raise _invalid(field, _("Null characters are not allowed."))
    return value


def _variant(variant: Any) -> Variant:
    """The current vendor's variant (an instance or an id), else a field error."""
    pk = getattr(variant, "pk", variant)
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**63:
        found = Variant.objects.filter(pk=pk).first()
    if found is None:
        raise _invalid("variant", pgettext("inventory", "No such variant."), "unknown")
    return found


def _location(location: Any, vid: int) -> StockLocation:
    """The current vendor's location (an instance or id); its default location for None."""
    if location is None:
        return default_location(vid)
    pk = getattr(location, "pk", location)
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**63:
        found = StockLocation.objects.filter(pk=pk).first()
    if found is None:
        raise _invalid("location", pgettext("inventory", "No such location."), "unknown")
    return found


# --- locations ---------------------------------------------------------------------------------


def default_location(vendor: Any) -> StockLocation:
    """The vendor's default location, created the first time it is needed (race-safe: the
    database allows one default per vendor, and a loser of the race reads the winner's)."""
    vid = vendor_id_of(vendor)
    with scope(vendor=vid):
        found = StockLocation.objects.filter(is_default=True).first()
        if found is not None:
            return found
        code = DEFAULT_LOCATION_CODE
        if StockLocation.objects.filter(code=code).exists():
            code = f"{DEFAULT_LOCATION_CODE}-{uuid.uuid4().hex[:6]}"
        try:
            with transaction.atomic():
                return StockLocation.objects.create(
                    vendor_id=vid, code=code, name=DEFAULT_LOCATION_NAME, is_default=True
                )
        except IntegrityError:
            return StockLocation.objects.get(is_default=True)


def location_code_taken(code: str, exclude_pk: int | None = None) -> bool:
    return StockLocation.objects.filter(code=code).exclude(pk=exclude_pk).exists()


def create_location(vendor: Any, *, name: str, code: str) -> StockLocation:
    """A new location of ``vendor``; its first location becomes its default."""
    with vendor_work(vendor) as vid:
        name = _text(name, "name", 100)
        code = _text(code, "code", 50)
        if not name:
            raise _invalid("name", _("This field is required."), "required")
        try:
            validate_slug(code)
        except ValidationError as exc:
            raise ValidationError({"code": exc.error_list}) from None
        if location_code_taken(code):
            raise _invalid("code", _("A location with this code already exists."), "unique")
        is_default = not StockLocation.objects.filter(is_default=True).exists()
        try:
            with transaction.atomic():
                return StockLocation.objects.create(
                    vendor_id=vid, name=name, code=code, is_default=is_default
                )
        except IntegrityError:
            raise _invalid(
                "code", _("A location with this code already exists."), "unique"
            ) from None


# --- levels ------------------------------------------------------------------------------------


def _locked_level(vid: int, variant: Variant, location: StockLocation) -> StockLevel:
    """The level of ``variant`` at ``location``, created at 0 when missing, locked."""
    level, _created = StockLevel.objects.get_or_create(
        vendor_id=vid, variant=variant, location=location
    )
    return StockLevel.objects.select_for_update().get(pk=level.pk)


def _move(
    level: StockLevel,
    kind: str,
    *,
    sku: str,
    on_hand: int = 0,
    reserved: int = 0,
    reason: str = "",
    note: str = "",
    reference: str = "",
    reservation: Reservation | None = None,
    user: Any = None,
) -> StockMovement:
    """Change a locked ``level`` by the deltas and append its movement."""
    level.on_hand += on_hand
    level.reserved += reserved
    level.save(update_fields=["on_hand", "reserved", "updated_at"])
    return StockMovement.objects.create(
        vendor_id=level.vendor_id,
        kind=kind,
        variant_id=level.variant_id,
        sku=sku,
        location_id=level.location_id,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        on_hand_after=level.on_hand,
        reserved_after=level.reserved,
        reason=reason,
        note=note,
        reference=reference,
        reservation=reservation,
        user=_user(user),
    )


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def receive(
    vendor: Any,
    variant: Any,
    quantity: int,
    *,
    location: Any = None,
    reference: str = "",
    note: str = "",
    user: Any = None,
) -> StockMovement:
    """``quantity`` new units of ``variant`` arrived at ``location`` (default: the vendor's
    default location). Makes an untracked variant tracked."""
    with vendor_work(vendor) as vid:
        quantity = _quantity(quantity)
        reference = _text(reference, "reference", REFERENCE_MAX)
        note = _text(note, "note", 200)
        found = _variant(variant)
        place = _location(location, vid)
        level = _locked_level(vid, found, place)
        if level.on_hand + quantity > MAX_LEVEL:
            raise _invalid(
                "quantity",
                _("A level holds at most %(max)s units.") % {"max": MAX_LEVEL},
                "range",
            )
        return _move(
            level,
            StockMovement.Kind.RECEIVE,
            sku=found.sku,
            on_hand=quantity,
            reference=reference,
            note=note,
            user=_user(user),
        )


def adjust(
    vendor: Any,
    variant: Any,
    change: int,
    *,
    reason: str,
    location: Any = None,
    note: str = "",
    reference: str = "",
    user: Any = None,
) -> StockMovement:
    """Change what is on hand of ``variant`` at ``location`` by ``change`` (negative: fewer),
    for ``reason`` (one of ``MANUAL_REASONS``; ``other`` needs a note). Units that are
    reserved cannot be adjusted away: release or ship them first."""
    with vendor_work(vendor) as vid:
        if not isinstance(change, int) or isinstance(change, bool):
            raise _invalid("change", _("Enter a whole number."))
        if change == 0:
            raise _invalid("change", _("Enter a change other than zero."), "zero")
        if abs(change) > MAX_QUANTITY:
            raise _invalid(
                "change",
                _("Change at most %(max)s units at a time.") % {"max": MAX_QUANTITY},
                "range",
            )
        if reason not in MANUAL_REASONS:
            raise _invalid("reason", pgettext("inventory", "Choose a reason."), "required")
        note = _text(note, "note", 200)
        reference = _text(reference, "reference", REFERENCE_MAX)
        if reason == StockMovement.Reason.OTHER and not note:
            raise _invalid("note", _("Say what happened when the reason is “other”."), "required")
        found = _variant(variant)
        place = _location(location, vid)
        level = _locked_level(vid, found, place)
        _check_room(level, change)
        movement = _move(
            level,
            StockMovement.Kind.ADJUST,
            sku=found.sku,
            on_hand=change,
            reason=reason,
            note=note,
            reference=reference,
            user=_user(user),
        )
        _notify_low(vid, {found.pk: change})
        return movement


def _check_room(level: StockLevel, change: int) -> None:
    after = level.on_hand + change
    if after < 0:
        raise _invalid(
            "change",
            _("Only %(on_hand)s on hand here: remove at most %(on_hand)s.")
            % {"on_hand": level.on_hand},
            "insufficient",
        )
    if after < level.reserved:
        raise _invalid(
            "change",
            _("%(reserved)s of the %(on_hand)s on hand are reserved: remove at most %(free)s.")
            % {"reserved": level.reserved, "on_hand": level.on_hand, "free": level.available},
            "reserved",
        )
    if after > MAX_LEVEL:
        raise _invalid(
            "change", _("A level holds at most %(max)s units.") % {"max": MAX_LEVEL}, "range"
        )


def set_level(
    vendor: Any,
    variant: Any,
    quantity: int,
    *,
    location: Any = None,
    reason: str = StockMovement.Reason.FEED,
    note: str = "",
    user: Any = None,
) -> StockMovement | None:
    """Make what is on hand of ``variant`` at ``location`` exactly ``quantity`` (a feed, a
    count): one adjustment of the difference, or none when it is already so. Refused below
    what is reserved there. Makes an untracked variant tracked (at 0 too)."""
    with vendor_work(vendor) as vid:
        quantity = _quantity(quantity, allow_zero=True)
        if reason not in (*MANUAL_REASONS, StockMovement.Reason.FEED):
            raise _invalid("reason", pgettext("inventory", "Choose a reason."), "required")
        note = _text(note, "note", 200)
        found = _variant(variant)
        place = _location(location, vid)
        level = _locked_level(vid, found, place)
        change = quantity - level.on_hand
        if change == 0:
            return None
        if quantity < level.reserved:
            raise _invalid(
                "quantity",
                _("%(reserved)s are reserved here: the level cannot go below that.")
                % {"reserved": level.reserved},
                "reserved",
            )
        movement = _move(
            level,
            StockMovement.Kind.ADJUST,
            sku=found.sku,
            on_hand=change,
            reason=reason,
            note=note,
            user=_user(user),
        )
        _notify_low(vid, {found.pk: change})
        return movement


# What ``set_levels`` writes of a movement (the other fields keep their defaults).
_MOVEMENT_COLUMNS = (
    "vendor",
    "kind",
    "variant",
    "sku",
    "location",
    "on_hand_delta",
    "reserved_delta",
    "on_hand_after",
    "reserved_after",
    "reason",
    "note",
)


def set_levels(
    vendor: Any,
    quantities: Mapping[int, int],
    *,
    reason: str = StockMovement.Reason.FEED,
    note: str = "",
) -> int:
    """``set_level`` for many variants at the vendor's default location at once (a feed of a
    whole catalogue): a handful of queries whatever the number, not a handful per variant.
    Variants the vendor does not have are left out; a level that would go below what is
    reserved is refused as ``set_level`` refuses it, and nothing changes. Returns how many
    levels changed."""
    with vendor_work(vendor) as vid:
        if reason not in (*MANUAL_REASONS, StockMovement.Reason.FEED):
            raise _invalid("reason", pgettext("inventory", "Choose a reason."), "required")
        note = _text(note, "note", 200)
        wanted = {pk: _quantity(qty, allow_zero=True) for pk, qty in quantities.items()}
        variants = dict(
            Variant.objects.filter(pk__in=list(wanted)).order_by().values_list("pk", "sku")
        )
        if not variants:
            return 0
        place = default_location(vid)
        levels = {  # variant → (level pk, on hand, reserved)
            variant: (pk, on_hand, reserved)
            for variant, pk, on_hand, reserved in StockLevel.objects.select_for_update()
            .filter(location=place, variant_id__in=list(variants))
            .order_by("pk")
            .values_list("variant_id", "pk", "on_hand", "reserved")
        }
        changes: dict[int, int] = {}
        movements, fresh, moved = [], [], []
        now = timezone.now()
        for pk in sorted(variants):
            level, on_hand, reserved = levels.get(pk, (None, 0, 0))
            quantity = wanted[pk]
            change = quantity - on_hand
            if change == 0 and level:
                continue
            if quantity < reserved:
                raise _invalid(
                    "quantity",
                    _("%(reserved)s are reserved here: the level cannot go below that.")
                    % {"reserved": reserved},
                    "reserved",
                )
            if level:
                moved.append((quantity, now, level))
            else:
                fresh.append((vid, pk, place.pk, quantity))
            if change == 0:
                continue  # a new level at 0: tracked now, nothing moved
            changes[pk] = change
            movements.append(
                (vid, StockMovement.Kind.ADJUST, pk, variants[pk], place.pk, change, 0)
                + (quantity, reserved, reason, note)
            )
        # Written as plain rows (``orion_core.bulk``): a feed sets thousands at once. A level
        # created meanwhile by another transaction makes this one fail whole (the unique level
        # per variant and location).
        bulk.insert(StockLevel, ("vendor", "variant", "location", "on_hand"), fresh)
        bulk.update(StockLevel, ("on_hand", "updated_at"), moved)
        bulk.insert(StockMovement, _MOVEMENT_COLUMNS, movements)
        _notify_low(vid, changes)
        return len(changes)


# --- availability ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Stock:
    """What inventory knows of one variant: None for ``available`` when it is untracked; a
    variant the vendor does not have is tracked with nothing available."""

    variant_id: int
    tracked: bool
    on_hand: int
    reserved: int

    @property
    def available(self) -> int | None:
        return self.on_hand - self.reserved if self.tracked else None


def stock_of(vendor: Any, variant_ids: Iterable[int]) -> dict[int, Stock]:
    """Every id asked gets an answer, in one query."""
    variant_ids = list(variant_ids)
    ids = {pk for pk in variant_ids if isinstance(pk, int) and 0 < pk < 2**63}
    vid = vendor_id_of(vendor)
    answers: dict[int, Stock] = {}
    if ids:
        with scope(vendor=vid):
            rows = (
                Variant.objects.filter(pk__in=ids)
                .annotate(
                    levels=Count("stock_levels"),
                    on_hand=Coalesce(Sum("stock_levels__on_hand"), 0),
                    held=Coalesce(Sum("stock_levels__reserved"), 0),
                )
                .order_by()
                .values_list("pk", "levels", "on_hand", "held")
            )
            for pk, levels, on_hand, held in rows:
                answers[pk] = Stock(pk, bool(levels), on_hand, held)
    return {
        pk: answers.get(pk, Stock(pk, tracked=True, on_hand=0, reserved=0)) for pk in variant_ids
    }


# --- reservations ------------------------------------------------------------------------------


def _lines(lines: Sequence[Any]) -> OrderedDict[int, int]:
    """``(variant_id, quantity)`` pairs (or StockLine-like objects), merged per variant."""
    merged: OrderedDict[int, int] = OrderedDict()
    if not lines:
        raise _invalid("lines", _("Reserve at least one line."), "required")
    for line in lines:
        variant_id = getattr(line, "variant_id", None)
        quantity = getattr(line, "quantity", None)
        if variant_id is None and isinstance(line, tuple | list) and len(line) == 2:
            variant_id, quantity = line
        if not isinstance(variant_id, int) or isinstance(variant_id, bool):
            raise _invalid("lines", _("Each line names a variant by its id."))
        merged[variant_id] = merged.get(variant_id, 0) + _quantity(quantity, "lines")
        _quantity(merged[variant_id], "lines")
    return merged


def _reference(reference: Any) -> str:
    reference = _text(reference, "reference", REFERENCE_MAX)
    if not reference:
        raise _invalid("reference", _("This field is required."), "required")
    return reference


def reserve(
    vendor: Any,
    reference: str,
    lines: Sequence[Any],
    *,
    expires_at: datetime.datetime | None = None,
) -> Reservation:
    """Hold every line until ``expires_at`` (None: until committed or released), or raise
    ``OutOfStock`` naming each shortage and hold nothing.

    Idempotent per ``reference``: a reference the vendor already used returns that first
    reservation as it is (even released or expired), whatever the lines. Lines of one variant
    are merged. A tracked variant is held at its locations, the default location first; an
    untracked one is recorded and holds nothing; a variant the vendor does not have is short
    of everything asked.
    """
    reference = _reference(reference)
    wanted = _lines(lines)
    if expires_at is not None and (
        not isinstance(expires_at, datetime.datetime) or timezone.is_naive(expires_at)
    ):
        raise _invalid("expires_at", _("Give an aware date and time, or none."))
    with vendor_work(vendor) as vid:
        existing = Reservation.objects.filter(reference=reference).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                reservation = Reservation.objects.create(
                    vendor_id=vid, reference=reference, expires_at=expires_at
                )
        except IntegrityError:  # the same reference, reserved concurrently: theirs stands
            return Reservation.objects.get(reference=reference)
        known = dict(Variant.objects.filter(pk__in=list(wanted)).values_list("pk", "sku"))
        levels: dict[int, list[StockLevel]] = defaultdict(list)
        for level in (
            StockLevel.objects.select_for_update(of=("self",))
            .filter(variant_id__in=list(known))
            .select_related("location")
            .order_by("pk")
        ):
            levels[level.variant_id].append(level)
        shortages, plan = [], []
        for variant_id, quantity in wanted.items():
            if variant_id not in known:
                shortages.append(Shortage(variant_id, quantity, 0))
                continue
            places = sorted(
                levels[variant_id], key=lambda lv: (not lv.location.is_default, lv.location_id)
            )
            if not places:
                plan.append((variant_id, None, quantity))
                continue
            available = sum(max(lv.available, 0) for lv in places)
            if available < quantity:
                shortages.append(Shortage(variant_id, quantity, available))
                continue
            remaining = quantity
            for level in places:
                take = min(level.available, remaining)
                if take > 0:
                    plan.append((variant_id, level, take))
                    remaining -= take
        if shortages:
            raise OutOfStock(shortages)  # rolls the reservation row back with the savepoint
        held: dict[int, int] = defaultdict(int)
        for variant_id, level, quantity in plan:
            ReservationLine.objects.create(
                vendor_id=vid,
                reservation=reservation,
                variant_id=variant_id,
                location=level.location if level else None,
                quantity=quantity,
            )
            if level is not None:
                _move(
                    level,
                    StockMovement.Kind.RESERVE,
                    sku=known[variant_id],
                    reserved=quantity,
                    reference=reference,
                    reservation=reservation,
                )
                held[variant_id] -= quantity
        _notify_low(vid, held)
        return reservation


def reservation_lines(reservation: Reservation) -> list[tuple[int, int]]:
    """``(variant_id, quantity)`` per variant, as reserved (in line order)."""
    merged: OrderedDict[int, int] = OrderedDict()
    for variant_id, quantity in (
        ReservationLine.objects.with_scopes_disabled()
        .filter(reservation=reservation)
        .order_by("pk")
        .values_list("variant_id", "quantity")
    ):
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return list(merged.items())


def _held_levels(reservation: Reservation) -> list[tuple[ReservationLine, StockLevel, str]]:
    """The held lines of ``reservation`` with their levels, locked in primary-key order."""
    lines = list(
        ReservationLine.objects.filter(reservation=reservation, location__isnull=False).order_by(
            "pk"
        )
    )
    if not lines:
        return []
    query = Q()
    for line in lines:
        query |= Q(variant_id=line.variant_id, location_id=line.location_id)
    locked = {
        (lv.variant_id, lv.location_id): lv
        for lv in StockLevel.objects.select_for_update(of=("self",))
        .filter(query)
        .select_related("variant")
        .order_by("pk")
    }
    return [
        (line, lv, lv.variant.sku)
        for line in lines
        if (lv := locked.get((line.variant_id, line.location_id))) is not None
    ]


def _locked_reservation(reference: str, *, skip_locked: bool = False) -> Reservation | None:
    return (
        Reservation.objects.select_for_update(skip_locked=skip_locked)
        .filter(reference=reference)
        .first()
    )


def commit(vendor: Any, reference: str) -> Reservation | None:
    """The held units leave stock for good (sold and shipped): on hand and reserved both drop.

    Idempotent: committing a committed reservation does nothing. An unknown reference does
    nothing either (a checkout reserved while inventory was off holds nothing to ship). A
    reservation that expired, or was released, raises ``ReservationExpired``.
    """
    reference = _reference(reference)
    with vendor_work(vendor):
        reservation = _locked_reservation(reference)
        if reservation is None or reservation.state == Reservation.State.COMMITTED:
            return reservation
        if reservation.state != Reservation.State.HELD or reservation.has_expired():
            raise ReservationExpired(
                _("Reservation %(reference)s is no longer held.") % {"reference": reference}
            )
        for line, level, sku in _held_levels(reservation):
            _move(
                level,
                StockMovement.Kind.SHIP,
                sku=sku,
                on_hand=-line.quantity,
                reserved=-line.quantity,
                reference=reference,
                reservation=reservation,
            )
        reservation.state = Reservation.State.COMMITTED
        reservation.save(update_fields=["state", "updated_at"])
        return reservation


def release(vendor: Any, reference: str) -> Reservation | None:
    """The held units are available again. Idempotent: an unknown, released, expired or
    committed reservation is left as it is (units sold are not released; returns are
    received)."""
    reference = _reference(reference)
    with vendor_work(vendor):
        reservation = _locked_reservation(reference)
        if reservation is None or reservation.state != Reservation.State.HELD:
            return reservation
        _release(reservation, Reservation.State.RELEASED)
        return reservation


def _release(reservation: Reservation, state: str) -> None:
    reason = StockMovement.Reason.EXPIRED if state == Reservation.State.EXPIRED else ""
    for line, level, sku in _held_levels(reservation):
        _move(
            level,
            StockMovement.Kind.RELEASE,
            sku=sku,
            reserved=-line.quantity,
            reason=reason,
            reference=reservation.reference,
            reservation=reservation,
        )
    reservation.state = state
    reservation.save(update_fields=["state", "updated_at"])


def expire_reservations(*, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Release every held reservation whose expiry has passed, across all vendors; returns
    how many. Idempotent and safe to run twice at once: each reservation is handled in its own
    transaction, under its row lock, skipping rows another run holds, and only while still held
    and due."""
    now = now or timezone.now()
    released = 0
    seen: set[int] = set()
    while True:
        with scopes_disabled():
            due = list(
                Reservation.objects.filter(state=Reservation.State.HELD, expires_at__lte=now)
                .exclude(pk__in=seen)
                .order_by("expires_at", "pk")
                .values_list("pk", "vendor_id")[:batch]
            )
        if not due:
            return released
        for pk, vid in due:
            seen.add(pk)
            with vendor_work(vid):
                reservation = (
                    Reservation.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, state=Reservation.State.HELD, expires_at__lte=now)
                    .first()
                )
                if reservation is not None:
                    _release(reservation, Reservation.State.EXPIRED)
                    released += 1


# --- low stock ---------------------------------------------------------------------------------


def default_threshold(platform_id: int | None = None) -> int:
    """The platform's default low-stock threshold (the tenant context's platform if none is
    given); the setting's default without a platform."""
    platform_id = platform_id if platform_id is not None else current().platform_id
    if platform_id is None:
        return FALLBACK_THRESHOLD
    config = state.module_config(platform_id, MODULE)
    value = config.get("low_stock_threshold", FALLBACK_THRESHOLD)
    return value if isinstance(value, int) else FALLBACK_THRESHOLD


def threshold_subquery(default: int, product: str = "product_id") -> Any:
    """The threshold of the product a row names by ``product`` (``OuterRef``), else
    ``default``."""
    own = LowStockThreshold.objects.with_scopes_disabled().filter(product_id=OuterRef(product))
    return Coalesce(
        Subquery(own.order_by().values("threshold")[:1], output_field=IntegerField()),
        Value(default),
    )


def _notify_low(vid: int, changes: dict[int, int]) -> None:
    """Send ``stock_low`` for each variant whose availability fell across its threshold by
    ``changes`` (variant id → change of what can be sold)."""
    falling = {pk: change for pk, change in changes.items() if change < 0}
    if not falling:
        return
    platform_id = current().platform_id
    default = default_threshold(platform_id)
    rows = (
        Variant.objects.filter(pk__in=list(falling))
        .annotate(
            on_hand=Coalesce(Sum("stock_levels__on_hand"), 0),
            held=Coalesce(Sum("stock_levels__reserved"), 0),
            threshold=threshold_subquery(default),
        )
        .order_by()
        .values_list("pk", "sku", "on_hand", "held", "threshold")
    )
    for pk, sku, on_hand, held, threshold in rows:
        after = on_hand - held
        before = after - falling[pk]
        if before > threshold >= after:
            stock_low.send_on_commit(
                MODULE,
                platform_id=platform_id,
                vendor_id=vid,
                variant_id=pk,
                sku=sku,
                available=after,
                threshold=threshold,
            )


def set_threshold(vendor: Any, product: Any, threshold: int | None) -> LowStockThreshold | None:
    """Give ``product`` a threshold of its own, or (None) let it use the platform's default."""
    with vendor_work(vendor) as vid:
        pk = getattr(product, "pk", product)
        found = None
        if isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**63:
            found = Product.objects.filter(pk=pk).first()
        if found is None:
            raise _invalid("product", pgettext("inventory", "No such product."), "unknown")
        if threshold is None:
            LowStockThreshold.objects.filter(product=found).delete()
            return None
        if not isinstance(threshold, int) or isinstance(threshold, bool):
            raise _invalid("threshold", _("Enter a whole number."))
        if not 0 <= threshold <= MAX_LEVEL:
            raise _invalid(
                "threshold",
                pgettext("inventory", "Enter a number from %(low)s to %(high)s.")
                % {"low": 0, "high": MAX_LEVEL},
                "range",
            )
        row, _created = LowStockThreshold.objects.update_or_create(
            product=found, defaults={"vendor_id": vid, "threshold": threshold}
        )
        return row


# --- what pages show ---------------------------------------------------------------------------


class StockFilter:
    ALL = ""
    TRACKED = "tracked"
    UNTRACKED = "untracked"
    LOW = "low"
    OUT = "out"


def stock_overview(
    *,
    default: int,
    search: str = "",
    location: StockLocation | None = None,
    status: str = "",
) -> QuerySet[Variant]:
    """The current vendor's variants with their stock, one row each, in one query.

    Each row has ``levels`` (0: untracked), ``on_hand``, ``reserved`` and ``available`` (at
    ``location`` when one is given, else over all locations), ``threshold`` and ``is_low``
    (what can be sold over all locations at or below the threshold, for tracked variants).
    """
    here = Q(stock_levels__location=location) if location is not None else Q()
    qs = Variant.objects.select_related("product").annotate(
        levels=Count("stock_levels", filter=here),
        on_hand=Coalesce(Sum("stock_levels__on_hand", filter=here), 0),
        reserved=Coalesce(Sum("stock_levels__reserved", filter=here), 0),
        total_levels=Count("stock_levels"),
        total_available=Coalesce(Sum(F("stock_levels__on_hand") - F("stock_levels__reserved")), 0),
        threshold=threshold_subquery(default),
    )
    qs = qs.annotate(available=F("on_hand") - F("reserved"))
    for term in search.split()[:5]:
        qs = qs.filter(
            Q(sku__icontains=term) | Q(product__title__icontains=term) | Q(product__sku=term)
        )
    if location is not None:
        qs = qs.filter(levels__gt=0)
    if status == StockFilter.TRACKED:
        qs = qs.filter(total_levels__gt=0)
    elif status == StockFilter.UNTRACKED:
        qs = qs.filter(total_levels=0)
    elif status == StockFilter.LOW:
        qs = qs.filter(total_levels__gt=0, total_available__lte=F("threshold"))
    elif status == StockFilter.OUT:
        qs = qs.filter(total_levels__gt=0, total_available__lte=0)
    return qs.order_by("product__title", "product_id", "position", "pk")


def movement_history(
    *,
    search: str = "",
    kind: str = "",
    location: StockLocation | None = None,
    variant: Variant | None = None,
) -> QuerySet[StockMovement]:
    qs = StockMovement.objects.select_related("location", "user")
    for term in search.split()[:5]:
        qs = qs.filter(Q(sku__icontains=term) | Q(reference__icontains=term))
    if kind:
        qs = qs.filter(kind=kind)
    if location is not None:
        qs = qs.filter(location=location)
    if variant is not None:
        qs = qs.filter(variant=variant)
    return qs.order_by("-created_at", "-pk")


@dataclasses.dataclass(frozen=True)
class Summary:
    """Figures for dashboards: variants tracked, low, out of stock; units on hand, reserved."""

    tracked: int
    low: int
    out: int
    on_hand: int
    reserved: int


def summary(vendor_ids: Iterable[int] | QuerySet, *, default: int) -> Summary:
    """Figures over the stock of ``vendor_ids`` (across vendors: no scope), in one query: the
    levels are summed per variant in a subquery, and the variants counted over it. A queryset
    of ids stays a subquery of that one query."""
    with scopes_disabled():
        per_variant = (
            StockLevel.objects.filter(vendor_id__in=vendor_ids)
            .values("variant_id", "variant__product_id")
            .annotate(on_hand_sum=Sum("on_hand"), reserved_sum=Sum("reserved"))
            .annotate(
                available=F("on_hand_sum") - F("reserved_sum"),
                threshold=threshold_subquery(default, "variant__product_id"),
            )
            .order_by()
        )
        totals = per_variant.aggregate(
            tracked=Count("variant_id"),
            low=Count("variant_id", filter=Q(available__lte=F("threshold"))),
            out=Count("variant_id", filter=Q(available__lte=0)),
            on_hand=Coalesce(Sum("on_hand_sum"), 0),
            reserved=Coalesce(Sum("reserved_sum"), 0),
        )
    return Summary(**totals)


# --- the ledger check --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Drift:
    """One disagreement between a level and its ledger (or its reservations)."""

    vendor_id: int
    variant_id: int | None
    location_id: int
    field: str  # "on_hand", "reserved" (vs the ledger) or "held" (vs held reservations)
    level: int | None  # None: movements for a level that does not exist
    expected: int

    def describe(self) -> str:
        where = f"vendor {self.vendor_id}, variant {self.variant_id}, location {self.location_id}"
        if self.level is None:
            return f"{where}: movements sum to {self.expected} {self.field}, but no level exists"
        source = "held reservations" if self.field == "held" else "its movements"
        shown = "reserved" if self.field == "held" else self.field
        return f"{where}: {shown} is {self.level}, {source} say {self.expected}"

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def check_ledger(vendor_ids: Iterable[int] | None = None) -> list[Drift]:
    """Prove that every level equals the sum of its movements (on hand and reserved), that no
    movements exist for a level that does not, and that what a level holds reserved is what its
    held reservation lines hold. Across vendors (or ``vendor_ids``); three grouped queries."""
    with scopes_disabled():
        levels = StockLevel.objects.all()
        movements = StockMovement.objects.filter(variant__isnull=False)
        lines = ReservationLine.objects.filter(
            reservation__state=Reservation.State.HELD, location__isnull=False
        )
        if vendor_ids is not None:
            ids = list(vendor_ids)
            levels = levels.filter(vendor_id__in=ids)
            movements = movements.filter(vendor_id__in=ids)
            lines = lines.filter(vendor_id__in=ids)
        stored = {
            (v, var, loc): (on_hand, reserved)
            for v, var, loc, on_hand, reserved in levels.values_list(
                "vendor_id", "variant_id", "location_id", "on_hand", "reserved"
            )
        }
        place = ("vendor_id", "variant_id", "location_id")
        sums = (
            movements.values(*place)
            .annotate(a=Sum("on_hand_delta"), b=Sum("reserved_delta"))
            .order_by()
            .values_list(*place, "a", "b")
        )
        ledger = {(v, var, loc): (a, b) for v, var, loc, a, b in sums}
        held_sums = (
            lines.values(*place).annotate(q=Sum("quantity")).order_by().values_list(*place, "q")
        )
        held = {(v, var, loc): q for v, var, loc, q in held_sums}
    drifts: list[Drift] = []
    for key in sorted(set(stored) | set(ledger) | set(held), key=lambda k: (k[0], k[1] or 0, k[2])):
        vendor_id, variant_id, location_id = key
        level = stored.get(key)
        sums = ledger.get(key, (0, 0))
        if level is None:
            for field, expected in (("on_hand", sums[0]), ("reserved", sums[1])):
                if expected:
                    drifts.append(Drift(vendor_id, variant_id, location_id, field, None, expected))
            if held.get(key):
                drifts.append(Drift(vendor_id, variant_id, location_id, "held", None, held[key]))
            continue
        for field, value, expected in (
            ("on_hand", level[0], sums[0]),
            ("reserved", level[1], sums[1]),
            ("held", level[1], held.get(key, 0)),
        ):
            if value != expected:
                drifts.append(Drift(vendor_id, variant_id, location_id, field, value, expected))
    return drifts


# --- demo data ---------------------------------------------------------------------------------

# Quantities the demo variants get, in turn: some plenty, some low, one out of stock.
DEMO_QUANTITIES = (25, 12, 3, 40, 0, 8)


def seed_demo_stock(platforms: dict[str, Any]) -> list[str]:
    """Stock at the default location for every untracked variant of the vendors selling on
    the demo platforms where inventory is on (idempotent: tracked variants are left alone).

    Written in bulk, as ``receive`` and ``set_level`` would write it one variant at a time: a
    level per variant and, for a quantity above 0, the receipt that put it there (``manage.py
    inventory check`` agrees)."""
    from modules.tenancy.models import VendorPlatform
    from orion_core.services import ModuleService

    service = ModuleService()
    on = [p for p in platforms.values() if service.is_enabled(p, MODULE)]
    with scopes_disabled():
        vendor_ids = sorted(
            set(VendorPlatform.objects.filter(platform__in=on).values_list("vendor_id", flat=True))
        )
    stocked = 0
    for vid in vendor_ids:
        with vendor_work(vid):
            untracked = list(
                Variant.objects.filter(stock_levels__isnull=True).order_by("pk").only("pk", "sku")
            )
            if untracked:
                _opening_stock(vid, default_location(vid), untracked)
            stocked += len(untracked)
    return [f"inventory: stock given to {stocked} demo variant(s)"] if stocked else []


def _opening_stock(vid: int, place: StockLocation, variants: list[Variant]) -> None:
    quantities = [DEMO_QUANTITIES[i % len(DEMO_QUANTITIES)] for i in range(len(variants))]
    StockLevel.objects.bulk_create(
        [
            StockLevel(vendor_id=vid, variant=variant, location=place, on_hand=quantity)
            for variant, quantity in zip(variants, quantities, strict=True)
        ],
        batch_size=1000,
    )
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                vendor_id=vid,
                kind=StockMovement.Kind.RECEIVE,
                variant=variant,
                sku=variant.sku,
                location=place,
                on_hand_delta=quantity,
                on_hand_after=quantity,
                reserved_after=0,
                reference="demo",
                note="Opening stock",
            )
            for variant, quantity in zip(variants, quantities, strict=True)
            if quantity
        ],
        batch_size=1000,
    )
