"""Subscriptions through the services: subscribing (with or without a trial), the proration rule
of plan changes, cancelling at period end, the state machine and its history, and what time
does to them (``advance``: idempotent, nothing billed for periods nobody saw)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing.factories import SubscriptionFactory, TierFactory
from modules.billing.models import BillingPeriod, Subscription, SubscriptionEvent
from modules.billing.services import subscriptions
from modules.billing.services.errors import BillingError, IllegalTransition
from modules.tenancy.factories import VendorFactory
from orion_core.testing import PlatformFactory, override_module

pytestmark = pytest.mark.django_db
Status = Subscription.Status
Kind = SubscriptionEvent.Kind
DAY = datetime.timedelta(days=1)


def events(subscription) -> list[tuple[str, str, str]]:
    with scopes_disabled():
        return list(
            SubscriptionEvent.objects.filter(subscription=subscription)
            .order_by("created_at", "pk")
            .values_list("kind", "from_status", "to_status")
        )


def periods_of(subscription) -> list[BillingPeriod]:
    with scopes_disabled():
        return list(BillingPeriod.objects.filter(subscription=subscription).order_by("starts_at"))


def fresh(subscription) -> Subscription:
    with scopes_disabled():
        return Subscription.objects.select_related("tier", "pending_tier").get(pk=subscription.pk)


# --- subscribing ---------------------------------------------------------------------------------


def test_a_first_paid_subscription_starts_with_the_platforms_trial(shop, billing_on, growth):
    now = timezone.now()
    made = subscriptions.subscribe(shop, billing_on, "growth", "month", now=now)
    assert made.status == Status.TRIALING
    assert made.trial_ends_at == now + 14 * DAY == made.current_period_end == made.anchor_at
    assert (made.price, made.currency) == (Decimal("30.00"), "EUR")
    [period] = periods_of(made)
    assert (period.is_trial, period.amount, period.tier_id) == (True, Decimal("0.00"), growth.pk)
    assert events(made) == [(Kind.SUBSCRIBED, "", Status.TRIALING)]


def test_the_trial_length_is_the_platforms_config(shop, billing_on, growth):
    with override_module(billing_on, "billing", config={"trial_days": 30}):
        made = subscriptions.subscribe(shop, billing_on, growth, "year")
    assert made.trial_ends_at - made.current_period_start == 30 * DAY
    assert made.price == Decimal("300.00")


def test_no_second_trial_no_trial_when_off_and_none_for_a_free_tier(shop, billing_on, growth):
    SubscriptionFactory(vendor=shop, tier=growth, status=Status.CANCELLED)
    made = subscriptions.subscribe(shop, billing_on, growth, "month")
    assert made.status == Status.ACTIVE and made.trial_ends_at is None
    [period] = periods_of(made)
    assert (period.is_trial, period.amount) == (False, Decimal("30.00"))
    assert made.current_period_end == subscriptions.periods.add_months(made.current_period_start, 1)

    free = TierFactory(platform=billing_on, code="free", monthly_price=0, yearly_price=0)
    other = VendorFactory(platforms=[billing_on])
    assert subscriptions.subscribe(other, billing_on, free).status == Status.ACTIVE

    with override_module(billing_on, "billing", config={"trial_days": 0}):
        third = VendorFactory(platforms=[billing_on])
        assert subscriptions.subscribe(third, billing_on, growth).status == Status.ACTIVE


def test_subscribing_twice_is_refused_and_leaves_nothing(shop, billing_on, growth, starter):
    subscriptions.subscribe(shop, billing_on, growth)
    with pytest.raises(IllegalTransition):
        subscriptions.subscribe(shop, billing_on, starter)
    with scopes_disabled():
        assert Subscription.objects.filter(vendor=shop).count() == 1
        assert BillingPeriod.objects.filter(vendor=shop).count() == 1


def test_a_plan_of_another_platform_or_archived_or_unknown_is_a_field_error(
    shop, billing_on, growth
):
    elsewhere = TierFactory(platform=PlatformFactory(), code="elsewhere")
    archived = TierFactory(platform=billing_on, code="old", is_active=False)
    for tier in (elsewhere, archived, "old", "nope", ""):
        with pytest.raises(BillingError) as refused:
            subscriptions.subscribe(shop, billing_on, tier)
        assert refused.value.field == "tier"
    with pytest.raises(BillingError) as refused:
        subscriptions.subscribe(shop, billing_on, growth, "weekly")
    assert refused.value.field == "interval"
    with scopes_disabled():
        assert not Subscription.objects.filter(vendor=shop).exists()


# --- changing plan -------------------------------------------------------------------------------


def test_during_the_trial_every_change_is_immediate_and_free(shop, billing_on, growth, starter):
    made = subscriptions.subscribe(shop, billing_on, growth)
    trial_end = made.trial_ends_at
    changed, outcome = subscriptions.change_plan(made, starter, "year")
    assert outcome == "changed"
    changed = fresh(changed)
    assert (changed.tier_id, changed.interval, changed.price) == (
        starter.pk,
        "year",
        Decimal("90.00"),
    )
    assert changed.status == Status.TRIALING and changed.trial_ends_at == trial_end
    assert changed.pending_tier_id is None and changed.pending_interval == ""


def test_an_upgrade_is_immediate_and_owes_the_rest_of_the_period(shop, billing_on, growth, pro):
    start = timezone.now() - 10 * DAY
    sub = SubscriptionFactory(
        vendor=shop,
        tier=growth,
        current_period_start=start,
        current_period_end=start + 30 * DAY,
    )
    changed, outcome = subscriptions.change_plan(sub, "pro", now=start + 15 * DAY, user=None)
    assert outcome == "changed"
    changed = fresh(changed)
    assert (changed.tier_id, changed.price) == (pro.pk, Decimal("90.00"))
    with scopes_disabled():
        event = SubscriptionEvent.objects.get(subscription=sub, kind=Kind.PLAN)
    assert (event.from_tier_id, event.to_tier_id) == (growth.pk, pro.pk)
    assert event.amount == Decimal("30.00")  # (90 − 30) × 15/30


def test_an_upgrade_with_another_interval_switches_the_interval_at_period_end(
    shop, billing_on, growth, pro
):
    sub = SubscriptionFactory(vendor=shop, tier=growth)
    changed, outcome = subscriptions.change_plan(sub, pro, "year")
    changed = fresh(changed)
    assert outcome == "changed"
    assert (changed.tier_id, changed.interval, changed.pending_interval) == (
        pro.pk,
        "month",
        "year",
    )


def test_a_downgrade_waits_for_the_period_end_and_can_be_withdrawn(
    shop, billing_on, growth, starter
):
    sub = SubscriptionFactory(vendor=shop, tier=growth)
    changed, outcome = subscriptions.change_plan(sub, starter)
    assert outcome == "scheduled"
    changed = fresh(changed)
    assert (changed.tier_id, changed.pending_tier_id, changed.price) == (
        growth.pk,
        starter.pk,
        Decimal("30.00"),
    )
    again, outcome = subscriptions.change_plan(changed, growth)
    assert outcome == "unscheduled"
    assert fresh(again).pending_tier_id is None
    assert [kind for kind, *_ in events(sub)] == [Kind.SCHEDULED, Kind.UNSCHEDULED]
    with pytest.raises(BillingError) as refused:
        subscriptions.change_plan(again, growth)
    assert refused.value.field == "tier"


def test_switching_to_yearly_waits_for_the_period_end(shop, billing_on, growth):
    sub = SubscriptionFactory(vendor=shop, tier=growth)
    changed, outcome = subscriptions.change_plan(sub, growth, "year")
    assert outcome == "scheduled"
    changed = fresh(changed)
    assert (changed.interval, changed.pending_interval, changed.pending_tier_id) == (
        "month",
        "year",
        None,
    )


def test_no_plan_change_while_past_due_or_ended(shop, billing_on, growth, pro):
    late = SubscriptionFactory(vendor=shop, tier=growth, status=Status.PAST_DUE)
    with pytest.raises(IllegalTransition):
        subscriptions.change_plan(late, pro)
    subscriptions.cancel_now(late)
    with pytest.raises(IllegalTransition):
        subscriptions.change_plan(late, pro)
    assert fresh(late).tier_id == growth.pk


def test_a_plan_in_another_currency_is_refused(shop, billing_on, growth):
    dollars = TierFactory(platform=billing_on, code="usd", currency="USD", monthly_price=99)
    sub = SubscriptionFactory(vendor=shop, tier=growth)
    with pytest.raises(BillingError) as refused:
        subscriptions.change_plan(sub, dollars)
    assert refused.value.field == "tier"


# --- cancelling and the state machine ------------------------------------------------------------


def test_cancel_at_period_end_then_keep_the_plan(shop, billing_on, growth, starter):
    sub = SubscriptionFactory(vendor=shop, tier=growth)
    subscriptions.change_plan(sub, starter)  # scheduled: dropped by the cancellation
    cancelled = fresh(subscriptions.cancel(sub))
    assert cancelled.cancel_at_period_end and cancelled.status == Status.ACTIVE
    assert cancelled.pending_tier_id is None and cancelled.cancel_requested_at is not None
    with pytest.raises(IllegalTransition):
        subscriptions.cancel(sub)
    kept = fresh(subscriptions.resume(sub))
    assert not kept.cancel_at_period_end and kept.cancel_requested_at is None
    with pytest.raises(IllegalTransition):
        subscriptions.resume(sub)
    assert [kind for kind, *_ in events(sub)] == [Kind.SCHEDULED, Kind.CANCELLING, Kind.RESUMED]


def test_past_due_and_back_and_the_final_states(shop, billing_on, growth):
    sub = SubscriptionFactory(vendor=shop, tier=growth)
    subscriptions.mark_past_due(sub, reason="invoice INV-1 unpaid")
    assert fresh(sub).status == Status.PAST_DUE
    subscriptions.mark_recovered(sub, reason="paid")
    assert fresh(sub).status == Status.ACTIVE
    with pytest.raises(IllegalTransition):
        subscriptions.mark_recovered(sub)
    subscriptions.cancel_now(sub, reason="fraud")
    ended = fresh(sub)
    assert ended.status == Status.CANCELLED and ended.ended_at is not None
    for change in (subscriptions.cancel_now, subscriptions.mark_past_due, subscriptions.cancel):
        with pytest.raises(IllegalTransition):
            change(ended)
    assert events(sub) == [
        (Kind.STATUS, Status.ACTIVE, Status.PAST_DUE),
        (Kind.STATUS, Status.PAST_DUE, Status.ACTIVE),
        (Kind.STATUS, Status.ACTIVE, Status.CANCELLED),
    ]


def test_a_trial_cannot_be_past_due(shop, billing_on, growth):
    sub = subscriptions.subscribe(shop, billing_on, growth)
    with pytest.raises(IllegalTransition):
        subscriptions.mark_past_due(sub)


def test_the_history_says_who(shop, billing_on, growth, manager):
    sub = subscriptions.subscribe(shop, billing_on, growth, user=manager.user, actor="vendor")
    subscriptions.cancel(sub, user=manager.user)
    with scopes_disabled():
        found = list(
            SubscriptionEvent.objects.filter(subscription=sub).values_list("user", "actor")
        )
    assert found == [(manager.user.pk, "vendor"), (manager.user.pk, "vendor")]


# --- time ----------------------------------------------------------------------------------------


def test_an_ended_trial_becomes_active_with_its_first_paid_period(shop, billing_on, growth):
    start = timezone.now() - 20 * DAY
    sub = subscriptions.subscribe(shop, billing_on, growth, now=start)
    trial_end = sub.trial_ends_at
    done = subscriptions.advance(billing_on)
    assert done.as_dict() == {"activated": 1, "renewed": 0, "cancelled": 0, "expired": 0}
    active = fresh(sub)
    assert active.status == Status.ACTIVE
    assert active.current_period_start == trial_end
    assert active.current_period_end == subscriptions.periods.add_months(trial_end, 1)
    trial, paid = periods_of(sub)
    assert (trial.is_trial, paid.is_trial, paid.amount) == (True, False, Decimal("30.00"))
    assert events(sub)[-1] == (Kind.STATUS, Status.TRIALING, Status.ACTIVE)
    assert subscriptions.advance(billing_on).total == 0  # idempotent


def test_a_cancelled_trial_expires_and_a_cancelled_period_ends(
    shop, other_shop, billing_on, growth
):
    trial = subscriptions.subscribe(shop, billing_on, growth, now=timezone.now() - 15 * DAY)
    subscriptions.cancel(trial)
    ended = timezone.now() - DAY
    paid = SubscriptionFactory(
        vendor=other_shop,
        tier=growth,
        current_period_start=ended - 30 * DAY,
        current_period_end=ended,
        cancel_at_period_end=True,
    )
    done = subscriptions.advance(billing_on)
    assert (done.expired, done.cancelled) == (1, 1)
    assert (fresh(trial).status, fresh(trial).ended_at) == (Status.EXPIRED, trial.trial_ends_at)
    assert (fresh(paid).status, fresh(paid).ended_at) == (Status.CANCELLED, ended)


def test_a_renewal_applies_the_scheduled_change(shop, billing_on, growth, starter):
    end = timezone.now() - DAY
    sub = SubscriptionFactory(
        vendor=shop,
        tier=growth,
        current_period_start=end - 30 * DAY,
        current_period_end=end,
        anchor_at=end - 30 * DAY,
        pending_tier=starter,
        pending_interval="year",
    )
    assert subscriptions.advance(billing_on).renewed == 1
    renewed = fresh(sub)
    assert (renewed.tier_id, renewed.interval, renewed.price) == (
        starter.pk,
        "year",
        Decimal("90.00"),
    )
    assert renewed.pending_tier_id is None and renewed.pending_interval == ""
    assert (renewed.current_period_start, renewed.anchor_at) == (end, end)
    assert renewed.current_period_end == subscriptions.periods.add_months(end, 12)
    [period] = periods_of(sub)
    assert (period.tier_id, period.amount, period.interval) == (
        starter.pk,
        Decimal("90.00"),
        "year",
    )


def test_a_plain_renewal_keeps_the_locked_price(shop, billing_on, growth):
    end = timezone.now() - DAY
    sub = SubscriptionFactory(
        vendor=shop,
        tier=growth,
        price=Decimal("25.00"),  # the price when the vendor chose it
        current_period_start=end - 30 * DAY,
        current_period_end=end,
        anchor_at=end - 30 * DAY,
    )
    subscriptions.advance(billing_on)
    assert fresh(sub).price == Decimal("25.00")
    assert periods_of(sub)[0].amount == Decimal("25.00")


def test_periods_nobody_saw_are_skipped_not_billed(shop, billing_on, growth):
    anchor = timezone.now() - 100 * DAY
    sub = SubscriptionFactory(
        vendor=shop,
        tier=growth,
        current_period_start=anchor,
        current_period_end=subscriptions.periods.add_months(anchor, 1),
        anchor_at=anchor,
    )
    done = subscriptions.advance(billing_on)
    assert done.renewed == 1 and done.skipped_periods == [sub.pk]
    renewed = fresh(sub)
    assert renewed.current_period_start <= timezone.now() < renewed.current_period_end
    assert len(periods_of(sub)) == 1
    assert subscriptions.advance(billing_on).total == 0


def test_advance_keeps_to_its_platform(shop, billing_on, growth):
    elsewhere = TierFactory(platform=PlatformFactory())
    sub = SubscriptionFactory(
        vendor=shop, tier=elsewhere, current_period_end=timezone.now() - DAY,
        current_period_start=timezone.now() - 31 * DAY,
    )  # fmt: skip
    assert subscriptions.advance(billing_on).total == 0
    assert fresh(sub).current_period_end < timezone.now()
