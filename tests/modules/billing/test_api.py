"""Billing's vendor API: the plans offered, the vendor's subscription (subscribe, change by the
proration rule, cancel, resume), its history and usage; 400 per field, 409 for the status, 403
by role, 404 for another vendor, and nothing changed on a refusal."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from modules.billing.factories import SubscriptionEventFactory, SubscriptionFactory, TierFactory
from modules.billing.models import Subscription
from orion_core.testing import PlatformFactory
from tests.modules.billing.conftest import API, HOST

pytestmark = pytest.mark.django_db
Status = Subscription.Status


def api(client) -> APIClient:
    found = APIClient(HTTP_HOST=HOST)
    found.force_authenticate(client.user)
    return found


def subs(vendor) -> list[tuple[str, str]]:
    with scopes_disabled():
        return list(
            Subscription.objects.filter(vendor=vendor)
            .order_by("pk")
            .values_list("tier__code", "status")
        )


def test_tiers_are_the_platforms_offered_ones(manager, billing_on, tiers):
    TierFactory(platform=billing_on, code="old", is_active=False)
    TierFactory(platform=PlatformFactory(), code="elsewhere")
    body = api(manager).get(f"{API}tiers/").json()
    assert body["count"] == 3
    assert [t["code"] for t in body["results"]] == ["starter", "growth", "pro"]
    assert body["results"][0] == {
        "code": "starter",
        "name": "Starter",
        "description": "",
        "monthly_price": "9.00",
        "yearly_price": "90.00",
        "currency": "EUR",
        "features": ["products"],
        "limits": {"max_products": 2, "max_team_members": 2},
        "is_default": False,
    }


def test_subscribe_read_change_cancel_resume(manager, shop, tiers):
    client = api(manager)
    assert client.get(f"{API}subscription/").status_code == 404
    made = client.post(f"{API}subscription/", {"tier": "growth"}, format="json")
    assert made.status_code == 201
    body = made.json()
    assert (body["tier"], body["status"], body["interval"], body["price"]) == (
        "growth",
        "trialing",
        "month",
        "30.00",
    )
    again = client.post(f"{API}subscription/", {"tier": "pro"}, format="json")
    assert again.status_code == 409 and subs(shop) == [("growth", "trialing")]

    changed = client.post(
        f"{API}subscription/change/", {"tier": "pro", "interval": "year"}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["outcome"] == "changed"
    assert changed.json()["subscription"]["price"] == "900.00"

    cancelled = client.post(f"{API}subscription/cancel/", format="json")
    assert cancelled.status_code == 200 and cancelled.json()["cancel_at_period_end"] is True
    assert client.post(f"{API}subscription/cancel/").status_code == 409
    resumed = client.post(f"{API}subscription/resume/")
    assert resumed.status_code == 200 and resumed.json()["cancel_at_period_end"] is False
    assert client.get(f"{API}subscription/").json()["tier"] == "pro"

    history = client.get(f"{API}subscription/events/").json()
    assert history["count"] == 4
    assert [e["kind"] for e in history["results"]] == [
        "resumed",
        "cancelling",
        "plan",
        "subscribed",
    ]


def test_a_downgrade_is_scheduled(manager, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[2])
    body = (
        api(manager).post(f"{API}subscription/change/", {"tier": "starter"}, format="json").json()
    )
    assert body["outcome"] == "scheduled"
    assert (body["subscription"]["tier"], body["subscription"]["pending_tier"]) == (
        "pro",
        "starter",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "tier"),
        ({"tier": "nope"}, "tier"),
        ({"tier": "growth", "interval": "weekly"}, "interval"),
        ({"tier": "a b"}, "tier"),
    ],
)
def test_bad_input_is_a_400_per_field_and_saves_nothing(manager, shop, tiers, body, field):
    response = api(manager).post(f"{API}subscription/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert subs(shop) == []


def test_changes_without_a_live_plan_are_409(manager, shop, tiers):
    client = api(manager)
    for action in ("change", "cancel", "resume"):
        response = client.post(f"{API}subscription/{action}/", {"tier": "pro"}, format="json")
        assert response.status_code == 409, action
    SubscriptionFactory(vendor=shop, tier=tiers[1], status=Status.PAST_DUE)
    late = client.post(f"{API}subscription/change/", {"tier": "pro"}, format="json")
    assert late.status_code == 409 and "overdue" in late.json()["detail"]


def test_roles_a_viewer_reads_and_cannot_change(viewer, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[1])
    client = api(viewer)
    for path in ("tiers/", "subscription/", "subscription/events/", "usage/"):
        assert client.get(f"{API}{path}").status_code == 200, path
    for path in ("subscription/", "subscription/change/", "subscription/cancel/"):
        assert client.post(f"{API}{path}", {"tier": "pro"}, format="json").status_code == 403
    assert subs(shop) == [("growth", "active")]


def test_another_vendors_subscription_is_never_reached(manager, shop, other_shop, tiers):
    theirs = SubscriptionFactory(vendor=other_shop, tier=tiers[1])
    SubscriptionEventFactory(subscription=theirs, vendor=other_shop, message="theirs")
    client = api(manager)
    assert client.get(f"{API}subscription/").status_code == 404
    assert client.get(f"{API}subscription/events/").json()["count"] == 0
    assert client.get("/api/v1/vendor/shop-b/billing/subscription/").status_code == 404
    assert client.post(f"{API}subscription/cancel/").status_code == 409
    assert subs(other_shop) == [("growth", "active")]


def test_usage(manager, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[0])
    body = api(manager).get(f"{API}usage/").json()
    team = next(row for row in body["limits"] if row["name"] == "max_team_members")
    assert team == {"name": "max_team_members", "label": "team members", "used": 1, "maximum": 2}


def test_anonymous_is_401(shop, tiers):
    assert APIClient(HTTP_HOST=HOST).get(f"{API}subscription/").status_code in (401, 403)
