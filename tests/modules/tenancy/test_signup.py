"""Vendor sign-up on the platform site and staff approval on the dashboard."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from modules.tenancy.factories import MembershipFactory, VendorFactory, VendorPlatformFactory
from modules.tenancy.models import Company, Invitation, Membership, Vendor, VendorPlatform
from modules.tenancy.signup import register_vendor

pytestmark = pytest.mark.django_db

HOST = "acme.test"
VALID = {
    "company_name": "Acme Trading Ltd",
    "registration_number": "HRB 1234",
    "shop_name": "Acme Shoes",
    "shop_code": "acme-shoes",
    "contact_email": "hello@acme-shoes.example",
    "owner_email": "owner@acme-shoes.example",
}


def counts() -> tuple[int, int, int]:
    with scopes_disabled():
        return Company.objects.count(), Vendor.objects.count(), VendorPlatform.objects.count()


# --- sign-up ------------------------------------------------------------------------------------


def test_signup_page_renders_with_csrf(client, platform):
    response = client.get(reverse("tenancy:signup"), HTTP_HOST=HOST)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert reverse("tenancy:signup") == "/sell/"


def test_signup_creates_pending_company_vendor_and_platform(client, platform):
    response = client.post(reverse("tenancy:signup"), VALID, HTTP_HOST=HOST)
    assert response.status_code == 302
    assert response["Location"] == reverse("tenancy:signup-thanks")
    vendor = Vendor.objects.select_related("company").get(code="acme-shoes")
    assert vendor.status == Vendor.Status.PENDING
    assert vendor.name == "Acme Shoes"
    assert vendor.contact_email == "hello@acme-shoes.example"
    assert vendor.owner_email == "owner@acme-shoes.example"
    assert vendor.company.name == "Acme Trading Ltd"
    assert vendor.company.registration_number == "HRB 1234"
    with scopes_disabled():
        vp = VendorPlatform.objects.get(vendor=vendor)
    assert vp.platform == platform and vp.status == Vendor.Status.PENDING
    thanks = client.get(response["Location"], HTTP_HOST=HOST)
    assert thanks.status_code == 200
    assert "Thank you" in thanks.content.decode()


def test_registration_number_is_optional(client, platform):
    data = {**VALID, "registration_number": ""}
    assert client.post("/sell/", data, HTTP_HOST=HOST).status_code == 302
    assert Company.objects.get().registration_number == ""


def test_signup_lands_on_the_requests_platform(client, platform, other_platform):
    client.post("/sell/", VALID, HTTP_HOST="globex.test")
    with scopes_disabled():
        assert VendorPlatform.objects.get().platform == other_platform


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("company_name", ""),
        ("shop_name", ""),
        ("shop_code", ""),
        ("shop_code", "Not A Slug!"),
        ("shop_code", "9lives"),  # must start with a letter
        ("shop_code", "login"),
        ("shop_code", "invitations"),
        ("shop_code", "accounts"),
        ("shop_code", "API"),
        ("contact_email", ""),
        ("contact_email", "not-an-email"),
        ("owner_email", ""),
        ("owner_email", "nope"),
    ],
)
def test_invalid_signup_shows_the_field_error_and_saves_nothing(client, platform, field, value):
    response = client.post("/sell/", {**VALID, field: value}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert counts() == (0, 0, 0)


def test_duplicate_shop_code_is_a_clear_field_error(client, platform):
    VendorFactory(code="acme-shoes")
    before = counts()
    response = client.post("/sell/", VALID, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["form"].errors["shop_code"] == ["This shop code is already taken."]
    assert "This shop code is already taken." in response.content.decode()
    assert counts() == before


def test_register_vendor_leaves_nothing_half_saved(platform, monkeypatch):
    """A failure after the company and vendor are written rolls all of it back."""

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(VendorPlatform.objects, "create", boom)
    with pytest.raises(RuntimeError):
        register_vendor(platform, VALID)
    assert counts() == (0, 0, 0)


def test_register_vendor_refuses_a_code_taken_concurrently(platform, monkeypatch):
    """The code check passed, then another sign-up took the code: the unique index wins."""
    VendorFactory(code="acme-shoes")
    monkeypatch.setattr("modules.tenancy.signup.code_is_taken", lambda code: False)
    from django.core.exceptions import ValidationError

    before = counts()
    with pytest.raises(ValidationError) as caught:
        register_vendor(platform, VALID)
    assert "shop_code" in caught.value.message_dict
    assert counts() == before


def test_signup_needs_a_platform(client, platform, settings):
    settings.ORION_DEFAULT_PLATFORM = ""
    assert client.get("/sell/", HTTP_HOST="nowhere.test").status_code == 404


# --- staff approval -----------------------------------------------------------------------------


@pytest.fixture
def pending(platform):
    with scopes_disabled():
        registration = register_vendor(platform, VALID)
    return registration.vendor


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_vendor_list_is_staff_only(client, user, pending):
    url = reverse("tenancy:staff-vendors")
    assert url == "/dashboard/vendors/"
    assert client.get(url, HTTP_HOST=HOST).status_code == 302
    client.force_login(user)
    assert client.get(url, HTTP_HOST=HOST).status_code in (302, 403)


def test_non_staff_cannot_approve_or_suspend(client, user, pending):
    client.force_login(user)
    for name in ("tenancy:staff-vendor-approve", "tenancy:staff-vendor-suspend"):
        response = client.post(reverse(name, args=[pending.pk]), HTTP_HOST=HOST)
        assert response.status_code in (302, 403)
    pending.refresh_from_db()
    assert pending.status == Vendor.Status.PENDING
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_vendor_list_shows_the_dashboard_platforms_vendors(
    staff_client, platform, other_platform, pending
):
    VendorFactory(code="globex-shop", name="Globex Shop", platforms=[other_platform])
    body = staff_client.get("/dashboard/vendors/", HTTP_HOST=HOST).content.decode()
    assert "Acme Shoes" in body
    assert "Globex Shop" not in body
    # The dashboard's chosen platform (session) wins over the host's.
    session = staff_client.session
    session["orion_dashboard_platform"] = "globex"
    session.save()
    body = staff_client.get("/dashboard/vendors/", HTTP_HOST=HOST).content.decode()
    assert "Globex Shop" in body
    assert "Acme Shoes" not in body


def test_vendor_list_filters_by_status(staff_client, platform, pending):
    VendorFactory(code="live-shop", name="Live Shop", platforms=[platform])
    pending_only = staff_client.get("/dashboard/vendors/?status=pending", HTTP_HOST=HOST)
    assert [vp.vendor.code for vp in pending_only.context["vendor_platforms"]] == ["acme-shoes"]
    active_only = staff_client.get("/dashboard/vendors/?status=active", HTTP_HOST=HOST)
    assert [vp.vendor.code for vp in active_only.context["vendor_platforms"]] == ["live-shop"]
    everyone = staff_client.get("/dashboard/vendors/?status=bogus", HTTP_HOST=HOST)
    assert len(everyone.context["vendor_platforms"]) == 2


def test_vendor_list_is_paginated(staff_client, platform, django_assert_max_num_queries):
    for index in range(30):
        VendorFactory(code=f"shop{index:02d}", platforms=[platform])
    first = staff_client.get("/dashboard/vendors/", HTTP_HOST=HOST)
    assert first.context["is_paginated"]
    assert len(first.context["vendor_platforms"]) == 25
    second = staff_client.get("/dashboard/vendors/?page=2", HTTP_HOST=HOST)
    assert len(second.context["vendor_platforms"]) == 5


def test_approve_activates_and_invites_the_owner(
    staff_client, staff_user, platform, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("tenancy:staff-vendor-approve", args=[pending.pk]), HTTP_HOST=HOST
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Vendor.Status.ACTIVE
    with scopes_disabled():
        assert VendorPlatform.objects.get(vendor=pending).status == Vendor.Status.ACTIVE
        invitation = Invitation.objects.get(vendor=pending)
    assert invitation.email == "owner@acme-shoes.example"
    assert invitation.role == Membership.Role.OWNER
    assert invitation.invited_by == staff_user
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@acme-shoes.example"]
    assert "http://acme.test/vendor/invitations/" in message.body


def test_approve_again_after_suspension_does_not_invite_twice(
    staff_client, platform, pending, django_capture_on_commit_callbacks
):
    url = reverse("tenancy:staff-vendor-approve", args=[pending.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, HTTP_HOST=HOST)
        staff_client.post(
            reverse("tenancy:staff-vendor-suspend", args=[pending.pk]), HTTP_HOST=HOST
        )
        staff_client.post(url, HTTP_HOST=HOST)
    pending.refresh_from_db()
    assert pending.status == Vendor.Status.ACTIVE
    with scopes_disabled():
        assert Invitation.objects.filter(vendor=pending).count() == 1
    assert len(mail.outbox) == 1


def test_approve_sends_no_invitation_when_the_vendor_has_an_owner(
    staff_client, platform, django_capture_on_commit_callbacks
):
    vendor = VendorFactory(code="owned", status=Vendor.Status.PENDING, owner_email="a@b.example")
    VendorPlatformFactory(vendor=vendor, platform=platform, status=Vendor.Status.PENDING)
    MembershipFactory(vendor=vendor, role=Membership.Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("tenancy:staff-vendor-approve", args=[vendor.pk]), HTTP_HOST=HOST)
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ACTIVE
    assert mail.outbox == []


def test_suspend(staff_client, platform, django_capture_on_commit_callbacks):
    vendor = VendorFactory(code="bad-shop", platforms=[platform])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("tenancy:staff-vendor-suspend", args=[vendor.pk]), HTTP_HOST=HOST
        )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/vendors/"
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.SUSPENDED
    with scopes_disabled():
        assert VendorPlatform.objects.get(vendor=vendor).status == Vendor.Status.SUSPENDED


def test_actions_are_post_only(staff_client, pending):
    url = reverse("tenancy:staff-vendor-approve", args=[pending.pk])
    assert staff_client.get(url, HTTP_HOST=HOST).status_code == 405
    pending.refresh_from_db()
    assert pending.status == Vendor.Status.PENDING


def test_actions_on_another_platforms_vendor_are_404(staff_client, platform, other_platform):
    vendor = VendorFactory(code="elsewhere", status=Vendor.Status.PENDING)
    VendorPlatformFactory(vendor=vendor, platform=other_platform, status=Vendor.Status.PENDING)

    def state():
        with scopes_disabled():
            return (
                Vendor.objects.filter(pk=vendor.pk).values().get(),
                list(VendorPlatform.objects.filter(vendor=vendor).values()),
                list(Invitation.objects.filter(vendor=vendor).values()),
            )

    before = state()
    for action in ("approve", "suspend"):
        url = reverse(f"tenancy:staff-vendor-{action}", args=[vendor.pk])
        assert staff_client.post(url, HTTP_HOST=HOST).status_code == 404, action
    assert state() == before
    assert before[0]["status"] == Vendor.Status.PENDING


def test_action_redirects_back_to_a_safe_next(staff_client, pending):
    url = reverse("tenancy:staff-vendor-suspend", args=[pending.pk])
    back = staff_client.post(url, {"next": "/dashboard/vendors/?status=pending"}, HTTP_HOST=HOST)
    assert back["Location"] == "/dashboard/vendors/?status=pending"
    evil = staff_client.post(url, {"next": "https://evil.example/"}, HTTP_HOST=HOST)
    assert evil["Location"] == "/dashboard/vendors/"
