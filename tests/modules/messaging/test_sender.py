"""Per-vendor sender settings: the name a shop's e-mails come from and where replies go; the
address stays the platform's."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from modules.messaging import registry
from modules.messaging.factories import SenderSettingsFactory
from modules.messaging.models import SenderSettings
from modules.messaging.services import notifications, senders
from orion_core.testing import override_module
from tests.modules.messaging.conftest import PORTAL, member

pytestmark = pytest.mark.django_db
PAGE = f"{PORTAL}sender/"


def tell(platform, shop, django_capture_on_commit_callbacks):
    member(shop, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.tell_team(
            registry.NEW_MESSAGE, platform_id=platform.pk, vendor_id=shop.pk,
            context={"subject": "Hi", "author": "Ada", "excerpt": "Hello"},
        )  # fmt: skip
    return mail.outbox[-1]


def test_by_default_the_shops_name_and_contact_address(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    sent = tell(messaging_on, shop, django_capture_on_commit_callbacks)
    assert sent.from_email == "Shop A <noreply@example.com>"
    assert sent.reply_to == ["hello@shop-a.example.com"]


def test_the_vendors_name_and_reply_to_on_the_platforms_address(
    platform, shop, django_capture_on_commit_callbacks
):
    SenderSettingsFactory(vendor=shop, from_name="Team A", reply_to="care@shop-a.example")
    config = {"sender_email": "shops@acme.example", "sender_name": "Acme"}
    with override_module(platform, "messaging", config=config):
        sent = tell(platform, shop, django_capture_on_commit_callbacks)
        assert senders.sender_for(platform.pk, None).from_email == "Acme <shops@acme.example>"
    assert sent.from_email == "Team A <shops@acme.example>"
    assert sent.reply_to == ["care@shop-a.example"]


def test_the_page_saves_the_settings(shop, client_of):
    manager = client_of("manager")
    page = manager.get(PAGE)
    assert page.status_code == 200
    assert "Shop A &lt;noreply@example.com&gt;" in page.content.decode()
    response = manager.post(PAGE, {"from_name": "  Team A ", "reply_to": "care@shop-a.example"})
    assert response.status_code == 302
    with scopes_disabled():
        saved = SenderSettings.objects.get(vendor=shop)
    assert (saved.from_name, saved.reply_to) == ("Team A", "care@shop-a.example")
    assert manager.post(PAGE, {"from_name": "Team B", "reply_to": ""}).status_code == 302
    with scopes_disabled():
        assert SenderSettings.objects.get(vendor=shop).from_name == "Team B"
        assert SenderSettings.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from_name": "A", "reply_to": "not an address"}, "reply_to"),
        ({"from_name": "A\r\nBcc: victim@example.com", "reply_to": ""}, "from_name"),
        ({"from_name": "x" * 101, "reply_to": ""}, "from_name"),
    ],
)
def test_bad_settings_are_a_400_and_nothing_is_saved(shop, client_of, body, field):
    response = client_of("manager").post(PAGE, body)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    with scopes_disabled():
        assert not SenderSettings.objects.exists()


def test_who_may_change_them(shop, other_shop, client_of):
    SenderSettingsFactory(vendor=other_shop, from_name="Theirs")
    assert client_of("viewer").get(PAGE).status_code == 403
    assert client_of("viewer").post(PAGE, {"from_name": "x"}).status_code == 403
    staff_member = client_of("staff")
    assert "Theirs" not in staff_member.get(PAGE).content.decode()
    assert staff_member.post(PAGE, {"from_name": "Ours", "reply_to": ""}).status_code == 302
    with scopes_disabled():
        assert SenderSettings.objects.get(vendor=other_shop).from_name == "Theirs"
