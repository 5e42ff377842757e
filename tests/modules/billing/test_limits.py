"""The plan's limits where things are created, with billing really answering: the catalog
refuses the product beyond ``max_products`` and tenancy the invitation beyond
``max_team_members``, in their services, their portal pages and their APIs alike; nothing is
created then, and a plan change lifts the limit on the next request.

The catalog never imports billing (it asks ``orion_core.features``); these tests need the
catalog installed and skip without it (an optional module may be removed)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import mail
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from modules.billing.factories import SubscriptionFactory
from modules.billing.services import subscriptions, tiers
from modules.tenancy import services as team
from modules.tenancy.factories import InvitationFactory, MembershipFactory
from modules.tenancy.models import Invitation, Membership
from orion_core.contracts.entitlements import LimitReached
from orion_core.testing import override_module
from tests.modules.billing.conftest import HOST

pytestmark = pytest.mark.django_db

needs_catalog = pytest.mark.skipif(
    not apps.is_installed("modules.catalog"), reason="the catalog module is not installed"
)


@pytest.fixture
def catalog_on(billing_on):
    with override_module(billing_on, "catalog"):
        yield billing_on


def api(client) -> APIClient:
    found = APIClient(HTTP_HOST=HOST)
    found.force_authenticate(client.user)
    return found


def new_product(n: int):
    from modules.catalog.services.products import ProductInput

    return ProductInput(title=f"Mug {n}", sku=f"MUG-{n}", price="9.90")


def product_count(vendor) -> int:
    from modules.catalog.models import Product

    with scopes_disabled():
        return Product.objects.filter(vendor=vendor).count()


@needs_catalog
def test_the_catalog_refuses_the_product_beyond_the_plan(catalog_on, shop, tiers):
    from modules.catalog.services import products

    SubscriptionFactory(vendor=shop, tier=tiers[0])  # Starter: 2 products
    products.save_product(shop, new_product(1), platform=catalog_on)
    products.save_product(shop, new_product(2), platform=catalog_on)
    with pytest.raises(LimitReached) as refused:
        products.save_product(shop, new_product(3), platform=catalog_on)
    assert str(refused.value) == "Your plan allows 2 products. Upgrade to Growth or Pro for more."
    assert product_count(shop) == 2
    # Changing a product it has is no new product.
    with scopes_disabled():
        first = products.Product.objects.get(vendor=shop, sku="MUG-1")
    products.save_product(shop, new_product(1), product=first, platform=catalog_on)
    # Without a platform (a command, a test of the catalog alone) nothing is counted.
    products.save_product(shop, new_product(4))
    assert product_count(shop) == 3


@needs_catalog
def test_the_catalogs_api_and_portal_answer_with_the_upgrade(
    catalog_on, shop, tiers, manager, django_capture_on_commit_callbacks
):
    SubscriptionFactory(vendor=shop, tier=tiers[0])
    client = api(manager)
    url = "/api/v1/vendor/shop-a/catalog/products/"
    for n in (1, 2):
        body = {"title": f"Mug {n}", "sku": f"MUG-{n}", "price": "9.90"}
        assert client.post(url, body, format="json").status_code == 201
    refused = client.post(url, {"title": "Mug 3", "sku": "MUG-3", "price": "9.90"}, format="json")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Your plan allows 2 products. Upgrade to Growth or Pro for more.",
        "limit": "max_products",
        "maximum": 2,
        "tiers": [{"code": "growth", "name": "Growth"}, {"code": "pro", "name": "Pro"}],
    }
    page = manager.post(
        "/vendor/shop-a/catalog/products/add/",
        {"title": "Mug 3", "sku": "MUG-3", "slug": "", "description": "", "price": "9.90",
         "compare_at_price": "", "currency": "EUR", "category": "", "status": "draft",
         "options-TOTAL_FORMS": "3", "options-INITIAL_FORMS": "0",
         "variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert page.status_code == 403
    assert "Your plan allows 2 products" in page.content.decode()
    assert product_count(shop) == 2
    # The vendor upgrades: the next request may add the product.
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.change_plan(subscriptions.live_subscription(shop, catalog_on), "growth")
    again = client.post(url, {"title": "Mug 3", "sku": "MUG-3", "price": "9.90"}, format="json")
    assert again.status_code == 201


@needs_catalog
def test_with_billing_off_the_catalog_is_unlimited(catalog_on, shop, starter):
    from modules.catalog.services import products

    SubscriptionFactory(vendor=shop, tier=starter)
    with (
        override_module(catalog_on, "billing", enabled=False),
        override_module(catalog_on, "catalog"),
    ):
        for n in range(1, 5):
            products.save_product(shop, new_product(n), platform=catalog_on)
    assert product_count(shop) == 4


def test_tenancy_counts_seats_members_and_pending_invitations(billing_on, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[0])  # Starter: 2 team members
    owner = MembershipFactory(vendor=shop, role=Membership.Role.OWNER).user
    InvitationFactory(vendor=shop, email="pending@example.com")
    assert team.seat_count(shop.pk) == 2
    with pytest.raises(LimitReached) as refused:
        team.invite(
            shop, email="third@example.com", role="staff", invited_by=owner, platform=billing_on
        )
    assert str(refused.value) == (
        "Your plan allows 2 team members. Upgrade to Growth or Pro for more."
    )
    with scopes_disabled():
        assert not Invitation.objects.filter(email="third@example.com").exists()


def test_the_team_api_and_page_answer_with_the_upgrade(
    billing_on, shop, tiers, client_of, django_capture_on_commit_callbacks
):
    SubscriptionFactory(vendor=shop, tier=tiers[0])
    owner = client_of("owner")
    client_of("manager")  # two seats taken
    url = "/api/v1/vendor/shop-a/team/invitations/"
    refused = api(owner).post(url, {"email": "n@example.com", "role": "staff"}, format="json")
    assert refused.status_code == 403 and refused.json()["limit"] == "max_team_members"
    page = owner.post("/vendor/shop-a/team/invite/", {"email": "n@example.com", "role": "staff"})
    assert page.status_code == 403 and "Upgrade to Growth or Pro" in page.content.decode()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.change_plan(subscriptions.live_subscription(shop, billing_on), "growth")
    response = api(owner).post(url, {"email": "n@example.com", "role": "staff"}, format="json")
    assert response.status_code == 201


def test_usage_is_read_from_the_modules_that_count(billing_on, shop, starter):
    SubscriptionFactory(vendor=shop, tier=starter)
    MembershipFactory(vendor=shop)
    found = {u.name: u for u in tiers.usage(billing_on, shop.pk)}
    assert (found["max_team_members"].used, found["max_team_members"].maximum) == (1, 2)
    assert "max_products" not in found  # the catalog is off here: not shown
