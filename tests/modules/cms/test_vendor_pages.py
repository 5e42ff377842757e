"""A vendor's pages: writing them in the portal (bad input refused with field errors, nothing
saved), drafts and publishing, the storefront page and its navigation, and Markdown that never
runs a script on any page that shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from modules.cms.factories import VendorPageFactory
from modules.cms.models import VendorPage

pytestmark = pytest.mark.django_db

PAGES = "/vendor/shop-a/cms/pages/"
NEW = "/vendor/shop-a/cms/pages/new/"


def pages_of(vendor) -> list[tuple[str, str, str]]:
    with scopes_disabled():
        return list(
            VendorPage.objects.filter(vendor=vendor)
            .order_by("pk")
            .values_list("slug", "title", "status")
        )


def form(**changes):
    data = {
        "title": "Shipping",
        "slug": "shipping",
        "body": "We ship **fast**.",
        "status": "published",
        "show_in_nav": "on",
        "nav_order": "20",
        "seo_title": "",
        "seo_description": "",
        "save": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- the portal ---------------------------------------------------------------------------------


def test_a_page_is_written_published_and_shown_in_the_shop(
    manager_client, client, shop, django_capture_on_commit_callbacks
):
    assert manager_client.get(PAGES).status_code == 200
    assert manager_client.get(NEW).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(NEW, form())
    assert response.status_code == 302
    with scopes_disabled():
        page = VendorPage.objects.get(vendor=shop)
    assert response["Location"] == f"/vendor/shop-a/cms/pages/{page.pk}/"
    assert page.published_at is not None
    listing = manager_client.get(PAGES).content.decode()
    assert "Shipping" in listing and "/pages/shipping/" in listing
    shown = client.get("/shop/shop-a/pages/shipping/")
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "<strong>fast</strong>" in body
    assert '<nav class="breadcrumbs"' in body and 'aria-current="page">Shipping<' in body
    # Linked from the footer of every storefront page.
    assert 'href="/shop/shop-a/pages/shipping/"' in client.get("/shop/shop-a/").content.decode()


def test_the_slug_is_made_from_the_title_when_left_empty(manager_client, shop):
    assert manager_client.post(NEW, form(title="Delivery & Returns", slug="")).status_code == 302
    assert pages_of(shop) == [("delivery-returns", "Delivery & Returns", "published")]


def test_a_slug_clash_is_a_field_error_and_nothing_is_saved(manager_client, shop, other_shop):
    VendorPageFactory(vendor=shop, slug="shipping", title="First")
    VendorPageFactory(vendor=other_shop, slug="faq")  # another shop's slug is free to use
    before = pages_of(shop)
    response = manager_client.post(NEW, form(title="Second"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["slug"]
    assert "already has the address" in errors["slug"][0]
    assert "already has the address" in response.content.decode()
    assert pages_of(shop) == before
    # Same when it is the slug of another page edited into a clash; another shop's is fine.
    with scopes_disabled():
        other = VendorPageFactory(vendor=shop, slug="about", title="About")
    edit = manager_client.post(f"{PAGES}{other.pk}/", form(title="About", slug="shipping"))
    assert edit.status_code == 400 and "slug" in edit.context["form"].errors
    assert manager_client.post(NEW, form(title="FAQ", slug="faq")).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"slug": "no spaces/or slashes"}, "slug"),
        ({"status": "live"}, "status"),
        ({"nav_order": "-1"}, "nav_order"),
        ({"nav_order": "first"}, "nav_order"),
        ({"seo_title": "x" * 71}, "seo_title"),
        ({"seo_description": "x" * 161}, "seo_description"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(manager_client, shop, changes, field):
    response = manager_client.post(NEW, form(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert pages_of(shop) == []


def test_a_draft_is_not_in_the_shop(manager_client, client, shop):
    assert manager_client.post(NEW, form(status="draft")).status_code == 302
    assert client.get("/shop/shop-a/pages/shipping/").status_code == 404
    assert "/pages/shipping/" not in client.get("/shop/shop-a/").content.decode()


def test_publishing_and_withdrawing_follow_at_once(
    manager_client, client, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = VendorPageFactory(vendor=shop, slug="faq", title="FAQ", status="draft")
    url = f"{PAGES}{page.pk}/"
    assert client.get("/shop/shop-a/pages/faq/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url, form(title="FAQ", slug="faq", body="v1"))
    assert "v1" in client.get("/shop/shop-a/pages/faq/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url, form(title="FAQ", slug="faq", body="v2"))
    assert "v2" in client.get("/shop/shop-a/pages/faq/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url, form(title="FAQ", slug="faq", status="draft"))
    assert client.get("/shop/shop-a/pages/faq/").status_code == 404


def test_navigation_order_and_hidden_pages(client, shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        VendorPageFactory(vendor=shop, slug="faq", title="FAQ", nav_order=30)
        VendorPageFactory(vendor=shop, slug="about", title="About", nav_order=10)
        VendorPageFactory(vendor=shop, slug="secret", title="Hidden one", show_in_nav=False)
    body = client.get("/shop/shop-a/").content.decode()
    assert body.index("/pages/about/") < body.index("/pages/faq/")
    assert "/pages/secret/" not in body
    assert client.get("/shop/shop-a/pages/secret/").status_code == 200  # reachable by link


def test_seo_fields_fill_the_title_and_description(client, shop):
    VendorPageFactory(
        vendor=shop, slug="about", title="About", seo_title="About Shop A", seo_description="Hi."
    )
    body = client.get("/shop/shop-a/pages/about/").content.decode()
    assert "<title>About Shop A · Shop A</title>" in body
    assert '<meta name="description" content="Hi.">' in body


def test_a_viewer_reads_but_does_not_write(viewer_client, shop):
    page = VendorPageFactory(vendor=shop, title="About")
    assert viewer_client.get(PAGES).status_code == 200
    assert viewer_client.get(f"{PAGES}{page.pk}/").status_code == 200
    assert viewer_client.post(f"{PAGES}{page.pk}/", form(title="Mine")).status_code == 403
    assert viewer_client.post(NEW, form()).status_code == 403
    assert viewer_client.post(f"{PAGES}{page.pk}/delete/").status_code == 403
    assert pages_of(shop) == [(page.slug, "About", "published")]


def test_another_vendors_page_is_not_found_and_unchanged(manager_client, client, other_shop):
    theirs = VendorPageFactory(vendor=other_shop, slug="theirs", title="Theirs")
    for url in (f"{PAGES}{theirs.pk}/", f"{PAGES}{theirs.pk}/delete/"):
        assert manager_client.get(url).status_code == 404
        assert manager_client.post(url, form(title="Mine")).status_code == 404
    assert pages_of(other_shop) == [("theirs", "Theirs", "published")]
    assert client.get("/shop/shop-a/pages/theirs/").status_code == 404
    assert client.get("/shop/shop-b/pages/theirs/").status_code == 200


def test_deleting_a_page(manager_client, client, shop, django_capture_on_commit_callbacks):
    page = VendorPageFactory(vendor=shop, slug="old", title="Old")
    assert "Delete “Old”?" in manager_client.get(f"{PAGES}{page.pk}/delete/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert manager_client.post(f"{PAGES}{page.pk}/delete/").status_code == 302
    assert pages_of(shop) == []
    assert client.get("/shop/shop-a/pages/old/").status_code == 404


# --- Markdown that tries to run a script --------------------------------------------------------

EVIL = (
    "Hello <script>alert('s')</script> **bold**\n\n"
    '<img src="x" onerror="alert(1)"> <p onmouseover="alert(2)">hover</p>\n\n'
    "[click](javascript:alert(3)) [encoded](&#106;avascript:alert(4)) "
    '<a href="JaVaScRiPt:alert(5)">caps</a> '
    '<a href="data:text/html,<script>x</script>">data</a>\n\n'
    '<svg onload="alert(6)"></svg><iframe src="https://evil.example"></iframe>'
    '<style>body{display:none}</style><div style="position:fixed">styled</div>\n\n'
    "[fine](https://example.com/ok)"
)


def assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "alert(" not in lowered
    assert "javascript:" not in lowered and "data:text" not in lowered
    for bad in ("onerror", "onmouseover", "onload", "<iframe", "<svg", "<style", "position:fixed"):
        assert bad not in lowered, bad
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com/ok"' in html


def test_markdown_xss_is_inert_in_the_shop(client, shop):
    VendorPageFactory(vendor=shop, slug="evil", title="Evil", body=EVIL)
    response = client.get("/shop/shop-a/pages/evil/")
    assert response.status_code == 200
    assert_inert(response.content.decode())
    with scopes_disabled():
        assert "<script>" in VendorPage.objects.get(slug="evil").body  # stored as written


def test_markdown_xss_is_inert_in_the_portal_preview(manager_client, shop):
    page = VendorPageFactory(vendor=shop, slug="evil", title="Evil", body=EVIL)
    saved = manager_client.get(f"{PAGES}{page.pk}/").content.decode()
    assert_inert(saved.split('class="prose page-preview"')[1])
    previewed = manager_client.post(NEW, form(body=EVIL, save=None, preview=""))
    assert previewed.status_code == 200
    assert_inert(previewed.content.decode().split('class="prose page-preview"')[1])
    assert pages_of(shop) == [("evil", "Evil", "published")]  # a preview saves nothing


def test_a_title_with_markup_is_escaped(client, shop):
    VendorPageFactory(vendor=shop, slug="t", title="<script>alert(1)</script>")
    body = client.get("/shop/shop-a/pages/t/").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_the_portal_preview_of_a_new_page_is_empty(manager_client):
    body = manager_client.get(NEW).content.decode()
    assert "press Preview" in body


def test_page_urls():
    assert reverse("cms:vendor-page-public", kwargs={"vendor_code": "shop-a", "slug": "faq"}) == (
        "/shop/shop-a/pages/faq/"
    )
