"""Conversations: a customer and the shop on the storefront and the portal, the shop and the
platform's staff on the portal and the dashboard; unread counts; pictures of the shop's media
library; each new message told to the other side (in the app and by e-mail)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from modules.cms.factories import MediaFactory
from modules.customers.factories import CUSTOMER_PASSWORD, CustomerFactory
from modules.messaging.factories import ConversationFactory, MessageFactory
from modules.messaging.models import Attachment, Conversation, Message, Notification
from modules.messaging.services import conversations
from orion_core.testing import StaffUserFactory
from tests.modules.messaging.conftest import HOST, PORTAL, logged_in, member

pytestmark = pytest.mark.django_db
SHOP = "/shop/shop-a/messaging/"
DASHBOARD = "/dashboard/messaging/conversations/"


def rows(model, **filters):
    with scopes_disabled():
        return list(model.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def ada(shop):
    return CustomerFactory(vendor=shop, email="ada@example.com", first_name="Ada", last_name="")


@pytest.fixture
def shopper(ada):
    client = Client(HTTP_HOST=HOST)
    response = client.post(
        "/shop/shop-a/account/login/", {"email": ada.email, "password": CUSTOMER_PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def team(shop):
    return {role: member(shop, role) for role in ("owner", "manager", "staff", "viewer")}


def test_a_customer_writes_to_the_shop_and_its_team_hears(
    shop, ada, shopper, team, django_capture_on_commit_callbacks
):
    assert "/shop/shop-a/messaging/" in shopper.get("/shop/shop-a/account/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = shopper.post(
            SHOP,
            {"subject": " Where is  my parcel? ", "body": "I ordered last week."},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    (conversation,) = rows(Conversation)
    assert response.status_code == 302
    assert response["Location"] == f"{SHOP}{conversation.pk}/"
    assert (conversation.kind, conversation.customer, conversation.subject) == (
        "customer", ada, "Where is my parcel?"
    )  # fmt: skip
    assert (conversation.vendor_unread, conversation.other_unread) == (1, 0)
    assert conversation.customer_language == "fr"
    (message,) = rows(Message)
    assert (message.side, message.author_customer, message.author_name) == ("customer", ada, "Ada")
    # messaging.view: the owner, managers and staff; not viewers.
    told = rows(Notification, kind="messaging.message")
    expected = {team[r].pk for r in ("owner", "manager", "staff")}
    assert {n.recipient_user_id for n in told} == expected
    assert told[0].url == f"{PORTAL}conversations/{conversation.pk}/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(team[r].email for r in ("owner",
                                                          "manager", "staff"))  # fmt: skip
    assert "I ordered last week." in mail.outbox[0].body


def test_the_shop_answers_with_pictures_and_the_customer_hears(
    platform, shop, other_shop, ada, shopper, client_of, django_capture_on_commit_callbacks
):
    conversation = ConversationFactory(
        vendor=shop, customer=ada, vendor_unread=2, platform=platform, customer_language="en"
    )
    picture = MediaFactory(vendor=shop, original_name="parcel.png")
    theirs = MediaFactory(vendor=other_shop)
    manager = client_of("manager")
    thread = f"{PORTAL}conversations/{conversation.pk}/"

    page = manager.get(thread)
    assert page.status_code == 200
    assert "parcel.png" in page.content.decode()  # the library, to choose from
    assert rows(Conversation)[0].vendor_unread == 0  # read by the shop

    refused = manager.post(thread, {"body": "Here", "attachments": [picture.pk, theirs.pk]})
    assert refused.status_code == 400
    assert "attachments" in refused.context["form"].errors
    assert rows(Message) == [] and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(thread, {"body": "It left today.", "attachments": [picture.pk]})
    assert response.status_code == 302
    (attachment,) = rows(Attachment)
    assert (attachment.media_id, attachment.name) == (picture.pk, "parcel.png")
    assert rows(Conversation)[0].other_unread == 1
    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"]
    assert f"http://acme.test{SHOP}{conversation.pk}/" in sent.body

    shown = shopper.get(f"{SHOP}{conversation.pk}/")
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "It left today." in html and picture.thumb_url in html
    assert rows(Conversation)[0].other_unread == 0  # read by the customer


def test_a_picture_removed_from_the_library_stays_named(shop, ada, shopper):
    conversation = ConversationFactory(vendor=shop, customer=ada)
    picture = MediaFactory(vendor=shop, original_name="gone.png")
    message = MessageFactory(conversation=conversation)
    with scopes_disabled():
        Attachment.objects.create(message=message, vendor=shop, media=picture, name="gone.png")
        picture.delete()
    html = shopper.get(f"{SHOP}{conversation.pk}/").content.decode()
    assert "gone.png" in html and "removed" in html


def test_customers_see_only_their_own_conversations(shop, other_shop, ada, shopper):
    bob = CustomerFactory(vendor=shop)
    theirs = ConversationFactory(vendor=shop, customer=bob, subject="Bob's")
    elsewhere = ConversationFactory(vendor=other_shop, subject="Other shop")
    mine = ConversationFactory(vendor=shop, customer=ada, subject="Mine")
    listing = shopper.get(SHOP).content.decode()
    assert "Mine" in listing and "Bob's" not in listing and "Other shop" not in listing
    for conversation in (theirs, elsewhere):
        assert shopper.get(f"{SHOP}{conversation.pk}/").status_code == 404
        assert shopper.post(f"{SHOP}{conversation.pk}/", {"body": "x"}).status_code == 404
    assert shopper.get(f"{SHOP}{mine.pk}/").status_code == 200
    anonymous = Client(HTTP_HOST=HOST)
    assert "/account/login/" in anonymous.get(f"{SHOP}{mine.pk}/")["Location"]
    assert "/account/login/" in anonymous.post(SHOP, {"subject": "s", "body": "b"})["Location"]
    assert rows(Message) == []


def test_bad_messages_are_a_400_and_nothing_is_written(shop, ada, shopper, client_of):
    assert shopper.post(SHOP, {"subject": "", "body": "Hi"}).status_code == 400
    assert shopper.post(SHOP, {"subject": "Hi", "body": "   "}).status_code == 400
    assert shopper.post(SHOP, {"subject": "Hi", "body": "x" * 5001}).status_code == 400
    conversation = ConversationFactory(vendor=shop, customer=ada)
    assert shopper.post(f"{SHOP}{conversation.pk}/", {"body": ""}).status_code == 400
    manager = client_of("manager")
    response = manager.post(f"{PORTAL}conversations/", {"recipient": "nobody@example.com",
                                                        "subject": "S", "body": "B"})  # fmt: skip
    assert response.status_code == 400
    assert "recipient" in response.context["form"].errors
    assert rows(Message) == [] and len(rows(Conversation)) == 1


def test_the_shop_starts_a_conversation_with_a_customer(
    shop, ada, client_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of("staff").post(
            f"{PORTAL}conversations/",
            {"recipient": "ADA@example.com", "subject": "Your return", "body": "Received."},
        )
    (conversation,) = rows(Conversation)
    assert response["Location"] == f"{PORTAL}conversations/{conversation.pk}/"
    assert conversation.customer == ada and conversation.other_unread == 1
    assert mail.outbox[0].to == ["ada@example.com"]


def test_conversations_need_messaging_view_and_send(shop, ada, client_of):
    conversation = ConversationFactory(vendor=shop, customer=ada)
    viewer = client_of("viewer")
    assert viewer.get(f"{PORTAL}conversations/").status_code == 403
    assert viewer.get(f"{PORTAL}conversations/{conversation.pk}/").status_code == 403
    assert (
        viewer.post(f"{PORTAL}conversations/{conversation.pk}/", {"body": "x"}).status_code == 403
    )


def test_the_shop_sees_its_own_conversations_with_unread_counts(shop, other_shop, ada, client_of):
    ConversationFactory(vendor=shop, customer=ada, subject="Ours", vendor_unread=3)
    theirs = ConversationFactory(vendor=other_shop, subject="Theirs")
    manager = client_of("manager")
    page = manager.get(f"{PORTAL}conversations/").content.decode()
    assert "Ours" in page and '<span class="badge">3</span>' in page and "Theirs" not in page
    assert manager.get(f"{PORTAL}conversations/{theirs.pk}/").status_code == 404
    assert manager.post(f"{PORTAL}conversations/{theirs.pk}/", {"body": "x"}).status_code == 404
    assert conversations.unread_threads(shop.pk) == 1


def test_the_shop_and_the_platforms_staff(
    platform, shop, client_of, django_capture_on_commit_callbacks
):
    first, second = StaffUserFactory(), StaffUserFactory()
    manager = client_of("manager")
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            f"{PORTAL}conversations/",
            {"recipient": "staff", "subject": "Payout", "body": "When is the payout?"},
        )
    (conversation,) = rows(Conversation)
    assert conversation.kind == "staff" and conversation.platform == platform
    told = {n.recipient_user_id for n in rows(Notification)}
    assert told == {first.pk, second.pk}  # nobody answered yet: every staff user
    assert rows(Notification)[0].url == f"{DASHBOARD}{conversation.pk}/"

    staff = logged_in(first)
    assert "Payout" in staff.get(DASHBOARD).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{DASHBOARD}{conversation.pk}/", {"body": "On Friday."})
    assert response.status_code == 302
    assert manager.user.email in [m.to[0] for m in mail.outbox]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(f"{PORTAL}conversations/{conversation.pk}/", {"body": "Thanks!"})
    assert [m.to[0] for m in mail.outbox] == [first.email]  # who answered
    assert staff.post(f"{DASHBOARD}{conversation.pk}/", {"body": ""}).status_code == 400


def test_staff_see_only_staff_conversations_of_the_platform(
    platform, other_platform, shop, ada, staff
):
    here = ConversationFactory(
        vendor=shop, kind="staff", customer=None, platform=platform, subject="Here"
    )
    ConversationFactory(vendor=shop, kind="staff", customer=None, platform=other_platform,
                        subject="Elsewhere")  # fmt: skip
    with_customer = ConversationFactory(vendor=shop, customer=ada, platform=platform)
    page = staff.get(DASHBOARD).content.decode()
    assert "Here" in page and "Elsewhere" not in page
    assert staff.get(f"{DASHBOARD}{here.pk}/").status_code == 200
    assert staff.get(f"{DASHBOARD}{with_customer.pk}/").status_code == 404


def test_a_side_writes_only_in_its_own_threads(shop, ada):
    conversation = ConversationFactory(vendor=shop, customer=ada)
    with pytest.raises(ValueError, match="cannot write"):
        conversations.write(conversation, conversations.Author("staff"), "Hi")
    bob = CustomerFactory(vendor=shop)
    with pytest.raises(ValueError, match="conversation's customer"):
        conversations.write(conversation, conversations.Author("customer", customer=bob), "Hi")
