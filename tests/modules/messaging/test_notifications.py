"""Notifications: domain events reach the right team members on the channels they chose, the
notifications contract is answered (never raising), and e-mails are sent by the task, retried
with backoff and logged. Tasks run eagerly here (no broker): ``delay`` runs them at once, retries
included; the e-mails land in ``mail.outbox``."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.messaging import providers, registry, tasks
from modules.messaging.factories import (
    DeliveryFactory,
    NotificationPreferenceFactory,
    NotificationProfileFactory,
)
from modules.messaging.models import Delivery, Notification
from modules.messaging.services import deliveries, notifications
from modules.tenancy.models import Membership
from orion_core.contracts import provider_for
from orion_core.contracts.notifications import NOTIFICATIONS
from orion_core.contracts.notifications import Notification as Told
from orion_core.domain_events import order_placed, stock_low
from orion_core.testing import override_module
from tests.modules.messaging.conftest import member

pytestmark = pytest.mark.django_db


def rows(model, **filters):
    with scopes_disabled():
        return list(model.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def orders_on(messaging_on):
    with override_module(messaging_on, "orders"):
        yield messaging_on


@pytest.fixture
def team(shop):
    """One member of each role, and a removed one."""
    found = {role: member(shop, role) for role in ("owner", "manager", "staff", "viewer")}
    removed = member(shop, "manager")
    with scopes_disabled():
        Membership.objects.filter(user=removed).update(status=Membership.Status.REMOVED)
    found["removed"] = removed
    return found


def place(platform, shop, **extra):
    payload = {"order_id": 7, "number": "ORD-000007", "total": "19.90", "currency": "EUR",
               "email": "ada@example.com", "customer_id": None} | extra  # fmt: skip
    order_placed.send_on_commit("orders", platform_id=platform.pk, vendor_id=shop.pk, **payload)


def test_an_order_placed_tells_the_team_members_who_see_orders(
    orders_on, shop, team, other_shop, django_capture_on_commit_callbacks
):
    member(other_shop, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        place(orders_on, shop)

    told = rows(Notification, kind="orders.order_placed")
    active = [team[r] for r in ("owner", "manager", "staff", "viewer")]  # orders.view: all roles
    assert sorted(n.recipient_user_id for n in told) == sorted(u.pk for u in active)
    assert {n.vendor_id for n in told} == {shop.pk}
    assert all(n.in_app and n.read_at is None for n in told)
    assert told[0].title == "New order ORD-000007"
    assert told[0].url == "/vendor/shop-a/orders/7/"
    # One e-mail each, sent by the task and logged.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in active)
    sent = mail.outbox[0]
    assert sent.subject == "New order ORD-000007"
    assert "ada@example.com placed order ORD-000007 at Shop A: 19.90 EUR." in sent.body
    assert "http://acme.test/vendor/shop-a/orders/7/" in sent.body
    assert sent.from_email == "Shop A <noreply@example.com>"
    assert sent.reply_to == [shop.contact_email]
    logged = rows(Delivery, kind="orders.order_placed")
    assert len(logged) == 4
    assert {(d.status, d.attempts) for d in logged} == {(Delivery.Status.SENT, 1)}


def test_nothing_is_told_where_messaging_is_off(
    platform, shop, team, django_capture_on_commit_callbacks
):
    with (
        override_module(platform, "messaging", enabled=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        place(platform, shop)
    assert rows(Notification) == [] and mail.outbox == []


def test_nothing_is_told_of_a_rolled_back_order(orders_on, shop, team):
    with pytest.raises(RuntimeError), transaction.atomic():
        place(orders_on, shop)
        raise RuntimeError("checkout failed")
    assert rows(Notification) == [] and mail.outbox == []


def test_low_stock_reaches_those_who_see_stock(
    messaging_on, shop, team, django_capture_on_commit_callbacks
):
    with (
        override_module(messaging_on, "inventory"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        stock_low.send_on_commit(
            "inventory", platform_id=messaging_on.pk, vendor_id=shop.pk, variant_id=3,
            sku="TEE-M", available=2, threshold=5,
        )  # fmt: skip
    told = rows(Notification, kind="inventory.stock_low")
    assert len(told) == 4
    assert told[0].title == "Low stock: TEE-M"
    assert "Only 2 of TEE-M can still be sold at Shop A (threshold: 5)." in told[0].body
    assert told[0].url == "/vendor/shop-a/inventory/"


def test_preferences_choose_the_channels(orders_on, shop, team, django_capture_on_commit_callbacks):
    NotificationPreferenceFactory(user=team["manager"], channel="email", enabled=False)
    NotificationPreferenceFactory(user=team["staff"], channel="in_app", enabled=False)
    NotificationPreferenceFactory(user=team["viewer"], channel="in_app", enabled=False)
    NotificationPreferenceFactory(user=team["viewer"], channel="email", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        place(orders_on, shop)
    told = {n.recipient_user_id: n for n in rows(Notification)}
    assert team["viewer"].pk not in told  # wants none of it
    assert told[team["manager"].pk].in_app
    assert not told[team["staff"].pk].in_app  # e-mail only: not in the bell
    assert notifications.unread_count(team["staff"], shop.pk) == 0
    assert notifications.unread_count(team["manager"], shop.pk) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [team["owner"].email, team["staff"].email]
    )


def test_each_recipient_is_written_to_in_their_language(
    orders_on, shop, team, django_capture_on_commit_callbacks
):
    NotificationProfileFactory(user=team["owner"], language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        place(orders_on, shop)
    languages = {n.recipient_user_id: n.language for n in rows(Notification)}
    assert languages[team["owner"].pk] == "fr"
    assert languages[team["manager"].pk] == "en"


# --- the notifications contract -------------------------------------------------------------


def told(shop, platform, *to, kind="orders.confirmation", **context):
    return Told(
        kind=kind,
        to=to,
        subject="Your order ORD-1",
        body="Thank you for your order ORD-1.",
        vendor_id=shop.pk,
        platform_id=platform.pk,
        context={"number": "ORD-1", **context},
    )


def test_messaging_answers_the_contract_where_it_is_on(messaging_on, platform, shop):
    assert provider_for(NOTIFICATIONS, {"messaging"}) is providers.notifications_provider
    assert provider_for(NOTIFICATIONS, set()) is NOTIFICATIONS.fallback


def test_the_contract_queues_the_senders_text_and_logs_it(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    from modules.customers.factories import CustomerFactory

    customer = CustomerFactory(vendor=shop, email="Ada@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert providers.notifications_provider.notify(told(shop, messaging_on, "ada@example.com"))
    (note,) = rows(Notification)
    assert note.recipient_customer_id == customer.pk and note.recipient_user_id is None
    assert not note.in_app  # a customer has no bell
    (sent,) = mail.outbox
    assert (sent.subject, sent.body) == ("Your order ORD-1", "Thank you for your order ORD-1.")
    assert rows(Delivery)[0].status == Delivery.Status.SENT


def test_a_team_members_address_gets_the_bell_too(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    manager = member(shop, "manager", email="boss@shop-a.example")
    with django_capture_on_commit_callbacks(execute=True):
        sent = providers.notifications_provider.notify(
            told(shop, messaging_on, "boss@shop-a.example", "guest@example.com",
                 kind="orders.order_placed")
        )  # fmt: skip
    assert sent
    by_address = {n.email: n for n in rows(Notification)}
    assert by_address["boss@shop-a.example"].recipient_user == manager
    assert by_address["boss@shop-a.example"].in_app
    assert by_address["guest@example.com"].recipient_user is None
    assert len(mail.outbox) == 2


def test_an_unknown_kind_is_sent_as_the_sender_wrote_it(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert providers.notifications_provider.notify(
            told(shop, messaging_on, "x@example.com", kind="giftcards.issued")
        )
    assert mail.outbox[0].subject == "Your order ORD-1"
    assert rows(Notification)[0].kind == "giftcards.issued"


def test_the_contract_never_raises(messaging_on, shop, monkeypatch, caplog):
    assert not providers.notifications_provider.notify(told(shop, messaging_on))  # nobody to tell

    def broken(notification):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(notifications, "from_contract", broken)
    with caplog.at_level(logging.ERROR):
        answer = providers.notifications_provider.notify(told(shop, messaging_on, "a@example.com"))
    assert answer is False
    assert "could not queue orders.confirmation" in caplog.text


def test_the_order_confirmation_goes_through_messaging_when_it_is_on(
    orders_on, shop, django_capture_on_commit_callbacks
):
    from modules.orders.factories import OrderFactory, OrderLineFactory
    from modules.orders.services.checkout import send_confirmation

    order = OrderFactory(vendor=shop, platform=orders_on, email="buyer@example.com")
    OrderLineFactory(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_confirmation(order.pk, shop.pk, "en")
    (logged,) = rows(Delivery, kind="orders.confirmation")
    assert logged.to_email == "buyer@example.com" and logged.status == Delivery.Status.SENT
    assert order.number in mail.outbox[0].subject


# --- sending: the task, its retries, the log -------------------------------------------------


def test_a_failing_mail_server_is_retried_then_the_delivery_fails(
    messaging_on, shop, failing_mail, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        assert providers.notifications_provider.notify(told(shop, messaging_on, "a@example.com"))
    (logged,) = rows(Delivery)
    assert failing_mail.calls == tasks.MAX_RETRIES + 1
    assert logged.status == Delivery.Status.FAILED
    assert logged.attempts == tasks.MAX_RETRIES + 1
    assert logged.last_error == "ConnectionRefusedError: mail server down"
    assert "failed for good" in caplog.text


def test_a_flaky_mail_server_is_retried_until_it_works(
    messaging_on, shop, flaky_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        providers.notifications_provider.notify(told(shop, messaging_on, "a@example.com"))
    (logged,) = rows(Delivery)
    assert (logged.status, logged.attempts, logged.last_error) == (Delivery.Status.SENT, 3, "")
    assert len(mail.outbox) == 1


def test_the_task_backs_off_exponentially():
    assert tasks.send_delivery.autoretry_for == (deliveries.TransientSendError,)
    assert tasks.send_delivery.max_retries == tasks.MAX_RETRIES
    assert tasks.send_delivery.retry_backoff == tasks.BACKOFF
    assert tasks.send_delivery.retry_backoff_max == tasks.BACKOFF_MAX
    assert tasks.send_delivery.acks_late
    assert deliveries.STALE_AFTER.total_seconds() > tasks.BACKOFF_MAX


def test_a_delivery_is_sent_once(messaging_on, shop):
    delivery = DeliveryFactory(vendor=shop, status=Delivery.Status.QUEUED, attempts=0)
    assert tasks.send_delivery.delay(delivery.pk).get() == "sent"
    assert tasks.send_delivery.delay(delivery.pk).get() == "sent"  # a redelivered task
    assert len(mail.outbox) == 1
    assert tasks.send_delivery.delay(10**9).get() == "skipped"


def test_the_sweep_queues_what_waited_too_long(messaging_on, shop):
    stale = DeliveryFactory(vendor=shop, status=Delivery.Status.QUEUED, attempts=0)
    fresh = DeliveryFactory(vendor=shop, status=Delivery.Status.RETRYING, attempts=1)
    done = DeliveryFactory(vendor=shop, status=Delivery.Status.SENT)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    with scopes_disabled():
        Delivery.objects.filter(pk__in=[stale.pk, done.pk]).update(updated_at=long_ago)
    assert tasks.sweep_deliveries.delay().get() == 1
    statuses = {d.pk: d.status for d in rows(Delivery)}
    assert statuses == {stale.pk: "sent", fresh.pk: "retrying", done.pk: "sent"}
    assert [m.to[0] for m in mail.outbox] == [stale.to_email]


def test_a_broker_that_cannot_be_reached_leaves_the_delivery_to_the_sweep(
    messaging_on, shop, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_delivery, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        assert providers.notifications_provider.notify(told(shop, messaging_on, "a@example.com"))
    assert rows(Delivery)[0].status == Delivery.Status.QUEUED
    assert "the sweep will" in caplog.text


def test_the_registry_documents_every_type():
    for ntype in registry.all_types():
        assert ntype.label and ntype.subject and ntype.body, ntype.kind
        assert ntype.audience in (registry.TEAM, registry.CUSTOMER, registry.PARTICIPANTS)
        assert set(ntype.channels) <= {registry.IN_APP, registry.EMAIL}
    assert {"orders.order_placed", "inventory.stock_low", "orders.confirmation"} <= {
        t.kind for t in registry.all_types()
    }
    with pytest.raises(ValueError, match="twice"):
        registry.register(registry.ORDER_PLACED)
