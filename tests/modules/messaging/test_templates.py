"""E-mail templates: the sandbox, the vendor's own wording per type and language (with the
platform's default where it has none), and the portal's editor with its preview. A template that
cannot be used is a form error and a 400, never a 500, and nothing is saved."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from modules.messaging import providers, registry, rendering
from modules.messaging.factories import EmailTemplateFactory, NotificationProfileFactory
from modules.messaging.models import EmailTemplate, Notification
from modules.messaging.services import notifications
from orion_core.contracts.notifications import Notification as Told
from tests.modules.messaging.conftest import PORTAL, member

pytestmark = pytest.mark.django_db
EDIT = f"{PORTAL}templates/orders.order_placed/?language=en"


# --- the sandbox ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ shop.upper() }}",  # no method
        "{{ lines.__class__.__mro__ }}x",  # no attribute: renders empty, reaches nothing
        "{{ range(10) }}",  # no globals
        "{{ 'x' * 100000 }}",  # no memory bombs
        "{{ 9 ** 999 }}",
        "{{ '{0.__class__}'.format(shop) }}",
    ],
)
def test_the_sandbox_reaches_nothing(source):
    try:
        result = rendering.render(source, {"shop": "Shop A", "lines": []})
    except rendering.TemplateProblem:
        return
    assert result == "x"


def test_only_plain_values_get_in():
    from modules.tenancy.models import Vendor

    values = rendering.plain({"vendor": Vendor(name="Shop A"), "n": 1, "lines": [{"a": 2}]})
    assert values == {"vendor": "Shop A", "n": 1, "lines": [{"a": 2}]}


def test_html_is_escaped_and_cleaned_text_is_not():
    name = {"name": "<script>alert(1)</script>"}
    assert "<script>" not in rendering.render("<p>{{ name }}</p>", name, html=True)
    assert "&lt;script&gt;" in rendering.render("<p>{{ name }}</p>", name, html=True)
    cleaned = rendering.render('<p onclick="x()">Hi</p><script>bad()</script>', {}, html=True)
    assert cleaned == "<p>Hi</p>"
    assert rendering.render("{{ name }}", name) == "<script>alert(1)</script>"  # plain text


def test_check_reports_syntax_and_unknown_names():
    assert rendering.check("{% for l in lines %}{{ l.title }}{% endfor %}", ["lines"]) == []
    assert rendering.check("{{ secret }} {{ shop }}", ["shop"]) == ["secret"]
    with pytest.raises(rendering.TemplateProblem) as problem:
        rendering.check("Hello\n{% if %}", [])
    assert problem.value.lineno == 2


def test_every_default_uses_only_its_documented_variables():
    for ntype in registry.editable_types():
        for source in (str(ntype.subject), str(ntype.body)):
            assert rendering.check(source, ntype.all_variables()) == [], ntype.kind
            rendering.render(source, {**ntype.sample, "shop": "S", "url": "u"})


# --- sending with the vendor's templates ------------------------------------------------------


@pytest.fixture
def orders_on(messaging_on):
    from orion_core.testing import override_module

    with override_module(messaging_on, "orders"):
        yield messaging_on


def test_the_vendors_template_is_used_in_the_recipients_language(
    orders_on, shop, django_capture_on_commit_callbacks
):
    french = member(shop, "owner")
    NotificationProfileFactory(user=french, language="fr")
    english = member(shop, "manager")
    EmailTemplateFactory(
        vendor=shop, language="fr", subject="Commande {{ number }} chez {{ shop }}",
        body="Total : {{ total }} {{ currency }} — {{ url }}",
    )  # fmt: skip
    from orion_core.domain_events import order_placed

    with django_capture_on_commit_callbacks(execute=True):
        order_placed.send_on_commit(
            "orders", platform_id=orders_on.pk, vendor_id=shop.pk, order_id=3, number="ORD-3",
            total="5.00", currency="EUR", email="a@example.com", customer_id=None,
        )  # fmt: skip
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent[french.email].subject == "Commande ORD-3 chez Shop A"
    assert sent[french.email].body == "Total : 5.00 EUR — http://acme.test/vendor/shop-a/orders/3/"
    assert sent[english.email].subject == "New order ORD-3"  # no English template: the default
    with scopes_disabled():
        assert Notification.objects.get(recipient_user=french).title == sent[french.email].subject


def test_the_vendors_template_replaces_the_senders_text(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    EmailTemplateFactory(
        vendor=shop, kind="orders.confirmation", language="en",
        subject="Thanks, {{ name }}!", body="{% for line in lines %}{{ line.title }};{% endfor %}",
        html_body="<p>Hi {{ name }}</p>",
    )  # fmt: skip
    told = Told(
        kind="orders.confirmation", to=("ada@example.com",), subject="Your order",
        body="Thank you.", vendor_id=shop.pk, platform_id=messaging_on.pk,
        context={"name": "<Ada>", "lines": [{"title": "Tee"}, {"title": "Mug"}], "language": "en"},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert providers.notifications_provider.notify(told)
    (sent,) = mail.outbox
    assert (sent.subject, sent.body) == ("Thanks, <Ada>!", "Tee;Mug;")
    assert sent.alternatives[0][0] == "<p>Hi &lt;Ada&gt;</p>"


def test_without_a_template_in_that_language_the_senders_text_is_sent(
    messaging_on, shop, django_capture_on_commit_callbacks
):
    EmailTemplateFactory(vendor=shop, kind="orders.confirmation", language="de", subject="X")
    told = Told(
        kind="orders.confirmation", to=("ada@example.com",), subject="Votre commande",
        body="Merci.", vendor_id=shop.pk, platform_id=messaging_on.pk, context={"language": "fr"},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        providers.notifications_provider.notify(told)
    assert mail.outbox[0].subject == "Votre commande"


def test_a_template_that_fails_when_sending_falls_back_to_the_default(
    orders_on, shop, django_capture_on_commit_callbacks, caplog
):
    owner = member(shop, "owner")
    with scopes_disabled():  # saved before a rule existed, say: bypass the checks
        EmailTemplate.objects.create(
            vendor=shop, kind="orders.order_placed", language="en", subject="{{ 1 / 0 }}", body="x"
        )
    values = {"number": "ORD-9", "order_id": 9, "total": "1", "currency": "EUR", "email": "e"}
    with django_capture_on_commit_callbacks(execute=True):
        notifications.tell_team(
            registry.ORDER_PLACED, platform_id=orders_on.pk, vendor_id=shop.pk, context=values
        )
    assert mail.outbox[0].to == [owner.email]
    assert mail.outbox[0].subject == "New order ORD-9"
    assert "failed" in caplog.text


# --- the portal's editor ----------------------------------------------------------------------


def test_the_list_shows_every_type_and_language(shop, client_of):
    page = client_of("manager").get(f"{PORTAL}templates/").content.decode()
    for ntype in registry.editable_types():
        assert str(ntype.label) in page
    assert f"{PORTAL}templates/orders.confirmation/?language=fr" in page
    assert client_of("viewer").get(f"{PORTAL}templates/").status_code == 403


def test_the_editor_starts_from_the_default_and_lists_the_variables(shop, client_of):
    page = client_of("manager").get(EDIT)
    assert page.status_code == 200
    assert page.context["form"].initial["subject"] == "New order {{ number }}"
    assert not page.context["custom"]
    html = page.content.decode()
    assert "<code>number</code>" in html and "<code>shop</code>" in html


def test_preview_renders_the_sample_and_saves_nothing(shop, client_of):
    body = {
        "action": "preview",
        "subject": "Order {{ number }} at {{ shop }}",
        "body": "{{ email }}",
        "html_body": "<b>{{ total }}</b><script>x()</script>",
    }
    response = client_of("manager").post(EDIT, body)
    assert response.status_code == 200
    shown = response.context["preview"]
    assert shown.subject == "Order ORD-000042 at Shop A"
    assert shown.body == "ada@example.com"
    assert shown.html == "<b>59.90</b>"
    assert "<b>59.90</b>" in response.content.decode()
    with scopes_disabled():
        assert not EmailTemplate.objects.filter(vendor=shop).exists()


@pytest.mark.parametrize(
    ("field", "source", "error"),
    [
        ("subject", "Order {{ number", "Line 1"),
        ("body", "{% for x in lines %}", "Line 1"),
        ("body", "{{ password }}", "Unknown variable: password."),
        ("body", "{{ shop.upper() }}", "cannot be used"),
        ("html_body", "{% if %}", "Line 1"),
    ],
)
def test_a_template_that_cannot_be_used_is_refused_at_its_field(
    shop, client_of, field, source, error
):
    body = {"subject": "Order", "body": "Hi", "html_body": "", field: source}
    manager = client_of("manager")
    for action in ("save", "preview"):
        response = manager.post(EDIT, {**body, "action": action})
        assert response.status_code == 400
        assert error in " ".join(response.context["form"].errors[field])
    with scopes_disabled():
        assert not EmailTemplate.objects.filter(vendor=shop).exists()


def test_save_and_reset(shop, other_shop, client_of):
    manager = client_of("manager")
    EmailTemplateFactory(vendor=other_shop, subject="Theirs")
    response = manager.post(
        EDIT, {"action": "save", "subject": "Order {{ number }}", "body": "{{ total }}"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        mine = EmailTemplate.objects.get(vendor=shop)
    assert (mine.kind, mine.language, mine.subject) == (
        "orders.order_placed",
        "en",
        "Order {{ number }}",
    )
    assert mine.updated_by == manager.user
    assert manager.get(EDIT).context["custom"]
    reset = manager.post(EDIT, {"action": "reset"})
    assert reset.status_code == 302 and reset["Location"] == EDIT
    with scopes_disabled():
        assert not EmailTemplate.objects.filter(vendor=shop).exists()
        assert EmailTemplate.objects.filter(vendor=other_shop).exists()


def test_who_may_edit(shop, client_of):
    body = {"action": "save", "subject": "S", "body": "B"}
    assert client_of("viewer").get(EDIT).status_code == 403
    assert client_of("viewer").post(EDIT, body).status_code == 403
    assert client_of("staff").post(EDIT, body).status_code == 302


def test_unknown_types_and_languages_are_not_found(shop, client_of):
    manager = client_of("manager")
    assert manager.get(f"{PORTAL}templates/nope/?language=en").status_code == 404
    assert manager.get(f"{PORTAL}templates/orders.order_placed/?language=xx").status_code == 404
    assert manager.post(f"{PORTAL}templates/giftcards.x/", {"subject": "s"}).status_code == 404
    # Without a language: the page's.
    french = manager.get(f"{PORTAL}templates/orders.order_placed/", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200 and french.context["language"] == "fr"
