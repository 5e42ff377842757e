"""The staff menu pages: /dashboard/menus/ (hide items per platform and frontend) and
/dashboard/menus/debug/ (why each item is shown or hidden)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orion_core.models import PlatformMenuConfig
from orion_core.testing import UserFactory, override_module

HOST = "acme.test"
SESSION_KEY = "orion_dashboard_platform"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_urls():
    assert reverse("core:menus") == "/dashboard/menus/"
    assert reverse("core:menus_debug") == "/dashboard/menus/debug/"


@pytest.mark.parametrize("name", ["core:menus", "core:menus_debug"])
def test_staff_only(client, platform, user, name):
    assert client.get(reverse(name), HTTP_HOST=HOST).status_code == 302  # to the login page
    client.force_login(user)
    assert client.get(reverse(name), HTTP_HOST=HOST).status_code == 302


def test_config_page_lists_items_with_checkboxes(staff_client, platform):
    response = staff_client.get(reverse("core:menus"), {"frontend": "admin"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="monitoring:health"' in html
    assert 'value="dev_tools:registry"' in html
    assert "csrfmiddlewaretoken" in html
    assert "module disabled on this platform" in html  # monitoring is off on acme
    assert response.context["platform_chosen"] == platform


def test_config_page_other_frontend(staff_client, platform):
    response = staff_client.get(reverse("core:menus"), {"frontend": "storefront"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["frontend"] == "storefront"
    assert 'value="monitoring:health"' not in response.content.decode()


def sidebar(page) -> str:
    """The layout's sidebar of ``page`` (the page's own links are not the menu)."""
    return page.content.decode().split('<aside class="sidebar">')[1].split("</aside>")[0]


def test_saving_hides_the_item_for_that_platform(
    staff_client, platform, other_platform, staff_user, django_capture_on_commit_callbacks
):
    with override_module(platform, "monitoring"):
        page = staff_client.get("/dashboard/monitoring/", HTTP_HOST=HOST)
        assert 'href="/dashboard/monitoring/"' in sidebar(page)
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                reverse("core:menus"),
                {"frontend": "admin", "hidden": ["monitoring:health"]},
                HTTP_HOST=HOST,
            )
        assert response.status_code == 302
        assert response["Location"] == "/dashboard/menus/?frontend=admin"
        config = PlatformMenuConfig.objects.get(platform=platform, frontend="admin")
        assert (config.hidden_items, config.updated_by) == (["monitoring:health"], staff_user)
        assert not PlatformMenuConfig.objects.filter(platform=other_platform).exists()
        page = staff_client.get("/dashboard/monitoring/", HTTP_HOST=HOST)
        assert 'href="/dashboard/monitoring/"' not in sidebar(page)
        # The form shows it hidden.
        form = staff_client.get(reverse("core:menus"), HTTP_HOST=HOST).content.decode()
        assert 'value="monitoring:health" id="hide-' in form
        assert "checked" in form.split('value="monitoring:health"')[1].split(">")[0]


def test_saving_for_the_dashboards_chosen_platform(staff_client, platform, other_platform):
    session = staff_client.session
    session[SESSION_KEY] = other_platform.code
    session.save()
    response = staff_client.post(
        reverse("core:menus"),
        {"frontend": "admin", "hidden": ["dev_tools:registry"]},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert PlatformMenuConfig.objects.get().platform == other_platform


def test_unknown_items_are_refused(staff_client, platform):
    response = staff_client.post(
        reverse("core:menus"), {"frontend": "admin", "hidden": ["billing:nope"]}, HTTP_HOST=HOST
    )
    assert response.status_code == 400
    assert "no module declares billing:nope" in response.content.decode()
    assert not PlatformMenuConfig.objects.exists()


def test_unchecking_everything_shows_everything_again(
    staff_client, platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("core:menus"),
            {"frontend": "admin", "hidden": ["dev_tools:registry"]},
            HTTP_HOST=HOST,
        )
        staff_client.post(reverse("core:menus"), {"frontend": "admin"}, HTTP_HOST=HOST)
    assert PlatformMenuConfig.objects.get().hidden_items == []


def test_post_needs_csrf(platform, staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(reverse("core:menus"), {"frontend": "admin"}, HTTP_HOST=HOST)
    assert response.status_code == 403


def _decisions(response):
    return {d.key: (d.shown, d.reason) for d in response.context["decisions"]}


def test_debug_explains_for_the_current_staff_user(staff_client, platform):
    with override_module(platform, "monitoring"):
        response = staff_client.get(reverse("core:menus_debug"), HTTP_HOST=HOST)
    assert response.status_code == 200
    decisions = _decisions(response)
    assert decisions["monitoring:health"] == (True, "shown")
    assert decisions["dev_tools:registry"] == (False, "module dev_tools disabled on this platform")
    assert "module dev_tools disabled on this platform" in response.content.decode()


def test_debug_explains_for_another_user(staff_client, platform):
    member = UserFactory()
    with override_module(platform, "monitoring"):
        response = staff_client.get(
            reverse("core:menus_debug"), {"frontend": "admin", "user": member.pk}, HTTP_HOST=HOST
        )
    assert response.context["subject"] == member
    assert _decisions(response)["monitoring:health"] == (False, "internal module: staff only")


def test_debug_unknown_user(staff_client, platform):
    response = staff_client.get(
        reverse("core:menus_debug"), {"frontend": "admin", "user": 999999}, HTTP_HOST=HOST
    )
    assert response.status_code == 200
    assert response.context["decisions"] == []
    assert "No user with id 999999." in response.content.decode()


def test_debug_hidden_by_configuration_on_the_chosen_platform(
    staff_client, platform, other_platform, django_capture_on_commit_callbacks
):
    session = staff_client.session
    session[SESSION_KEY] = other_platform.code
    session.save()
    with override_module(other_platform, "monitoring"):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                reverse("core:menus"),
                {"frontend": "admin", "hidden": ["monitoring:health"]},
                HTTP_HOST=HOST,
            )
        response = staff_client.get(
            reverse("core:menus_debug"), {"frontend": "admin"}, HTTP_HOST=HOST
        )
    assert _decisions(response)["monitoring:health"] == (
        False,
        "hidden by platform menu configuration",
    )
    assert response.context["platform_chosen"] == other_platform


@pytest.mark.parametrize("frontend", ["vendor", "storefront", "platform"])
def test_debug_other_frontends_render(staff_client, platform, frontend):
    response = staff_client.get(
        reverse("core:menus_debug"), {"frontend": frontend, "vendor_code": "shop1"}, HTTP_HOST=HOST
    )
    assert response.status_code == 200
    assert response.context["frontend"] == frontend
    assert not {d.module for d in response.context["decisions"]} & {"dev_tools", "monitoring"}
    urls = [d.url for d in response.context["decisions"] if d.url]
    if frontend != "platform":
        assert all(
            url.startswith(f"/{'vendor' if frontend == 'vendor' else 'shop'}/shop1/")
            for url in urls
        )
