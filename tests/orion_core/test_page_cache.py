"""Whole anonymous pages kept in the shared cache (``orion_core.page_cache``): served while every
lookup they were made of is current, made afresh on the next request after a change, and never
kept when they are not the same for every anonymous visitor."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from modules.cms.factories import PageFactory
from modules.tenancy.factories import VendorFactory
from modules.tenancy.models import Vendor
from orion_core import page_cache, shared_cache, state
from orion_core.models import Platform
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory

HOST = "acme.test"
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    platform = PlatformFactory(code="acme", domains=[HOST])
    PageFactory(platform=platform, slug="home", title="Welcome", body="<p>Hello</p>")
    vendor = VendorFactory(code="alpha", name="Alpha Goods", platforms=[platform])
    state.invalidate()
    return vendor


@contextlib.contextmanager
def rendering() -> Iterator[list[str]]:
    """The templates rendered inside the block: none when a kept page was served."""
    names: list[str] = []

    def record(sender, template, context, **kwargs) -> None:
        names.append(template.name)

    template_rendered.connect(record)
    try:
        yield names
    finally:
        template_rendered.disconnect(record)


def fetch(client: Client, path: str, **extra: str) -> tuple[int, str, list[str], int]:
    """Status, body, templates rendered and SQL run for one GET."""
    with rendering() as templates, CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response.status_code, response.content.decode(), templates, len(queries)


def test_a_warm_anonymous_page_is_served_whole(shop):
    client = Client(HTTP_HOST=HOST)
    cold = fetch(client, "/shop/alpha/")
    assert cold[0] == 200 and cold[2] and cold[3] > 0  # cold: SQL ran, so it is not kept
    warm = fetch(client, "/shop/alpha/")
    assert warm[2] and warm[3] == 0  # made from the shared cache alone: kept now
    kept = fetch(client, "/shop/alpha/")
    assert kept == (200, warm[1], [], 0)
    assert "Alpha Goods" in kept[1]


def test_a_committed_change_is_seen_on_the_next_request(shop, django_capture_on_commit_callbacks):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    with django_capture_on_commit_callbacks(execute=True):
        shop.name = "Alpha Renamed"
        shop.save()
    status, body, templates, _queries = fetch(client, "/shop/alpha/")
    assert status == 200 and templates and "Alpha Renamed" in body

    with django_capture_on_commit_callbacks(execute=True):
        shop.status = Vendor.Status.SUSPENDED
        shop.save()
    assert fetch(client, "/shop/alpha/")[0] == 404


def test_switching_a_module_off_is_seen_on_the_next_request(
    shop, django_capture_on_commit_callbacks
):
    platform = Platform.objects.get(code="acme")
    ModuleService().enable(platform, "catalog")
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    assert "shop-search" in fetch(client, "/shop/alpha/")[1]
    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().disable(platform, "catalog")
    status, body, templates, _queries = fetch(client, "/shop/alpha/")
    assert status == 200 and templates and "shop-search" not in body


def test_each_language_and_query_is_a_page_of_its_own(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        english = fetch(client, "/shop/alpha/")[1]
        french = fetch(client, "/shop/alpha/", HTTP_ACCEPT_LANGUAGE="fr")[1]
    assert 'lang="en"' in english and 'lang="fr"' in french
    assert fetch(client, "/shop/alpha/?page=2")[2]  # another query: rendered, not the kept one


def test_a_visitor_with_a_session_is_never_served_a_kept_page(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    client.cookies["sessionid"] = "anything"
    assert fetch(client, "/shop/alpha/")[2]


def test_a_request_with_credentials_is_never_served_a_kept_page(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    assert fetch(client, "/shop/alpha/", HTTP_AUTHORIZATION="Token abc")[2]


def test_a_kept_form_carries_each_visitors_own_token(shop):
    path = "/shop/alpha/account/login/"
    for _ in range(2):
        fetch(Client(HTTP_HOST=HOST), path)
    visitors = [Client(HTTP_HOST=HOST, enforce_csrf_checks=True) for _ in range(2)]
    for visitor in visitors:
        status, body, templates, _queries = fetch(visitor, path)
        assert status == 200 and not templates  # kept
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', body)
        assert "placeholder" not in body and visitor.cookies["csrftoken"].value
        visitor.token = token
    # Each visitor's token goes with its own cookie, not the other's (nor the kept page's).
    first, second = visitors
    refused = first.post(path, {"csrfmiddlewaretoken": second.token, "email": "x@example.com"})
    assert refused.status_code == 403
    answered = first.post(path, {"csrfmiddlewaretoken": first.token, "email": "x@example.com"})
    assert answered.status_code == 200  # the form's own errors: the token was accepted


def test_a_token_shown_outside_its_form_is_never_kept(shop, settings):
    settings.ORION_PAGE_CACHE_TIMEOUT = 60
    response = HttpResponse(
        '<input name="csrfmiddlewaretoken" value="{t}"><script>var t="{t}"</script>'.format(
            t="a" * 64
        )
    )
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert page_cache._keepable(request, response) is None


@override_settings(ORION_PAGE_CACHE_TIMEOUT=0)
def test_a_timeout_of_zero_turns_it_off(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        assert fetch(client, "/shop/alpha/")[2]


def test_lookups_under_two_generations_of_one_scope_make_nothing_keepable():
    with shared_cache.recording() as outer:
        with shared_cache.recording() as inner:
            shared_cache.get_or_load("orion:test:a", lambda: 1, scope="test-scope")
        shared_cache.bump("test-scope")
        shared_cache.get_or_load("orion:test:b", lambda: 2, scope="test-scope")
    assert inner.complete and shared_cache.generation_key("test-scope") in inner
    assert not outer.complete
