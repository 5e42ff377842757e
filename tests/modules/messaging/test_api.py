"""The vendor API: the requesting user's notifications, of this vendor, paged, and read marks;
the shop's conversations (list, read, reply, start one), by session or token, tenant-isolated,
a 400 per field with nothing written."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from modules.cms.factories import MediaFactory
from modules.customers.factories import CustomerFactory
from modules.messaging.factories import ConversationFactory, MessageFactory, NotificationFactory
from modules.messaging.models import Attachment, Conversation, Message, Notification
from modules.messaging.services import notifications
from tests.modules.messaging.conftest import API, HOST, member

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


# --- conversations ------------------------------------------------------------------------------

CONVERSATIONS = f"{API}conversations/"


def rows(model, **filters):
    with scopes_disabled():
        return list(model.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def ada(shop):
    return CustomerFactory(vendor=shop, email="ada@example.com", first_name="Ada", last_name="L")


def test_the_list_is_the_shops_paged_with_unread_counts(shop, other_shop, ada, client_of):
    read = ConversationFactory(vendor=shop, customer=ada, subject="Read")
    unread = ConversationFactory(vendor=shop, customer=ada, subject="Unread", vendor_unread=2)
    staff_thread = ConversationFactory(vendor=shop, kind="staff", customer=None, subject="Ops")
    ConversationFactory(vendor=other_shop, subject="Theirs")
    manager = client_of("manager")

    body = manager.get(CONVERSATIONS).json()
    assert body["count"] == 3 and {"next", "previous"} <= set(body)
    assert [row["id"] for row in body["results"]] == [staff_thread.pk, unread.pk, read.pk]
    row = body["results"][1]
    assert row == {
        "id": unread.pk, "kind": "customer", "subject": "Unread", "customer": ada.pk,
        "customer_name": "Ada L", "customer_email": "ada@example.com", "unread": 2,
        "created_at": row["created_at"], "last_message_at": row["last_message_at"],
    }  # fmt: skip
    assert body["results"][0]["customer"] is None and body["results"][0]["kind"] == "staff"
    only_unread = manager.get(f"{CONVERSATIONS}?unread=true").json()
    assert [r["id"] for r in only_unread["results"]] == [unread.pk]
    customers = manager.get(f"{CONVERSATIONS}?kind=customer").json()
    assert {r["id"] for r in customers["results"]} == {read.pk, unread.pk}
    bad = manager.get(f"{CONVERSATIONS}?kind=everyone")
    assert bad.status_code == 400 and "kind" in bad.json()


def test_reading_a_conversation_shows_its_messages_and_marks_it_read(shop, ada, client_of):
    conversation = ConversationFactory(vendor=shop, customer=ada, vendor_unread=1)
    MessageFactory(conversation=conversation, side="customer", author_user=None,
                   author_customer=ada, author_name="Ada", body="Where is it?")  # fmt: skip
    answer = MessageFactory(conversation=conversation, body="On its way.")
    picture = MediaFactory(vendor=shop, original_name="parcel.png")
    with scopes_disabled():
        Attachment.objects.create(message=answer, vendor=shop, media=picture, name="parcel.png")

    body = client_of("staff").get(f"{CONVERSATIONS}{conversation.pk}/").json()
    assert body["unread"] == 0  # read by the shop, this answer included
    assert [(m["side"], m["author_name"], m["body"]) for m in body["messages"]] == [
        ("customer", "Ada", "Where is it?"), ("vendor", "Shop team", "On its way."),
    ]  # fmt: skip
    (attached,) = body["messages"][1]["attachments"]
    assert attached == {"name": "parcel.png", "url": picture.url, "thumb_url": picture.thumb_url}
    assert rows(Conversation)[0].vendor_unread == 0


def test_the_shop_replies_and_the_customer_hears(
    messaging_on, shop, ada, client_of, django_capture_on_commit_callbacks
):
    conversation = ConversationFactory(
        vendor=shop, customer=ada, platform=messaging_on, customer_language="en"
    )
    picture = MediaFactory(vendor=shop, original_name="label.png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of("manager").post(
            f"{CONVERSATIONS}{conversation.pk}/reply/",
            {"body": " It left today. ", "attachments": [picture.pk]},
            content_type="application/json",
        )
    assert response.status_code == 201
    body = response.json()
    (message,) = rows(Message)
    assert body["id"] == message.pk and body["side"] == "vendor"
    assert body["body"] == "It left today."
    assert body["attachments"][0]["name"] == "label.png"
    assert rows(Conversation)[0].other_unread == 1
    (told,) = rows(Notification, kind="messaging.message")
    assert told.recipient_customer == ada
    assert mail.outbox[0].to == ["ada@example.com"]


def test_the_shop_starts_a_conversation_with_its_customer(
    messaging_on, shop, ada, client_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of("staff").post(
            CONVERSATIONS,
            {"customer": ada.pk, "subject": "Your return", "body": "We received it."},
            content_type="application/json",
        )
    assert response.status_code == 201
    (conversation,) = rows(Conversation)
    body = response.json()
    assert body["id"] == conversation.pk and body["customer"] == ada.pk
    assert [m["body"] for m in body["messages"]] == ["We received it."]
    assert (conversation.kind, conversation.platform, conversation.other_unread) == (
        "customer", messaging_on, 1
    )  # fmt: skip
    assert mail.outbox[0].to == ["ada@example.com"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subject": "S", "body": "B"}, "customer"),
        ({"customer": "x", "subject": "S", "body": "B"}, "customer"),
        ({"customer": "{ada}", "body": "B"}, "subject"),
        ({"customer": "{ada}", "subject": "   ", "body": "B"}, "subject"),
        ({"customer": "{ada}", "subject": "S", "body": ""}, "body"),
        ({"customer": "{ada}", "subject": "S", "body": "x" * 5001}, "body"),
        ({"customer": "{theirs}", "subject": "S", "body": "B"}, "customer"),
        ({"customer": "{ada}", "subject": "S", "body": "B", "attachments": ["{their_picture}"]},
         "attachments"),
        ({"customer": "{ada}", "subject": "S", "body": "B", "attachments": "1"}, "attachments"),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_per_field_and_nothing_is_written(
    shop, other_shop, ada, client_of, data, field
):
    ids = {
        "ada": ada.pk,
        "theirs": CustomerFactory(vendor=other_shop).pk,
        "their_picture": MediaFactory(vendor=other_shop).pk,
    }

    def filled(value):
        if isinstance(value, list):
            return [filled(v) for v in value]
        if isinstance(value, str) and value.startswith("{"):
            return ids[value.strip("{}")]
        return value

    conversation = ConversationFactory(vendor=shop, customer=ada)
    manager = client_of("manager")
    response = manager.post(
        CONVERSATIONS, {k: filled(v) for k, v in data.items()}, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    reply = {k: filled(v) for k, v in data.items() if k in ("body", "attachments")}
    if field in reply:
        answered = manager.post(
            f"{CONVERSATIONS}{conversation.pk}/reply/", reply, content_type="application/json"
        )
        assert answered.status_code == 400 and field in answered.json()
    assert rows(Conversation) == [conversation]
    assert rows(Message) == [] and rows(Notification) == [] and mail.outbox == []


def test_another_shops_conversation_is_not_found(shop, other_shop, client_of):
    theirs = ConversationFactory(vendor=other_shop, vendor_unread=4)
    manager = client_of("manager")
    assert manager.get(f"{CONVERSATIONS}{theirs.pk}/").status_code == 404
    replied = manager.post(
        f"{CONVERSATIONS}{theirs.pk}/reply/", {"body": "Hi"}, content_type="application/json"
    )
    assert replied.status_code == 404
    assert rows(Message) == [] and rows(Conversation)[0].vendor_unread == 4


def test_conversations_need_messaging_view_and_send(shop, ada, client_of):
    conversation = ConversationFactory(vendor=shop, customer=ada)
    viewer = client_of("viewer")
    assert viewer.get(CONVERSATIONS).status_code == 403
    assert viewer.get(f"{CONVERSATIONS}{conversation.pk}/").status_code == 403
    refused = viewer.post(
        f"{CONVERSATIONS}{conversation.pk}/reply/", {"body": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Client(HTTP_HOST=HOST).get(CONVERSATIONS).status_code in (401, 403)
    assert rows(Message) == []


def test_a_token_works_as_a_session_does(shop, ada):
    manager = member(shop, "manager")
    token = Token.objects.create(user=manager)
    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token.key}")
    conversation = ConversationFactory(vendor=shop, customer=ada)
    assert client.get(CONVERSATIONS).json()["count"] == 1
    response = client.post(
        f"{CONVERSATIONS}{conversation.pk}/reply/",
        {"body": "Hello"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert rows(Message)[0].author_user == manager
