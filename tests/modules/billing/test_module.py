"""Billing as a module: its declaration (limits discoverable, the scheduled task), the task
running only where billing is on, the operators' command, the demo seed (idempotent), and its
caches bumped by every writer."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing import tasks
from modules.billing.demo import seed_demo_billing
from modules.billing.factories import SubscriptionFactory
from modules.billing.models import Subscription, Tier
from modules.billing.services import subscriptions
from modules.tenancy.factories import VendorFactory
from orion_core.modules.registry import get_registry
from orion_core.tasks import SKIPPED
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_limits_are_declared_by_the_modules_that_count():
    found = {limit.name: limit for limit in get_registry().limits()}
    assert found["max_team_members"].module_code == "tenancy"
    assert found["max_team_members"].usage == "modules.tenancy.cache.seat_count"
    if "catalog" in get_registry():
        assert found["max_products"].module_code == "catalog"


def test_the_tasks_are_declared_per_platform():
    declared = {t.task: t.per_platform for t in get_registry().get("billing").scheduled_tasks}
    assert declared == {"billing.advance_subscriptions": True, "billing.run_invoices": True}


def test_the_invoice_task_runs_where_billing_is_on_only(shop, billing_on, growth):
    from modules.billing.factories import BillingPeriodFactory, SubscriptionFactory

    BillingPeriodFactory(subscription=SubscriptionFactory(vendor=shop, tier=growth))
    with override_module(billing_on, "billing", enabled=False):
        assert tasks.run_invoices.apply(kwargs={"platform_id": billing_on.pk}).get() == SKIPPED
    done = tasks.run_invoices.apply(kwargs={"platform_id": billing_on.pk}).get()
    assert done == {"issued": 1, "reminded": 0, "past_due": 0, "cancelled": 0, "trials_told": 0}


def ended_trial(vendor, tier, platform) -> Subscription:
    return subscriptions.subscribe(vendor, platform, tier, now=timezone.now() - 20 * DAY)


def test_the_task_advances_where_billing_is_on_only(shop, billing_on, growth):
    sub = ended_trial(shop, growth, billing_on)
    with override_module(billing_on, "billing", enabled=False):
        assert tasks.advance_subscriptions.apply(kwargs={"platform_id": billing_on.pk}).get() == (
            SKIPPED
        )
    result = tasks.advance_subscriptions.apply(kwargs={"platform_id": billing_on.pk}).get()
    assert result == {"activated": 1, "renewed": 0, "cancelled": 0, "expired": 0}
    with scopes_disabled():
        assert Subscription.objects.get(pk=sub.pk).status == Subscription.Status.ACTIVE


def test_the_command(shop, billing_on, growth):
    ended_trial(shop, growth, billing_on)
    out = StringIO()
    call_command("billing", "advance", "--platform", "acme", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "acme": {"activated": 1, "renewed": 0, "cancelled": 0, "expired": 0}
    }
    out = StringIO()
    call_command("billing", "advance", stdout=out)
    assert out.getvalue().strip() == "acme: 0 activated, 0 renewed, 0 cancelled, 0 expired."
    with pytest.raises(CommandError, match="Unknown platform"):
        call_command("billing", "advance", "--platform", "nowhere")


def test_the_demo_seed_is_idempotent(billing_on):
    demo = VendorFactory(code="acme-shop", platforms=[billing_on])
    VendorFactory(code="someone-else", platforms=[billing_on])
    lines = seed_demo_billing({"acme": billing_on})
    assert lines and "3 demo plan tiers" in lines[0]
    assert list(Tier.objects.filter(platform=billing_on).values_list("code", flat=True)) == [
        "starter",
        "growth",
        "pro",
    ]
    with scopes_disabled():
        [sub] = Subscription.objects.filter(platform=billing_on)
    assert (sub.vendor_id, sub.tier.code, sub.status) == (demo.pk, "growth", "trialing")
    assert seed_demo_billing({"acme": billing_on}) == []
    for tier in Tier.objects.filter(platform=billing_on):
        tier.full_clean()  # the demo's features and limits are declared ones


def test_an_unsaved_vendor_is_refused(billing_on, growth):
    with pytest.raises(ValueError):
        subscriptions.subscribe(None, billing_on, growth)


def test_receivers_bump_on_commit(shop, growth, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        SubscriptionFactory.build(vendor=shop, tier=growth).save()
    assert len(callbacks) == 1


def test_purge_deletes_the_platforms_plans_only(shop, billing_on, tiers):
    from orion_core.services import ModuleService

    sub = subscriptions.subscribe(shop, billing_on, tiers[1])
    elsewhere = SubscriptionFactory(vendor=shop)
    service = ModuleService()
    service.disable(billing_on, "billing", source="test")
    service.purge(billing_on, "billing", source="test")
    with scopes_disabled():
        assert not Subscription.objects.filter(pk=sub.pk).exists()
        assert Subscription.objects.filter(pk=elsewhere.pk).exists()
    assert not Tier.objects.filter(platform=billing_on).exists()


def test_a_tier_with_subscribers_stays_unless_its_platform_goes(shop):
    from django.db.models import RestrictedError

    from modules.billing.factories import TierFactory

    cheap = TierFactory()
    dear = TierFactory(platform=cheap.platform)
    sub = SubscriptionFactory(vendor=shop, tier=dear, pending_tier=cheap)
    with pytest.raises(RestrictedError):
        cheap.delete()
    cheap.platform.delete()
    assert not Tier.objects.filter(pk__in=[cheap.pk, dear.pk]).exists()
    with scopes_disabled():
        assert not Subscription.objects.filter(pk=sub.pk).exists()
