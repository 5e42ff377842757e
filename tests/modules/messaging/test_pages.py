"""The in-app side of notifications: the bell on the portal and the dashboard, the list with its
read marks, the preferences page, and the sending log with its "send again" button. Every
vendor page is the vendor's own: another vendor's or another user's rows are 404s."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from modules.messaging.factories import (
    DeliveryFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
)
from modules.messaging.models import Delivery, Notification, NotificationPreference
from modules.messaging.services import notifications
from orion_core.testing import StaffUserFactory, override_module
from tests.modules.messaging.conftest import HOST, PORTAL, logged_in

pytestmark = pytest.mark.django_db


def bell(response) -> str:
    """The top bar's messaging link (empty if there is none)."""
    found = re.search(
        r'<a class="header-badge"[^>]*data-module="messaging">.*?</a>', response.content.decode()
    )
    return found.group(0) if found else ""


def test_the_bell_shows_the_users_unread_notifications_of_this_shop(shop, other_shop, owner):
    NotificationFactory.create_batch(2, vendor=shop, recipient_user=owner.user)
    NotificationFactory(vendor=shop, recipient_user=owner.user, read_at="2026-01-01T00:00Z")
    NotificationFactory(vendor=other_shop, recipient_user=owner.user)  # another shop's
    NotificationFactory(vendor=shop)  # someone else's
    found = bell(owner.get(f"{PORTAL}notifications/"))
    assert f'href="{PORTAL}notifications/"' in found
    assert '<span class="badge">2</span>' in found
    assert "Notifications" in found


def test_the_bell_is_counted_once_and_follows_new_and_read_notifications(
    shop, owner, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The count is cached (it is on every page) and goes stale on commit of any change."""
    home = "/vendor/shop-a/"
    with django_capture_on_commit_callbacks(execute=True):
        first = NotificationFactory(vendor=shop, recipient_user=owner.user)
    assert '<span class="badge">1</span>' in bell(owner.get(home))
    assert notifications.unread_count(owner.user, shop.pk) == 1
    with django_assert_num_queries(0):  # warm: from the shared cache
        assert notifications.unread_count(owner.user, shop.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        NotificationFactory(vendor=shop, recipient_user=owner.user)
    assert '<span class="badge">2</span>' in bell(owner.get(home))
    with django_capture_on_commit_callbacks(execute=True):
        notifications.mark_read(owner.user, vendor_id=shop.pk, pk=first.pk)
    assert '<span class="badge">1</span>' in bell(owner.get(home))


def test_no_count_when_all_is_read_and_no_bell_when_messaging_is_off(platform, shop, owner):
    home = "/vendor/shop-a/"
    found = bell(owner.get(home))
    assert found and '<span class="badge">' not in found
    with override_module(platform, "messaging", enabled=False):
        assert bell(owner.get(home)) == ""


def test_the_staff_dashboard_has_a_bell_of_every_shop(shop, other_shop, staff):
    NotificationFactory(vendor=shop, recipient_user=staff.user)
    NotificationFactory(vendor=other_shop, recipient_user=staff.user)
    response = staff.get("/dashboard/messaging/notifications/")
    assert response.status_code == 200
    assert '<span class="badge">2</span>' in bell(response)
    assert "Shop A" in response.content.decode() and "Shop B" in response.content.decode()


def test_the_list_shows_the_users_own_notifications_of_this_shop(shop, other_shop, owner):
    mine = NotificationFactory(vendor=shop, recipient_user=owner.user, title="Mine")
    NotificationFactory(vendor=other_shop, recipient_user=owner.user, title="Other shop")
    NotificationFactory(vendor=shop, title="Colleague's")
    NotificationFactory(vendor=shop, recipient_user=owner.user, title="Mail only", in_app=False)
    response = owner.get(f"{PORTAL}notifications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mine" in page
    assert "Other shop" not in page and "Colleague" not in page and "Mail only" not in page
    assert f"notifications/{mine.pk}/read/" in page


def test_the_list_is_paged(shop, owner):
    NotificationFactory.create_batch(30, vendor=shop, recipient_user=owner.user)
    first = owner.get(f"{PORTAL}notifications/")
    assert len(first.context["notifications"]) == 25
    assert len(owner.get(f"{PORTAL}notifications/?page=2").context["notifications"]) == 5


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(shop, owner):
    note = NotificationFactory(vendor=shop, recipient_user=owner.user, url="/vendor/shop-a/")
    response = owner.post(f"{PORTAL}notifications/{note.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/vendor/shop-a/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_marking_read_stays_on_the_list_and_never_follows_another_host(shop, owner):
    note = NotificationFactory(vendor=shop, recipient_user=owner.user, url="//evil.example/")
    response = owner.post(f"{PORTAL}notifications/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == f"{PORTAL}notifications/"


def test_another_shops_or_users_notification_is_not_found(shop, other_shop, owner):
    theirs = NotificationFactory(vendor=other_shop, recipient_user=owner.user)
    colleagues = NotificationFactory(vendor=shop)
    for note in (theirs, colleagues):
        assert owner.post(f"{PORTAL}notifications/{note.pk}/read/").status_code == 404
    with scopes_disabled():
        assert not Notification.objects.filter(read_at__isnull=False).exists()
    assert owner.get(f"{PORTAL}notifications/{theirs.pk}/read/").status_code == 405


def test_mark_all_read(shop, other_shop, owner):
    NotificationFactory.create_batch(3, vendor=shop, recipient_user=owner.user)
    elsewhere = NotificationFactory(vendor=other_shop, recipient_user=owner.user)
    response = owner.post(f"{PORTAL}notifications/")
    assert response.status_code == 302
    assert notifications.unread_count(owner.user, shop.pk) == 0
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None  # the other shop's stays unread


def test_preferences_are_saved_per_type_and_channel(shop, client_of):
    viewer = client_of("viewer")
    page = viewer.get(f"{PORTAL}preferences/")
    assert page.status_code == 200
    assert 'name="orders.order_placed:email"' in page.content.decode()
    response = viewer.post(
        f"{PORTAL}preferences/",
        {"orders.order_placed:in_app": "on", "inventory.stock_low:email": "on", "language": "de"},
    )
    assert response.status_code == 302
    stored = {
        (p.kind, p.channel): p.enabled
        for p in NotificationPreference.objects.filter(user=viewer.user)
    }
    # Only what differs from the defaults (in the app and by e-mail) is stored.
    assert stored[("orders.order_placed", "email")] is False
    assert stored[("inventory.stock_low", "in_app")] is False
    assert ("orders.order_placed", "in_app") not in stored
    assert notifications.language_choice(viewer.user) == "de"
    # Back to the defaults: the rows go.
    everything = {f"{c.ntype.kind}:{ch}": "on" for c in notifications.choices(viewer.user)
                  for ch in ("in_app", "email")}  # fmt: skip
    viewer.post(f"{PORTAL}preferences/", everything)
    assert not NotificationPreference.objects.filter(user=viewer.user).exists()


def test_bad_preferences_are_a_400_and_nothing_is_saved(shop, owner):
    NotificationPreferenceFactory(user=owner.user)
    response = owner.post(f"{PORTAL}preferences/", {"language": "xx"})
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    assert NotificationPreference.objects.filter(user=owner.user).count() == 1


def test_staff_preferences(staff):
    assert staff.get("/dashboard/messaging/preferences/").status_code == 200
    assert staff.post("/dashboard/messaging/preferences/", {"language": "fr"}).status_code == 302
    assert notifications.language_choice(staff.user) == "fr"


# --- the sending log ------------------------------------------------------------------------


def test_the_log_lists_this_shops_emails_to_those_who_may_see_messages(shop, other_shop, client_of):
    DeliveryFactory(vendor=shop, to_email="mine@example.com", subject="Ours")
    DeliveryFactory(
        vendor=shop, status=Delivery.Status.FAILED, last_error="SMTPError: 550", subject="Bounced"
    )
    DeliveryFactory(vendor=other_shop, subject="Theirs")
    manager = client_of("manager")
    page = manager.get(f"{PORTAL}emails/").content.decode()
    assert "Ours" in page and "Bounced" in page and "SMTPError: 550" in page
    assert "Theirs" not in page
    failed_only = manager.get(f"{PORTAL}emails/?status=failed").content.decode()
    assert "Bounced" in failed_only and "Ours" not in failed_only
    assert client_of("viewer").get(f"{PORTAL}emails/").status_code == 403


def test_a_failed_email_can_be_sent_again(
    shop, other_shop, client_of, django_capture_on_commit_callbacks
):
    failed = DeliveryFactory(vendor=shop, status=Delivery.Status.FAILED, attempts=6)
    sent = DeliveryFactory(vendor=shop)
    theirs = DeliveryFactory(vendor=other_shop, status=Delivery.Status.FAILED)
    manager = client_of("manager")
    assert client_of("viewer").post(f"{PORTAL}emails/{failed.pk}/retry/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{PORTAL}emails/{failed.pk}/retry/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Delivery.Status.SENT, 7)
    assert len(mail.outbox) == 1
    refused = manager.post(f"{PORTAL}emails/{sent.pk}/retry/")
    assert refused.status_code == 400
    assert "Only a failed e-mail can be sent again." in refused.content.decode()
    assert manager.post(f"{PORTAL}emails/{theirs.pk}/retry/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Delivery.Status.FAILED


def test_staff_see_the_log_of_the_platform(
    platform, other_platform, shop, staff, django_capture_on_commit_callbacks
):
    DeliveryFactory(vendor=shop, platform=platform, subject="Here")
    DeliveryFactory(vendor=shop, platform=other_platform, subject="Elsewhere")
    failed = DeliveryFactory(platform=platform, vendor=None, status=Delivery.Status.FAILED)
    page = staff.get("/dashboard/messaging/emails/").content.decode()
    assert "Here" in page and "Elsewhere" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/dashboard/messaging/emails/{failed.pk}/retry/")
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_staff_pages_are_for_staff(shop, owner):
    anonymous = Client(HTTP_HOST=HOST)
    for url in ("/dashboard/messaging/notifications/", "/dashboard/messaging/emails/"):
        assert anonymous.get(url).status_code == 302
        assert owner.get(url).status_code == 302
    assert logged_in(StaffUserFactory()).get("/dashboard/messaging/emails/").status_code == 200
