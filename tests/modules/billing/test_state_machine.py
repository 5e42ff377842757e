"""The subscription state machine as a property (issue 10): whatever the vendors and staff ask
and however time passes, no illegal transition is reachable.

Hypothesis drives the real services on the real database: two shops subscribe, change plans
(upgrades, downgrades, interval switches, withdrawn changes, another currency), cancel and
resume, staff end subscriptions at once, invoicing marks them past due and recovered, and the
clock jumps by hours, days, months, exactly onto a period end or past a trial's, each jump
followed by ``advance``. A model of what the module docstring promises says what each call
must do, or that it must be refused (``IllegalTransition``, ``BillingError``), in which case it
changes nothing at all. After every step:

- every recorded status change is an edge of ``TRANSITIONS`` and the history of a subscription
  is one unbroken chain ending at its status;
- at most one subscription per vendor and platform is live;
- a ``cancelled`` or ``expired`` subscription never changes again;
- periods never overlap, each ends after it starts, and the subscription's current period is
  its latest one;
- each shop's subscription is in the state the model expects.

Each example runs in a savepoint rolled back at its end, so examples never see each other.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from modules.billing.factories import TierFactory
from modules.billing.models import BillingPeriod, Subscription, SubscriptionEvent
from modules.billing.services import subscriptions
from modules.billing.services.errors import BillingError, IllegalTransition
from modules.billing.services.subscriptions import TRANSITIONS

pytestmark = pytest.mark.django_db

Status = Subscription.Status
Kind = SubscriptionEvent.Kind
FINAL = {Status.CANCELLED, Status.EXPIRED}
LIVE = set(Subscription.LIVE)
SECOND, HOUR, DAY = (
    datetime.timedelta(seconds=1),
    datetime.timedelta(hours=1),
    datetime.timedelta(days=1),
)
TRIAL = 14 * DAY  # the platform's default trial (subscriptions.DEFAULT_TRIAL_DAYS)
# Tiers by code: (monthly, yearly, currency). The conftest's three, a free one and one billed in
# another currency (a change to or from it is refused).
TIERS = {
    "starter": (Decimal("9.00"), Decimal("90.00"), "EUR"),
    "growth": (Decimal("30.00"), Decimal("300.00"), "EUR"),
    "pro": (Decimal("90.00"), Decimal("900.00"), "EUR"),
    "free": (Decimal("0.00"), Decimal("0.00"), "EUR"),
    "dollar": (Decimal("20.00"), Decimal("200.00"), "USD"),
}
SHOPS = (0, 1)
shops = st.sampled_from(SHOPS)
# An unknown code and a bad interval: refused with a field error before anything is read.
tier_codes = st.sampled_from([*TIERS, "nope"])
intervals = st.sampled_from(["month", "year", "week"])
steps = st.sampled_from(
    [HOUR, DAY, 13 * DAY, TRIAL, TRIAL + HOUR, 31 * DAY, 62 * DAY, 366 * DAY, 800 * DAY]
)
starts = st.datetimes(
    min_value=datetime.datetime(2030, 1, 1),
    max_value=datetime.datetime(2031, 12, 31),
    timezones=st.just(datetime.UTC),
)


def price(code: str, interval: str) -> Decimal:
    monthly, yearly, _currency = TIERS[code]
    return yearly if interval == "year" else monthly


@dataclass(frozen=True)
class Expected:
    """What the model says a shop's latest subscription is."""

    pk: int
    status: str
    tier: str
    interval: str
    price: Decimal
    pending_tier: str | None = None
    pending_interval: str = ""
    cancelling: bool = False

    @property
    def live(self) -> bool:
        return self.status in LIVE


def as_expected(subscription: Subscription) -> Expected:
    return Expected(
        pk=subscription.pk,
        status=subscription.status,
        tier=subscription.tier.code,
        interval=subscription.interval,
        price=subscription.price,
        pending_tier=subscription.pending_tier.code if subscription.pending_tier_id else None,
        pending_interval=subscription.pending_interval,
        cancelling=subscription.cancel_at_period_end,
    )


def snapshot(platform) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple]]:
    """Every billing row of the platform (an operation that is refused changes none)."""
    with scopes_disabled():
        subs = Subscription.objects.filter(platform=platform)
        return (
            list(subs.order_by("pk").values()),
            list(BillingPeriod.objects.filter(subscription__in=subs).order_by("pk").values()),
            list(
                SubscriptionEvent.objects.filter(subscription__in=subs)
                .order_by("pk")
                .values_list("pk", "kind", "from_status", "to_status")
            ),
        )


def subscribed(machine: SubscriptionMachine) -> bool:
    return any(machine.expected.values())


class SubscriptionMachine(RuleBasedStateMachine):
    """The shops, the clock and what the model expects of each shop's subscription."""

    def __init__(self, platform, vendors) -> None:
        super().__init__()
        self.platform, self.vendors = platform, vendors
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        for code, (monthly, yearly, currency) in TIERS.items():
            if code not in {"starter", "growth", "pro"}:  # those come from the conftest
                TierFactory(
                    platform=platform,
                    code=code,
                    monthly_price=monthly,
                    yearly_price=yearly,
                    currency=currency,
                )
        self.now = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
        self.expected: dict[int, Expected | None] = dict.fromkeys(SHOPS)
        self.subscribed_before: set[int] = set()
        self.ended: dict[int, dict[str, Any]] = {}  # pk → its row when it ended

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- helpers ----------------------------------------------------------------------------

    def subscription(self, shop: int) -> Subscription | None:
        return subscriptions.current_subscription(self.vendors[shop], self.platform)

    def pick(self, data: st.DataObject) -> tuple[int, Subscription, Expected]:
        """A shop that has subscribed, its latest subscription and what the model expects."""
        shop = data.draw(st.sampled_from([s for s in SHOPS if self.expected[s]]), label="shop")
        return shop, self.subscription(shop), self.expected[shop]

    def refused(self, call: Callable[[], Any], error: type[BillingError] = BillingError) -> None:
        """``call`` must be refused with ``error`` (exactly: a plain BillingError is not an
        IllegalTransition) and change nothing."""
        before = snapshot(self.platform)
        with pytest.raises(BillingError) as raised:
            call()
        assert type(raised.value) is error, f"{raised.value!r} is not a {error.__name__}"
        assert snapshot(self.platform) == before, "a refused call changed something"

    def expect(self, shop: int, expected: Expected) -> None:
        """The model's new state of the shop's subscription; an ended one is remembered as it
        ended, to check that nothing changes it again."""
        self.expected[shop] = expected
        if expected.status in FINAL and expected.pk not in self.ended:
            with scopes_disabled():
                self.ended[expected.pk] = Subscription.objects.filter(pk=expected.pk).values()[0]

    # --- rules --------------------------------------------------------------------------------

    @initialize(start=starts, tier=st.sampled_from(list(TIERS)), interval=intervals)
    def a_shop_subscribes(self, start: datetime.datetime, tier: str, interval: str) -> None:
        """The clock starts at any moment of the year (anchors on the 29th to 31st of a month
        included) and a shop subscribes to any plan (or tries to, with a bad interval)."""
        self.now = start
        self.subscribe(0, tier, interval)

    @rule(shop=shops, tier=tier_codes, interval=intervals)
    def subscribe(self, shop: int, tier: str, interval: str) -> None:
        def call() -> Subscription:
            return subscriptions.subscribe(
                self.vendors[shop], self.platform, tier, interval, now=self.now
            )

        current = self.expected[shop]
        if interval not in {"month", "year"} or tier not in TIERS:
            self.refused(call)
            return
        if current is not None and current.live:
            self.refused(call, IllegalTransition)
            return
        made = call()
        amount = price(tier, interval)
        trial = amount > 0 and shop not in self.subscribed_before
        self.subscribed_before.add(shop)
        assert made.current_period_start == self.now
        if trial:
            assert made.current_period_end == made.trial_ends_at == self.now + TRIAL
        self.expect(
            shop,
            Expected(
                pk=made.pk,
                status=Status.TRIALING if trial else Status.ACTIVE,
                tier=tier,
                interval=interval,
                price=amount,
            ),
        )

    @precondition(subscribed)
    @rule(data=st.data(), tier=tier_codes, interval=st.one_of(st.none(), intervals))
    def change_plan(self, data: st.DataObject, tier: str, interval: str | None) -> None:
        shop, subscription, current = self.pick(data)

        def call() -> tuple[Subscription, str]:
            return subscriptions.change_plan(subscription, tier, interval, now=self.now)

        wanted = interval or current.interval
        if wanted not in {"month", "year"} or tier not in TIERS:
            self.refused(call)
            return
        if current.status == Status.PAST_DUE or not current.live:
            self.refused(call, IllegalTransition)
            return
        if TIERS[tier][2] != TIERS[current.tier][2]:
            self.refused(call)  # another currency: cancel and subscribe instead
            return
        same_tier, same_interval = tier == current.tier, wanted == current.interval
        if same_tier and same_interval:
            if not (current.pending_tier or current.pending_interval):
                self.refused(call)  # on this plan already
                return
            outcome = "unscheduled", replace(current, pending_tier=None, pending_interval="")
        elif current.status == Status.TRIALING:
            changed = replace(current, tier=tier, interval=wanted, price=price(tier, wanted))
            outcome = "changed", replace(changed, pending_tier=None, pending_interval="")
        elif not same_tier and price(tier, current.interval) >= current.price:
            outcome = (
                "changed",
                replace(
                    current,
                    tier=tier,
                    price=price(tier, current.interval),
                    pending_tier=None,
                    pending_interval="" if same_interval else wanted,
                ),
            )
        else:
            outcome = (
                "scheduled",
                replace(
                    current,
                    pending_tier=None if same_tier else tier,
                    pending_interval="" if same_interval else wanted,
                ),
            )
        _changed, what = call()
        assert what == outcome[0]
        self.expect(shop, outcome[1])

    @precondition(subscribed)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        shop, subscription, current = self.pick(data)
        if not current.live or current.cancelling:
            self.refused(lambda: subscriptions.cancel(subscription), IllegalTransition)
            return
        subscriptions.cancel(subscription)
        self.expect(shop, replace(current, cancelling=True, pending_tier=None, pending_interval=""))

    @precondition(subscribed)
    @rule(data=st.data())
    def resume(self, data: st.DataObject) -> None:
        shop, subscription, current = self.pick(data)
        if not (current.live and current.cancelling):
            self.refused(lambda: subscriptions.resume(subscription), IllegalTransition)
            return
        subscriptions.resume(subscription)
        self.expect(shop, replace(current, cancelling=False))

    @precondition(subscribed)
    @rule(data=st.data())
    def staff_cancel_now(self, data: st.DataObject) -> None:
        shop, subscription, current = self.pick(data)
        if current.status not in LIVE:
            self.refused(lambda: subscriptions.cancel_now(subscription), IllegalTransition)
            return
        subscriptions.cancel_now(subscription, reason="staff")
        self.expect(shop, replace(current, status=Status.CANCELLED))

    @precondition(subscribed)
    @rule(data=st.data())
    def invoice_overdue(self, data: st.DataObject) -> None:
        shop, subscription, current = self.pick(data)
        if current.status != Status.ACTIVE:
            self.refused(lambda: subscriptions.mark_past_due(subscription), IllegalTransition)
            return
        subscriptions.mark_past_due(subscription)
        self.expect(shop, replace(current, status=Status.PAST_DUE))

    @precondition(subscribed)
    @rule(data=st.data())
    def invoice_paid(self, data: st.DataObject) -> None:
        shop, subscription, current = self.pick(data)
        if current.status != Status.PAST_DUE:
            self.refused(lambda: subscriptions.mark_recovered(subscription), IllegalTransition)
            return
        subscriptions.mark_recovered(subscription)
        self.expect(shop, replace(current, status=Status.ACTIVE))

    @rule(step=steps)
    def time_passes(self, step: datetime.timedelta) -> None:
        self.advance_to(self.now + step)

    @precondition(subscribed)
    @rule(data=st.data(), after=st.sampled_from([datetime.timedelta(0), SECOND]))
    def time_reaches_the_period_end(self, data: st.DataObject, after: datetime.timedelta) -> None:
        """Exactly onto the end of a shop's period (or trial), or a second past it."""
        _shop, subscription, _current = self.pick(data)
        self.advance_to(max(self.now, subscription.current_period_end + after))

    def advance_to(self, now: datetime.datetime) -> None:
        self.now = now
        due: dict[int, Expected] = {}
        for shop in SHOPS:
            subscription, current = self.subscription(shop), self.expected[shop]
            if subscription is not None and current.live and subscription.current_period_end <= now:
                due[shop] = current
        done = subscriptions.advance(self.platform, now=now)
        assert done.total == len(due)
        for shop, current in due.items():
            if current.cancelling:
                ended = Status.EXPIRED if current.status == Status.TRIALING else Status.CANCELLED
                self.expect(shop, replace(current, status=ended))
            elif current.status == Status.TRIALING:
                self.expect(shop, replace(current, status=Status.ACTIVE))
            else:  # renewed, in the same status, on the scheduled plan if one was
                tier = current.pending_tier or current.tier
                interval = current.pending_interval or current.interval
                changed = bool(current.pending_tier or current.pending_interval)
                self.expect(
                    shop,
                    replace(
                        current,
                        tier=tier,
                        interval=interval,
                        price=price(tier, interval) if changed else current.price,
                        pending_tier=None,
                        pending_interval="",
                    ),
                )
        for shop in SHOPS:
            subscription = self.subscription(shop)
            if subscription is not None and subscription.is_live:
                assert subscription.current_period_start <= now < subscription.current_period_end
        # Idempotent: the same moment again moves nothing.
        before = snapshot(self.platform)
        assert subscriptions.advance(self.platform, now=now).total == 0
        assert snapshot(self.platform) == before

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def every_status_change_is_an_edge(self) -> None:
        with scopes_disabled():
            statuses = dict(
                Subscription.objects.filter(platform=self.platform).values_list("pk", "status")
            )
            history: dict[int, list[tuple[str, str, str]]] = {pk: [] for pk in statuses}
            for pk, *event in (
                SubscriptionEvent.objects.filter(subscription__platform=self.platform)
                .exclude(to_status="")
                .order_by("pk")
                .values_list("subscription", "kind", "from_status", "to_status")
            ):
                history[pk].append(tuple(event))
        for pk, ((kind, origin, status), *changes) in history.items():
            assert kind == Kind.SUBSCRIBED and origin == ""
            assert status in {Status.TRIALING, Status.ACTIVE}
            for kind, origin, target in changes:
                assert kind == Kind.STATUS
                assert target in TRANSITIONS[origin], f"{origin} → {target}"
                assert origin == status, f"{origin} → {target} after {status}"
                status = target
            assert status == statuses[pk]

    @invariant()
    def at_most_one_live_subscription_per_vendor(self) -> None:
        with scopes_disabled():
            live = list(
                Subscription.objects.filter(platform=self.platform, status__in=LIVE).values_list(
                    "vendor", flat=True
                )
            )
        assert len(live) == len(set(live))

    @invariant()
    def cancelled_and_expired_are_final(self) -> None:
        with scopes_disabled():
            rows = {
                row["id"]: row for row in Subscription.objects.filter(pk__in=self.ended).values()
            }
        assert rows == self.ended
        assert {row["status"] for row in rows.values()} <= FINAL

    @invariant()
    def periods_never_overlap(self) -> None:
        with scopes_disabled():
            subs = Subscription.objects.filter(platform=self.platform)
            current = {
                pk: (start, end)
                for pk, start, end in subs.values_list(
                    "pk", "current_period_start", "current_period_end"
                )
            }
            spans: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {
                pk: [] for pk in current
            }
            for pk, start, end in (
                BillingPeriod.objects.filter(subscription__in=subs)
                .order_by("starts_at")
                .values_list("subscription", "starts_at", "ends_at")
            ):
                spans[pk].append((start, end))
        for pk, (start, end) in current.items():
            assert end > start
            for begin, stop in spans[pk]:
                assert stop > begin
            for (_begin, stop), (begin, _stop) in zip(spans[pk], spans[pk][1:], strict=False):
                assert stop <= begin, f"periods overlap: {spans[pk]}"
            assert spans[pk][-1] == (start, end), "the current period is not the latest"

    @invariant()
    def the_shops_are_where_the_model_expects(self) -> None:
        for shop in SHOPS:
            subscription = self.subscription(shop)
            found = as_expected(subscription) if subscription is not None else None
            assert found == self.expected[shop]


def test_no_illegal_transition_is_reachable(billing_on, shop, other_shop, tiers):
    run_state_machine_as_test(
        lambda: SubscriptionMachine(billing_on, [shop, other_shop]),
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
