"""Both dashboards' cards: one card per enabled module's metric or widget, each linking to its
module's page; a provider that raises drops only its own cards (staff read a note naming the
module, the log has the traceback, vendors see nothing of it); disabling a module removes its
cards. Faults are injected by patching one of our own providers to raise."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import UserFactory

pytestmark = pytest.mark.django_db
HOST = "acme.test"


def break_provider(monkeypatch, code: str, kind: str, method: str) -> None:
    """Make module ``code``'s ``kind`` provider raise from ``method``."""

    def explode(*args, **kwargs):
        raise RuntimeError(f"{code} {kind} exploded")

    provider = get_registry().provider(code, kind)
    monkeypatch.setattr(provider, method, explode)


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(staff_user)
    return client


@pytest.fixture
def with_orders(platform):
    ModuleService().enable(platform, "orders", source="test")  # with payments and catalog
    ModuleService().enable(platform, "billing", source="test")
    return platform


def cards(response, kind: str) -> dict[str, set[str]]:
    """``{module: {card keys}}`` of the page's metrics or widgets."""
    found: dict[str, set[str]] = {}
    for item in response.context[kind]:
        card = getattr(item, "widget", item)
        found.setdefault(card.module, set()).add(card.key)
    return found


def test_each_card_links_to_its_modules_page(staff_client, with_orders):
    response = staff_client.get(reverse("core:dashboard"))
    html = response.content.decode()
    metrics = {m.key: m for m in response.context["metrics"]}
    assert metrics["orders.today"].url == reverse("orders:staff-orders")
    assert metrics["billing.mrr"].url == reverse("billing:staff-billing")
    assert f'href="{reverse("orders:staff-orders")}"' in html
    # Payments has no staff page: its cards show the module's code, and no link.
    assert metrics["payments.pending"].url == ""
    assert not response.context["failed_cards"]


def test_a_failing_metrics_provider_drops_only_its_cards(
    staff_client, with_orders, monkeypatch, caplog
):
    break_provider(monkeypatch, "orders", "metrics", "get_metrics")
    with caplog.at_level(logging.ERROR, logger="orion_core.providers"):
        response = staff_client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    metrics = cards(response, "metrics")
    assert "orders" not in metrics
    assert {"payments", "billing", "catalog"} <= set(metrics)
    assert {"billing", "catalog"} <= set(cards(response, "widgets"))
    assert response.context["failed_cards"] == [{"code": "orders", "name": "Orders"}]
    html = response.content.decode()
    assert "Some cards could not be shown" in html and 'data-module="orders">Orders' in html
    (record,) = [r for r in caplog.records if "orders" in r.getMessage()]
    assert record.exc_info and "orders metrics exploded" in str(record.exc_info[1])


def test_a_failing_widgets_provider_is_named_once(staff_client, with_orders, monkeypatch):
    break_provider(monkeypatch, "billing", "widgets", "get_widgets")
    break_provider(monkeypatch, "billing", "metrics", "get_metrics")
    response = staff_client.get(reverse("core:dashboard"))
    assert "billing" not in cards(response, "widgets")
    assert "billing" not in cards(response, "metrics")
    assert "catalog" in cards(response, "widgets")
    assert response.context["failed_cards"] == [{"code": "billing", "name": "Billing"}]


def test_disabling_a_module_removes_its_cards(
    staff_client, with_orders, django_capture_on_commit_callbacks
):
    before = staff_client.get(reverse("core:dashboard"))
    assert "catalog" in cards(before, "metrics") and "catalog" in cards(before, "widgets")
    with django_capture_on_commit_callbacks(execute=True):  # the cached state goes stale
        ModuleService().disable(with_orders, "catalog", source="test")  # and orders with it
    after = staff_client.get(reverse("core:dashboard"))
    assert "catalog" not in cards(after, "metrics") and "catalog" not in cards(after, "widgets")
    assert "orders" not in cards(after, "metrics")
    assert "payments" in cards(after, "metrics")
    assert not after.context["failed_cards"]


@pytest.fixture
def vendor_setup(with_orders):
    vendor = VendorFactory(code="alpha", platforms=[with_orders])
    owner = UserFactory(username="olivia")
    MembershipFactory(user=owner, vendor=vendor, role=Membership.Role.OWNER)
    return vendor, owner


def portal(user) -> tuple:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    response = client.get(reverse("tenancy:dashboard", kwargs={"vendor_code": "alpha"}))
    assert response.status_code == 200
    return response, response.content.decode()


def test_vendor_widgets_link_to_the_portal_pages(vendor_setup):
    _vendor, owner = vendor_setup
    response, html = portal(owner)
    widgets = {item.widget.key: item.widget for item in response.context["widgets"]}
    assert widgets["orders.summary"].url == reverse(
        "orders:vendor-orders", kwargs={"vendor_code": "alpha"}
    )
    assert f'<a href="{widgets["orders.summary"].url}">' in html


def test_vendors_see_nothing_of_a_failure_and_staff_see_the_note(
    vendor_setup, staff_user, monkeypatch
):
    _vendor, owner = vendor_setup
    break_provider(monkeypatch, "payments", "widgets", "get_widgets")
    response, html = portal(owner)
    assert "payments" not in cards(response, "widgets")
    assert "orders" in cards(response, "widgets")
    assert response.context["failed_cards"] == []
    assert "Some cards could not be shown" not in html
    assert 'data-module="payments">Payments' not in html
    response, html = portal(staff_user)
    assert response.context["failed_cards"] == [{"code": "payments", "name": "Payments"}]
    assert "Some cards could not be shown" in html
