"""The platform's public site: landing page, other pages, sanitised HTML, one platform only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from modules.cms.factories import PageFactory
from modules.cms.models import Page

pytestmark = pytest.mark.django_db


def test_landing_page_without_home_page_welcomes_and_invites_vendors(client, platform):
    response = client.get("/", HTTP_HOST="acme.test")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Welcome to Acme" in body
    assert reverse("tenancy:signup") in body
    assert response.templates[0].name == "cms/platform/home.html"


def test_landing_page_shows_the_platforms_published_home_page(client, platform, other_platform):
    PageFactory(platform=platform, slug=Page.HOME, title="Acme home", body="<p>Acme rocks</p>")
    PageFactory(platform=other_platform, slug=Page.HOME, title="Globex home", body="<p>Globex</p>")
    acme = client.get("/", HTTP_HOST="acme.test").content.decode()
    globex = client.get("/", HTTP_HOST="globex.test").content.decode()
    assert "Acme rocks" in acme and "Globex" not in acme
    assert "<p>Globex</p>" in globex and "Acme rocks" not in globex


def test_unpublished_home_page_falls_back_to_the_welcome(client, platform):
    PageFactory(platform=platform, slug=Page.HOME, title="Draft", body="draft", is_published=False)
    body = client.get("/", HTTP_HOST="acme.test").content.decode()
    assert "Draft" not in body
    assert "Welcome to Acme" in body


def test_page_is_shown(client, platform):
    PageFactory(platform=platform, slug="about", title="About us", body="<p>We sell.</p>")
    response = client.get(reverse("cms:page", kwargs={"slug": "about"}), HTTP_HOST="acme.test")
    assert response.status_code == 200
    assert "About us" in response.content.decode()
    assert "<p>We sell.</p>" in response.content.decode()


def test_unpublished_page_is_404(client, platform):
    PageFactory(platform=platform, slug="about", is_published=False)
    assert client.get("/pages/about/", HTTP_HOST="acme.test").status_code == 404


def test_unknown_page_is_404(client, platform):
    assert client.get("/pages/nothing/", HTTP_HOST="acme.test").status_code == 404


def test_another_platforms_page_is_never_shown(client, platform, other_platform):
    PageFactory(platform=other_platform, slug="secret", title="Globex only")
    assert client.get("/pages/secret/", HTTP_HOST="acme.test").status_code == 404
    assert client.get("/pages/secret/", HTTP_HOST="globex.test").status_code == 200


def test_body_html_is_sanitised_on_output(client, platform):
    page = PageFactory(
        platform=platform,
        slug="about",
        body='<p onclick="steal()">Hi <strong>there</strong></p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">x</a><img src="x" onerror="alert(3)">',
    )
    body = client.get("/pages/about/", HTTP_HOST="acme.test").content.decode()
    assert "<script" not in body
    assert "alert(" not in body
    assert "onclick" not in body and "onerror" not in body
    assert "<strong>there</strong>" in body
    page.refresh_from_db()
    assert "<script>" in page.body  # stored as written, sanitised when shown


def test_home_page_body_is_sanitised_too(client, platform):
    PageFactory(platform=platform, slug=Page.HOME, body="<h2>Hello</h2><script>evil()</script>")
    body = client.get("/", HTTP_HOST="acme.test").content.decode()
    assert "<h2>Hello</h2>" in body
    assert "evil()" not in body


def test_layout_links_home_signup_and_login(client, platform):
    body = client.get("/", HTTP_HOST="acme.test").content.decode()
    assert 'href="/"' in body
    assert 'href="/sell/"' in body
    assert "Log in" in body


def test_slug_is_unique_per_platform(platform, other_platform):
    PageFactory(platform=platform, slug="about")
    PageFactory(platform=other_platform, slug="about")
    with pytest.raises(IntegrityError):
        PageFactory(platform=platform, slug="about")


def test_no_platform_is_404(client, platform, settings):
    settings.ORION_DEFAULT_PLATFORM = ""
    assert client.get("/", HTTP_HOST="nowhere.test").status_code == 404


def test_admin_lists_pages(admin_client, platform):
    PageFactory(platform=platform, slug="about", title="About us")
    response = admin_client.get(reverse("admin:cms_page_changelist"), HTTP_HOST="acme.test")
    assert response.status_code == 200
    assert "About us" in response.content.decode()


def test_a_cached_page_follows_every_committed_change(
    client, platform, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = PageFactory(platform=platform, slug="about", title="About us", body="<p>v1</p>")
    url = reverse("cms:page", kwargs={"slug": "about"})
    assert "<p>v1</p>" in client.get(url, HTTP_HOST="acme.test").content.decode()
    with django_assert_num_queries(0):  # warm: the page comes from the shared cache
        client.get(url, HTTP_HOST="acme.test")

    with django_capture_on_commit_callbacks(execute=True):
        page.body, page.title = "<p>v2</p>", "About"
        page.save()
    assert "<p>v2</p>" in client.get(url, HTTP_HOST="acme.test").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        page.is_published = False
        page.save()
    assert client.get(url, HTTP_HOST="acme.test").status_code == 404
