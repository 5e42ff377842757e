"""Billing's pages: the pricing page built from the tiers, the vendor's Billing page (plan,
usage bars, invoices placeholder, plan choice, cancelling) by role, refusals as 400 with nothing
changed, the staff overview, the admin, and the dashboards' figures and widgets."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing.factories import SubscriptionFactory, TierFactory
from modules.billing.models import Subscription, SubscriptionEvent
from modules.billing.providers import metrics_provider, widgets_provider
from modules.billing.services import queries
from modules.tenancy.context import tenant_context
from modules.tenancy.factories import VendorFactory
from orion_core.testing import override_module
from tests.modules.billing.conftest import HOST, PORTAL

pytestmark = pytest.mark.django_db
Status = Subscription.Status


def live_of(vendor) -> Subscription | None:
    with scopes_disabled():
        return Subscription.objects.filter(vendor=vendor, status__in=Subscription.LIVE).first()


# --- pricing -------------------------------------------------------------------------------------


def test_pricing_is_built_from_the_offered_tiers(client, billing_on, tiers):
    TierFactory(platform=billing_on, code="legacy", name="Legacy plan", is_active=False)
    page = client.get("/pricing/", HTTP_HOST=HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert [card["tier"].code for card in page.context["cards"]] == ["starter", "growth", "pro"]
    assert "Legacy plan" not in html
    assert "€9.00" in html and "€90.00" in html and "save 17 %" in html
    assert "Up to 2 team members" in html and "Unlimited team members" in html
    assert "free trial of 14 days" in html
    assert 'href="/sell/"' in html


def test_pricing_speaks_the_visitors_language(client, billing_on, tiers):
    html = client.get("/pricing/", HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "9,00\u00a0€" in html


def test_pricing_is_gone_with_billing_off(client, platform):
    assert client.get("/pricing/", HTTP_HOST=HOST).status_code == 404


# --- the vendor's page ---------------------------------------------------------------------------


def test_no_plan_yet_then_subscribe_to_a_trial(manager, shop, tiers):
    page = manager.get(PORTAL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "You have no plan yet" in html and "No invoices yet." in html
    assert page.context["trial_days"] == 14 and page.context["can_manage"]
    response = manager.post(f"{PORTAL}plan/", {"tier": "growth", "interval": "month"})
    assert response.status_code == 302 and response["Location"] == PORTAL
    live = live_of(shop)
    assert (live.tier.code, live.status) == ("growth", Status.TRIALING)
    html = manager.get(PORTAL).content.decode()
    assert "Free trial until" in html and "Growth" in html


def test_usage_bars_against_the_limits(manager, shop, tiers, client_of):
    SubscriptionFactory(vendor=shop, tier=tiers[0])  # Starter: 2 team members
    client_of("staff")
    client_of("viewer")  # 3 members with the manager: over
    page = manager.get(PORTAL)
    [row] = [u for u in page.context["usage"] if u.name == "max_team_members"]
    assert (row.used, row.maximum, row.over, row.percent) == (3, 2, True, 100)
    html = page.content.decode()
    assert '<meter min="0" max="2"' in html and "over your plan" in html


def test_change_cancel_and_keep_from_the_page(manager, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[1])
    assert manager.post(f"{PORTAL}plan/", {"tier": "pro", "interval": "month"}).status_code == 302
    assert live_of(shop).tier.code == "pro"
    assert (
        manager.post(f"{PORTAL}plan/", {"tier": "starter", "interval": "month"}).status_code == 302
    )
    assert live_of(shop).pending_tier.code == "starter"
    assert "From " in manager.get(PORTAL).content.decode()
    assert manager.post(f"{PORTAL}cancel/").status_code == 302
    assert live_of(shop).cancel_at_period_end
    assert "Cancelled: your plan ends on" in manager.get(PORTAL).content.decode()
    assert manager.post(f"{PORTAL}resume/").status_code == 302
    assert not live_of(shop).cancel_at_period_end
    with scopes_disabled():
        users = set(SubscriptionEvent.objects.filter(vendor=shop).values_list("user", flat=True))
    assert users == {manager.user.pk}


def test_refusals_are_400_at_their_field_and_change_nothing(manager, shop, tiers):
    bad = manager.post(f"{PORTAL}plan/", {"tier": "nope", "interval": "month"})
    assert bad.status_code == 400 and bad.context["plan_form"].errors["tier"]
    bad = manager.post(f"{PORTAL}plan/", {"tier": "growth", "interval": "weekly"})
    assert bad.status_code == 400 and bad.context["plan_form"].errors["interval"]
    assert live_of(shop) is None
    nothing = manager.post(f"{PORTAL}cancel/")
    assert nothing.status_code == 400 and "You have no plan to cancel." in nothing.content.decode()
    SubscriptionFactory(vendor=shop, tier=tiers[1])
    same = manager.post(f"{PORTAL}plan/", {"tier": "growth", "interval": "month"})
    assert same.status_code == 400
    assert same.context["plan_form"].errors["tier"] == ["You are on this plan already."]
    assert manager.post(f"{PORTAL}resume/").status_code == 400


def test_a_viewer_sees_the_plan_and_changes_nothing(viewer, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[1])
    page = viewer.get(PORTAL)
    assert page.status_code == 200 and not page.context["can_manage"]
    assert 'id="change-plan"' not in page.content.decode()
    for url, body in ((f"{PORTAL}plan/", {"tier": "pro"}), (f"{PORTAL}cancel/", {})):
        assert viewer.post(url, body).status_code == 403
    assert live_of(shop).tier.code == "growth"


def test_staff_act_on_a_vendor_as_staff(staff, shop, tiers):
    assert staff.post(f"{PORTAL}plan/", {"tier": "pro", "interval": "year"}).status_code == 302
    with scopes_disabled():
        event = SubscriptionEvent.objects.get(vendor=shop)
    assert (event.actor, event.user_id) == ("staff", staff.user.pk)


def test_the_default_tier_and_an_ended_plan_are_explained(manager, shop, billing_on, tiers):
    TierFactory(platform=billing_on, code="free", name="Free", monthly_price=0, yearly_price=0,
                is_default=True)  # fmt: skip
    SubscriptionFactory(vendor=shop, tier=tiers[1], status=Status.EXPIRED,
                        ended_at=timezone.now())  # fmt: skip
    html = manager.get(PORTAL).content.decode()
    assert "You are on the free Free plan." in html
    assert "plan ended on" in html


def test_the_billing_item_is_in_the_sidebar_and_never_locked(manager, shop, tiers):
    html = manager.get("/vendor/shop-a/").content.decode()
    assert f'href="{PORTAL}"' in html


# --- staff -------------------------------------------------------------------------------------


def test_the_staff_overview_lists_tiers_and_subscriptions(staff, billing_on, tiers):
    for index in range(3):
        vendor = VendorFactory(platforms=[billing_on], name=f"Vendor {index}")
        SubscriptionFactory(vendor=vendor, tier=tiers[index])
    SubscriptionFactory(tier=TierFactory())  # another platform's: not listed
    page = staff.get("/dashboard/billing/")
    assert page.status_code == 200
    assert [row["tier"].live_count for row in page.context["tiers"]] == [1, 1, 1]
    assert len(page.context["subscriptions"]) == 3
    assert page.context["figures"].active == 3
    found = staff.get("/dashboard/billing/?status=active&tier=pro&q=vendor").context
    assert [s.tier.code for s in found["subscriptions"]] == ["pro"]


def test_the_staff_overview_pages_and_needs_staff(staff, billing_on, tiers, manager):
    for _ in range(55):
        SubscriptionFactory(vendor=VendorFactory(platforms=[billing_on]), tier=tiers[0])
    assert len(staff.get("/dashboard/billing/").context["subscriptions"]) == 50
    assert len(staff.get("/dashboard/billing/?page=2").context["subscriptions"]) == 5
    assert manager.get("/dashboard/billing/").status_code == 302  # to the admin login


def test_the_admin_lists_and_validates_tiers(staff, billing_on, tiers):
    sub = SubscriptionFactory(tier=tiers[1])
    for url in (
        "/admin/billing/tier/",
        f"/admin/billing/tier/{tiers[0].pk}/change/",
        "/admin/billing/subscription/",
        f"/admin/billing/subscription/{sub.pk}/change/",
        "/admin/billing/billingperiod/",
        "/admin/billing/subscriptionevent/",
    ):
        assert staff.get(url).status_code == 200, url
    response = staff.post(
        "/admin/billing/tier/add/",
        {"platform": billing_on.pk, "code": "odd", "name": "Odd", "monthly_price": "1",
         "yearly_price": "10", "currency": "EUR", "features": '["teleportation"]',
         "limits": '{"max_products": -1, "max_unicorns": 3}', "position": "0",
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "No module declares teleportation." in errors["features"]
    assert any("max_unicorns" in e for e in errors["limits"])
    assert any("max_products" in e for e in errors["limits"])


def test_the_admin_cancels_through_the_services(staff, shop, tiers):
    sub = SubscriptionFactory(vendor=shop, tier=tiers[1])
    staff.post(
        "/admin/billing/subscription/",
        {"action": "cancel_now_action", "_selected_action": [sub.pk]},
    )
    with scopes_disabled():
        sub.refresh_from_db()
        event = SubscriptionEvent.objects.get(subscription=sub)
    assert sub.status == Status.CANCELLED and (event.actor, event.user_id) == (
        "staff",
        staff.user.pk,
    )


# --- dashboards ----------------------------------------------------------------------------------


def test_metrics_mrr_trials_ending_and_past_due(billing_on, tiers):
    now = timezone.now()
    vendors = [VendorFactory(platforms=[billing_on]) for _ in range(5)]
    SubscriptionFactory(vendor=vendors[0], tier=tiers[1])  # 30.00 a month
    SubscriptionFactory(vendor=vendors[1], tier=tiers[2], interval="year")  # 900 a year: 75.00
    SubscriptionFactory(vendor=vendors[2], tier=tiers[0], status=Status.PAST_DUE)  # 9.00
    SubscriptionFactory(
        vendor=vendors[3], tier=tiers[2], status=Status.TRIALING,
        trial_ends_at=now + datetime.timedelta(days=3),
    )  # fmt: skip
    SubscriptionFactory(
        vendor=vendors[4], tier=tiers[2], status=Status.TRIALING,
        trial_ends_at=now + datetime.timedelta(days=10),
    )  # fmt: skip
    found = {m.key: m.value for m in metrics_provider.get_metrics(billing_on)}
    assert found == {
        "billing.mrr": "114.00 EUR",
        "billing.active": 2,
        "billing.trials_ending": 1,
        "billing.past_due": 1,
    }
    assert queries.figures(billing_on).mrr == (("EUR", Decimal("114.00")),)


def test_widgets_for_the_vendor_and_for_staff(billing_on, shop, tiers, staff):
    SubscriptionFactory(vendor=shop, tier=tiers[1])
    with tenant_context(billing_on, shop):
        [widget] = widgets_provider.get_widgets(billing_on, None)
    assert widget.key == "billing.plan" and widget.context["subscription"].tier.code == "growth"
    staff_widgets = widgets_provider.get_widgets(billing_on, staff.user)
    assert [w.key for w in staff_widgets] == ["billing.attention"]
    assert widgets_provider.get_widgets(billing_on, None) == []
    dashboard = staff.get("/dashboard/")
    assert "Subscriptions to watch" in dashboard.content.decode()


def test_the_vendor_dashboard_shows_the_plan(manager, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[1])
    html = manager.get("/vendor/shop-a/").content.decode()
    assert "Your plan" in html and "Growth" in html


def test_the_plan_widget_is_cached_and_follows_the_plan_the_products_and_the_team(
    billing_on, shop, tiers, manager, django_capture_on_commit_callbacks
):
    """On every visit of the dashboard: the plan from the cached entitlements plan and each
    limit's usage from the counting module's cache, no SQL when warm; a plan, product or team
    change shows on the next visit (stale on commit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.billing.services import subscriptions
    from modules.catalog.services import products
    from modules.catalog.services.products import ProductInput
    from modules.tenancy import services as team

    def widget():
        with tenant_context(billing_on, shop):
            [found] = widgets_provider.get_widgets(billing_on, None)
        usage = {row.name: (row.used, row.maximum) for row in found.context["usage"]}
        return found.context["subscription"], usage

    with override_module(billing_on, "catalog"):
        assert widget() == (None, {"max_products": (0, 0), "max_team_members": (1, 0)})
        with django_capture_on_commit_callbacks(execute=True):
            subscriptions.subscribe(shop, billing_on, "growth")
        widget()  # a cold read after the change: the new plan
        with CaptureQueriesContext(connection) as queries:
            plan, usage = widget()
        assert not queries
        assert (plan.tier.name, plan.status, plan.status_label) == ("Growth", "trialing", "trial")
        assert plan.trial_ends_at and not plan.cancel_at_period_end
        assert usage == {"max_products": (0, 10), "max_team_members": (1, 5)}
        with django_capture_on_commit_callbacks(execute=True):
            subscriptions.cancel(live_of(shop), user=manager.user)
        assert widget()[0].cancel_at_period_end
        with django_capture_on_commit_callbacks(execute=True):
            products.save_product(shop, ProductInput(title="Pan", sku="PAN", price="5"))
            team.invite(shop, email="new@example.com", role="staff", invited_by=manager.user)
        assert widget()[1] == {"max_products": (1, 10), "max_team_members": (2, 5)}
    html = manager.get("/vendor/shop-a/").content.decode()
    assert "Growth" in html and ">trial<" in html and "Ends on" in html


def test_pages_and_widgets_go_with_billing(manager, shop, billing_on, tiers):
    with override_module(billing_on, "billing", enabled=False):
        assert manager.get(PORTAL).status_code == 404
        assert "Your plan" not in manager.get("/vendor/shop-a/").content.decode()
