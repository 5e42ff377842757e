"""What other modules tell without importing messaging: billing's invoices and trials and
tenancy's invitation through the notifications contract, marketplace's finished imports through
the ``import_finished`` event. Tasks run eagerly (no broker): a queued e-mail is sent when the
test's transaction "commits" (``django_capture_on_commit_callbacks``)."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from modules.messaging import registry
from modules.messaging.factories import (
    EmailTemplateFactory,
    NotificationPreferenceFactory,
    NotificationProfileFactory,
)
from modules.messaging.models import Delivery, Notification
from modules.messaging.services import common, notifications, templates
from modules.tenancy import services as team
from modules.tenancy.models import Membership
from orion_core import state
from orion_core.contracts import provider_for
from orion_core.contracts.notifications import NOTIFICATIONS
from orion_core.contracts.notifications import Notification as Told
from orion_core.domain_events import import_finished
from orion_core.testing import override_module
from tests.modules.messaging.conftest import PORTAL, logged_in, member

pytestmark = pytest.mark.django_db


def rows(model, **filters):
    with scopes_disabled():
        return list(model.objects.filter(**filters).order_by("pk"))


def tell(told: Told) -> bool:
    """As a sender does: the provider of the contract on the notification's platform."""
    enabled = state.state_for_platform(told.platform_id).enabled
    return provider_for(NOTIFICATIONS, enabled).notify(told)


def invoice_due(shop, platform, *to, **context) -> Told:
    values = {"number": "INV-7", "total": "49.00", "currency": "EUR", "due_date": "1 March 2026",
              "overdue": False, "days_overdue": 0, "cancel_date": "", "invoice_id": 7}  # fmt: skip
    return Told(
        kind="billing.invoice_due",
        to=to,
        subject="Invoice INV-7",
        body="Please pay invoice INV-7.",
        vendor_id=shop.pk,
        platform_id=platform.pk,
        context=values | context,
    )


# --- billing ----------------------------------------------------------------------------------


def test_an_invoice_due_reaches_the_owner_in_the_app_and_by_email_in_their_language(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    owner = member(shop, "owner", email="owner@shop-a.example")
    NotificationProfileFactory(user=owner, language="fr")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tell(invoice_due(shop, messaging_on, "owner@shop-a.example"))

    (note,) = rows(Notification)
    assert (note.kind, note.recipient_user, note.in_app, note.language) == (
        "billing.invoice_due", owner, True, "fr"
    )  # fmt: skip
    # Not the sender's English text: the type's default, in French.
    assert note.title == "Facture INV-7 de Acme"
    assert "La facture INV-7 de 49.00 EUR pour Shop A est à payer le 1 March 2026." in note.body
    path = common.path_for("billing:vendor-invoice", vendor_code=shop.code, pk=7)
    assert note.url == path
    assert notifications.unread_count(owner, shop.pk) == 1
    (queued,) = rows(Delivery)
    assert (queued.status, queued.to_email, queued.subject) == (
        Delivery.Status.QUEUED, "owner@shop-a.example", "Facture INV-7 de Acme"
    )  # fmt: skip
    # The invoice's page once billing has it (no link before: messaging names it, only).
    link = common.absolute(messaging_on.pk, path)
    assert queued.body.endswith(f"Voir et payer la facture : {link}")

    for callback in callbacks:
        callback()
    (sent,) = mail.outbox
    assert sent.subject == "Facture INV-7 de Acme"
    assert rows(Delivery)[0].status == Delivery.Status.SENT


def test_a_dunning_reminder_says_when_the_subscription_ends_and_cannot_be_switched_off(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    owner = member(shop, "owner", email="owner@shop-a.example")
    NotificationProfileFactory(user=owner, language="de")
    for channel in ("in_app", "email"):  # stored before the type was compulsory, say
        NotificationPreferenceFactory(
            user=owner, kind="billing.invoice_due", channel=channel, enabled=False
        )
    reminder = invoice_due(
        shop, messaging_on, "owner@shop-a.example",
        overdue=True, days_overdue=8, cancel_date="20 March 2026",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(reminder)
    (note,) = rows(Notification)
    assert note.in_app and note.title == "Überfällig: Rechnung INV-7 von Acme"
    assert "20 March 2026" in note.body
    assert mail.outbox[0].subject == "Überfällig: Rechnung INV-7 von Acme"
    # Nobody is offered to switch it off.
    assert "billing.invoice_due" not in {t.kind for t in registry.user_types()}
    page = logged_in(owner).get(f"{PORTAL}preferences/").content.decode()
    assert "billing.invoice_due" not in page and "billing.trial_ending:email" in page


def test_the_team_member_in_the_senders_language_gets_the_senders_text(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    member(shop, "manager", email="boss@shop-a.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(invoice_due(shop, messaging_on, "boss@shop-a.example"))
    assert (mail.outbox[0].subject, mail.outbox[0].body) == (
        "Invoice INV-7", "Please pay invoice INV-7."
    )  # fmt: skip


def test_the_vendors_own_invoice_template_is_used(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    member(shop, "owner", email="owner@shop-a.example")
    EmailTemplateFactory(
        vendor=shop, kind="billing.invoice_due", language="en",
        subject="{{ platform }} bills {{ total }} {{ currency }} ({{ number }})",
        body="Due {{ due_date }}{% if cancel_date %}, cancelled {{ cancel_date }}{% endif %}.",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(invoice_due(shop, messaging_on, "owner@shop-a.example", cancel_date="9 May"))
    (sent,) = mail.outbox
    assert (sent.subject, sent.body) == ("Acme bills 49.00 EUR (INV-7)", "Due 1 March 2026, "
                                         "cancelled 9 May.")  # fmt: skip
    assert rows(Notification)[0].title == sent.subject


def test_a_trial_ending_leads_to_the_billing_page(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    member(shop, "owner", email="owner@shop-a.example")
    told = Told(
        kind="billing.trial_ending", to=("owner@shop-a.example",), subject="", body="",
        vendor_id=shop.pk, platform_id=messaging_on.pk, context=registry.TRIAL_ENDING.sample,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(told)
    (note,) = rows(Notification)
    assert note.title == "Your trial of Growth ends on 15 March 2026"
    assert "the plan costs 49.00 EUR (monthly)" in note.body
    assert note.url == f"/vendor/{shop.code}/billing/"


def test_with_messaging_off_billing_mails_its_own_text_at_once(
    platform, shop, django_capture_on_commit_callbacks
):
    with override_module(platform, "messaging", enabled=False):
        assert tell(invoice_due(shop, platform, "owner@shop-a.example"))
    assert (mail.outbox[0].subject, mail.outbox[0].to) == (
        "Invoice INV-7",
        ["owner@shop-a.example"],
    )
    assert rows(Notification) == []


@pytest.mark.parametrize("kind", ["billing.invoice_due", "billing.trial_ending",
                                  "tenancy.invitation", "marketplace.import_finished"])  # fmt: skip
def test_the_editor_previews_each_new_type_with_its_sample(messaging_on, shop, client_of, kind):
    ntype = registry.get(kind)
    shown = templates.preview(
        shop.pk, ntype, "en", {"subject": str(ntype.subject), "body": str(ntype.body)},
        messaging_on.pk,
    )  # fmt: skip
    assert shown.subject and shown.body
    page = client_of("manager").get(f"{PORTAL}templates/{kind}/")
    assert page.status_code == 200


# --- tenancy: the invitation ------------------------------------------------------------------


def test_with_messaging_on_the_invitation_is_worded_by_the_vendor_and_logged(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    inviter = member(shop, "owner", first_name="Olivia", last_name="Owner")
    EmailTemplateFactory(
        vendor=shop, kind="tenancy.invitation", language="en",
        subject="{{ inviter }} wants you at {{ shop }}",
        body="Join as {{ role }}: {{ accept_url }} (until {{ expires }})",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        invitation = team.invite(
            shop, email="new@example.com", role=Membership.Role.MANAGER, invited_by=inviter,
            link_base="http://acme.test/", platform=messaging_on,
        )  # fmt: skip
    (logged,) = rows(Delivery, kind="tenancy.invitation")
    assert logged.to_email == "new@example.com" and logged.status == Delivery.Status.SENT
    assert logged.subject == "Olivia Owner wants you at Shop A"
    link = f"http://acme.test/vendor/invitations/{team.make_token(invitation)}/"
    assert logged.body.startswith(f"Join as manager: {link} (until ")
    (note,) = rows(Notification, kind="tenancy.invitation")
    assert note.recipient_user is None and not note.in_app and note.email == "new@example.com"
    (sent,) = mail.outbox
    assert sent.subject == logged.subject and sent.from_email == "Shop A <noreply@example.com>"


def test_with_messaging_on_and_no_template_the_invitation_reads_as_before(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    inviter = member(shop, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        team.invite(
            shop,
            email="new@example.com",
            role=Membership.Role.STAFF,
            invited_by=inviter,
            link_base="http://acme.test/",
            platform=messaging_on,
        )
    (sent,) = mail.outbox
    assert sent.subject == "You are invited to join Shop A on Orion"
    assert "http://acme.test/vendor/invitations/" in sent.body
    assert 'href="http://acme.test/vendor/invitations/' in sent.alternatives[0][0]
    assert rows(Delivery)[0].kind == "tenancy.invitation"


# --- marketplace: a finished import -----------------------------------------------------------


@pytest.fixture
def marketplace_on(messaging_on):
    with override_module(messaging_on, "marketplace"):
        yield messaging_on


def finish(platform, vendor, **payload):
    values = {"job_id": 12, "source": "products.csv", "created": 40, "updated": 3, "errors": 2,
              "status": "completed"} | payload  # fmt: skip
    import_finished.send_on_commit(
        "marketplace", platform_id=platform.pk, vendor_id=vendor.pk, **values
    )


def test_a_finished_import_tells_the_team_members_who_see_the_marketplace(
    marketplace_on, shop, other_shop, django_capture_on_commit_callbacks
):
    team_members = [member(shop, role) for role in ("owner", "manager", "staff", "viewer")]
    removed = member(shop, "manager")
    with scopes_disabled():
        Membership.objects.filter(user=removed).update(status=Membership.Status.REMOVED)
    member(other_shop, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        finish(marketplace_on, shop)
    told = rows(Notification, kind="marketplace.import_finished")
    assert sorted(n.recipient_user_id for n in told) == sorted(u.pk for u in team_members)
    assert told[0].title == "Import finished: products.csv"
    assert "Created: 40\nUpdated: 3\nErrors: 2" in told[0].body
    assert all(n.in_app for n in told) and len(mail.outbox) == 4


def test_a_failed_import_says_so(marketplace_on, shop, django_capture_on_commit_callbacks):
    member(shop, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        finish(marketplace_on, shop, status="failed", created=0, updated=0, errors=40)
    assert rows(Notification)[0].title == "Import failed: products.csv"


def test_no_import_is_told_where_the_marketplace_is_off(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    member(shop, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        finish(messaging_on, shop)  # nobody holds marketplace.view here
    assert rows(Notification) == [] and mail.outbox == []


def test_no_import_is_told_where_messaging_is_off(
    marketplace_on, shop, django_capture_on_commit_callbacks
):
    member(shop, "owner")
    with (
        override_module(marketplace_on, "messaging", enabled=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        finish(marketplace_on, shop)
    assert rows(Notification) == [] and mail.outbox == []


def test_the_event_carries_exactly_its_payload(messaging_on, shop):
    with pytest.raises(TypeError, match="import_finished"):
        import_finished.send_on_commit(
            "marketplace", platform_id=messaging_on.pk, vendor_id=shop.pk, job_id=1
        )
