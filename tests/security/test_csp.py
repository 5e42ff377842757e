"""The Content Security Policy: on the HTML of every frontend, and templates that satisfy it.

The browser test (tests/browser/test_csp.py) shows the pages really render under the policy; the
checks here are fast and say which file broke the rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from modules.tenancy.factories import VendorFactory
from orion_core.testing import StaffUserFactory
from tests.security.conftest import HOST

ROOT = Path(settings.BASE_DIR)
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def staff_client(platform) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


@pytest.fixture
def vendor(platform):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[platform])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("anonymous", "/"),  # platform landing (cms)
        ("anonymous", "/accounts/login/"),  # platform login (tenancy)
        ("anonymous", "/shop/shop-a/"),  # storefront
        ("anonymous", "/shop/shop-a/account/signup/"),
        ("anonymous", "/api/docs/"),  # Swagger UI
        ("staff", "/dashboard/"),  # staff dashboard
        ("staff", "/dashboard/modules/"),
        ("staff", "/vendor/shop-a/"),  # vendor portal
        ("staff", "/admin/"),  # Django admin
    ],
)
def test_every_frontend_sends_the_policy(who, path, web, staff_client, vendor):
    client = staff_client if who == "staff" else web
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert policy_of(response) == EXPECTED_POLICY


@pytest.mark.django_db
def test_swagger_ui_loads_its_start_up_script_from_a_file(web):
    page = web.get("/api/docs/").content.decode()
    assert "<style" not in page
    assert re.search(r"<script>", page) is None  # every <script> has a src
    script = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', page)
    assert script, "no separate start-up script"
    response = web.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in response.content.decode()


# --- templates ---------------------------------------------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("modules/*/templates"))]
INLINE = {
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "<style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc\s*=)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def template_files() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_templates_have_no_inline_script_or_style():
    files = template_files()
    assert len(files) > 20  # the walk found the project's templates
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in files
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        '<div style="color: red">',
        "<style>p { color: red }</style>",
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_the_template_check_sees_inline_code(snippet):
    assert any(pattern.search(snippet) for pattern in INLINE.values())


def test_the_template_check_allows_external_scripts():
    external = '<script src="/static/x.js"></script>'
    assert not any(pattern.search(external) for pattern in INLINE.values())
