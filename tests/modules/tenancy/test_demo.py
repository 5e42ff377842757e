"""``manage.py seed_demo``'s demo vendors: idempotent, logins that work, tenants kept apart."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from modules.customers.models import Customer
from modules.tenancy.demo import DEMO_VENDORS
from modules.tenancy.models import Company, Membership, Vendor, VendorPlatform

pytestmark = pytest.mark.django_db

ACME, GLOBEX = DEMO_VENDORS


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    with scopes_disabled():
        return {
            model.__name__: model.objects.count()
            for model in (
                get_user_model(),
                Company,
                Vendor,
                VendorPlatform,
                Membership,
                Customer,
            )
        }


def media_count() -> int:
    from modules.cms.models import Media

    with scopes_disabled():
        return Media.objects.count()


def logged_in(host: str, spec) -> Client:
    """A client on ``host`` logged in through the login page with the demo credentials (the
    page passes the request to authenticate(), as django-axes requires)."""
    client = Client(HTTP_HOST=host)
    response = client.post(
        reverse("tenancy:login"), {"username": spec.username, "password": spec.password}
    )
    assert response.status_code == 302, "the demo credentials were refused"
    return client


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker) -> Iterator[str]:
    """One seed for the module's tests (it takes seconds), in a transaction rolled back after
    the last of them; each test runs in a savepoint of it (pytest-django's ``db``). Yields what
    the seed printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(db, _seeded) -> str:
    return _seeded


def test_one_seed_makes_working_shops(seeded, subtests):
    """Every promise of the seed checked as a subtest."""
    from modules.catalog.models import Product, ProductImage
    from modules.cms.models import Media
    from modules.inventory.models import StockLevel

    out = seeded

    with subtests.test("active vendors with owners on their platforms"), scopes_disabled():
        for spec in DEMO_VENDORS:
            vendor = Vendor.objects.get(code=spec.code)
            assert vendor.is_active and vendor.name == spec.name
            place = VendorPlatform.objects.get(vendor=vendor)
            assert (place.platform.code, place.status) == (spec.platform, Vendor.Status.ACTIVE)
            membership = Membership.objects.get(vendor=vendor)
            assert membership.user.username == spec.username
            assert membership.user.email == spec.email
            assert (membership.role, membership.status) == ("owner", "active")
            # customers' seed runs after tenancy's, so the demo shops have customers
            assert Customer.objects.filter(vendor=vendor).exists()

    with subtests.test("the summary prints the owner logins and urls"):
        assert f"{ACME.username} / {ACME.password}" in out
        assert f"{GLOBEX.username} / {GLOBEX.password}" in out
        assert "http://localhost:8000/vendor/acme-shop/" in out
        assert "http://localhost:8000/shop/acme-shop/" in out
        assert "http://loyalty.localhost:8000/vendor/globex-store/" in out

    with subtests.test("the owner logs in and opens the portal and storefront"):
        client = logged_in("localhost", ACME)
        response = client.get("/vendor/acme-shop/")
        assert response.wsgi_request.user.username == ACME.username
        assert response.status_code == 200
        assert response.context["role"] == Membership.Role.OWNER
        assert b"Acme Shop" in response.content
        assert Client(HTTP_HOST="localhost").get("/shop/acme-shop/").status_code == 200

    with subtests.test("each owner sees only their own vendor"):
        acme_owner = logged_in("localhost", ACME)
        assert acme_owner.get("/vendor/globex-store/").status_code == 404
        # Also on globex's own platform, where the vendor exists: not a member, so 404.
        acme_owner_on_loyalty = logged_in("loyalty.localhost", ACME)
        assert acme_owner_on_loyalty.get("/vendor/globex-store/").status_code == 404
        globex_owner = logged_in("loyalty.localhost", GLOBEX)
        assert globex_owner.get("/vendor/globex-store/").status_code == 200
        assert globex_owner.get("/vendor/acme-shop/").status_code == 404

    # The catalogue, inventory and cms seeds run after tenancy's: a demo storefront is a shop.
    with subtests.test("the demo shops show products with pictures and stock"), scopes_disabled():
        assert "demo pictures added" in out
        for spec in DEMO_VENDORS:
            vendor = Vendor.objects.get(code=spec.code)
            products = Product.objects.filter(vendor=vendor)
            assert products.count() >= 490
            shown = ProductImage.objects.filter(vendor=vendor)
            assert shown.values("product").distinct().count() == products.count()
            assert Media.objects.filter(vendor=vendor, original_name__startswith="demo-").count()
            assert StockLevel.objects.filter(vendor=vendor).exists()
            assert vendor.theme.get("preset")


def test_seeding_again_changes_nothing_and_keeps_a_changed_password(seeded):
    before = counts()
    owner = get_user_model().objects.get(username=ACME.username)
    owner.set_password("changed by the owner")
    owner.save()

    pictures = media_count()

    out = seed()

    assert counts() == before
    assert "demo pictures added" not in out
    assert media_count() == pictures  # nothing made twice
    owner.refresh_from_db()
    assert owner.check_password("changed by the owner")
    assert not owner.check_password(ACME.password)
    with scopes_disabled():
        emails = list(Customer.objects.values_list("vendor_id", "email"))
    assert len(emails) == len(set(emails))
