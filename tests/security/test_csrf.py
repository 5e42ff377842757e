"""CSRF: every POST form in a template carries the token, and the middleware refuses a POST
without it (here on a vendor portal form)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_scopes import scopes_disabled

from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Invitation, Membership
from tests.security.conftest import HOST

ROOT = Path(settings.BASE_DIR)
FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
POST = re.compile(r"""\smethod\s*=\s*["']?post""", re.IGNORECASE)


def post_forms_without_token(text: str) -> int:
    return sum(
        1
        for form in FORM.finditer(text)
        if POST.search(form.group(0).split(">", 1)[0]) and "{% csrf_token %}" not in form.group(1)
    )


def test_every_post_form_has_the_csrf_token():
    files = sorted(
        path
        for folder in [ROOT / "templates", *ROOT.glob("modules/*/templates")]
        for path in folder.rglob("*.html")
    )
    forms = sum(len(POST.findall(path.read_text())) for path in files)
    assert forms > 10  # the walk found the project's forms
    missing = [str(p.relative_to(ROOT)) for p in files if post_forms_without_token(p.read_text())]
    assert missing == []


def test_the_form_check_sees_a_missing_token():
    assert post_forms_without_token('<form method="post"><button></button></form>') == 1
    assert post_forms_without_token("<form method='POST' action='/x'>{% csrf_token %}</form>") == 0
    assert post_forms_without_token('<form method="get"><input name="q"></form>') == 0


@pytest.mark.django_db
def test_a_vendor_portal_post_without_the_token_is_refused(platform):
    vendor = VendorFactory(code="shop-a", platforms=[platform])
    owner = MembershipFactory(vendor=vendor, role=Membership.Role.OWNER).user
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    client.force_login(owner)
    url = f"/vendor/{vendor.code}/team/invite/"
    data = {"email": "new@example.com", "role": Membership.Role.STAFF}
    assert client.post(url, data).status_code == 403
    assert not invitations(vendor)
    # The same post with the token of the team page (where the form is) goes through.
    page = client.get(f"/vendor/{vendor.code}/team/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert invitations(vendor) == ["new@example.com"]


def invitations(vendor) -> list[str]:
    with scopes_disabled():
        return list(Invitation.objects.filter(vendor=vendor).values_list("email", flat=True))
