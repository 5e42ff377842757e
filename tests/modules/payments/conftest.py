"""Fixtures of the payments tests: two shops on the ``acme`` platform (tests/conftest.py),
payments switched on there with the manual gateway, clients by role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from modules.payments import services
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import StaffUserFactory, UserFactory, override_module

HOST = "acme.test"
INSTRUCTIONS = "Pay into IBAN FR76 0000 0000 0000, reference your order number."


@pytest.fixture
def shop(platform):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[platform])


@pytest.fixture
def other_shop(platform):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[platform])


@pytest.fixture
def module_on(platform):
    with override_module(platform, "payments", config={"instructions": INSTRUCTIONS}):
        yield platform


def start(platform, vendor, reference="ORD-1", amount="100.00", currency="EUR", **kwargs):
    """Start a payment through the services; the payment, as stored."""
    kwargs.setdefault("customer_email", "ada@example.com")
    kwargs.setdefault("return_url", "https://acme.test/shop/done/")
    payment, _action = services.start_payment(
        platform, vendor, reference, Decimal(amount), currency, **kwargs
    )
    return payment


@pytest.fixture
def client_of(shop):
    """``client_of("viewer")``: a client logged in as a member of ``shop`` with that role."""

    def make(role: str, vendor=None) -> Client:
        user = UserFactory()
        MembershipFactory(user=user, vendor=vendor or shop, role=role)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def manager(client_of):
    return client_of("manager")


@pytest.fixture
def viewer(client_of):
    return client_of("viewer")


@pytest.fixture
def staff(platform):
    client = Client(HTTP_HOST=HOST)
    client.force_login(StaffUserFactory())
    return client
