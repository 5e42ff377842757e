"""The vendor API of notifications: the requesting user's, of this vendor, paged; read marks."""

from __future__ import annotations

import pytest

from modules.messaging.factories import NotificationFactory
from modules.messaging.services import notifications
from tests.modules.messaging.conftest import API

pytestmark = pytest.mark.django_db


def test_the_list_is_the_users_own_of_this_vendor(shop, other_shop, owner):
    mine = NotificationFactory(vendor=shop, recipient_user=owner.user)
    read = NotificationFactory(vendor=shop, recipient_user=owner.user, read_at="2026-01-01T00:00Z")
    NotificationFactory(vendor=other_shop, recipient_user=owner.user)
    NotificationFactory(vendor=shop)
    body = owner.get(f"{API}notifications/").json()
    assert [row["id"] for row in body["results"]] == [read.pk, mine.pk]
    assert body["count"] == 2
    unread = owner.get(f"{API}notifications/?unread=true").json()
    assert [row["id"] for row in unread["results"]] == [mine.pk]
    assert set(unread["results"][0]) == {"id", "kind", "title", "body", "url", "created_at",
                                         "read_at"}  # fmt: skip


def test_read_and_read_all(shop, other_shop, owner):
    first, second = NotificationFactory.create_batch(2, vendor=shop, recipient_user=owner.user)
    theirs = NotificationFactory(vendor=other_shop, recipient_user=owner.user)
    colleagues = NotificationFactory(vendor=shop)
    response = owner.post(f"{API}notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    for other in (theirs, colleagues):
        assert owner.post(f"{API}notifications/{other.pk}/read/").status_code == 404
        assert owner.get(f"{API}notifications/{other.pk}/").status_code == 404
    assert owner.post(f"{API}notifications/read-all/").json() == {"marked": 1}
    assert notifications.unread_count(owner.user, shop.pk) == 0
    assert notifications.unread_count(owner.user, other_shop.pk) == 1


def test_outsiders_are_refused(shop, client_of):
    from django.test import Client

    assert Client(HTTP_HOST="acme.test").get(f"{API}notifications/").status_code in (401, 403)
    stranger = client_of("owner", vendor=None)  # of shop-a: fine
    assert stranger.get(f"{API}notifications/").status_code == 200
