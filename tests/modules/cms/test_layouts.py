"""The storefront layout and the platform's landing page, as an anonymous visitor sees them; what
the content module gives layouts (``module_context.cms``) and dashboards (widgets, figures)."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.cms.factories import MediaFactory, PageFactory, VendorPageFactory
from modules.cms.models import Page
from modules.cms.services import theme as theme_service
from modules.tenancy.factories import MembershipFactory, VendorFactory, VendorPlatformFactory
from modules.tenancy.models import Membership, Vendor
from orion_core.modules.registry import get_registry
from orion_core.testing import StaffUserFactory, UserFactory, override_module

pytestmark = pytest.mark.django_db


class FakeCatalog:
    """What the catalog's context provider offers the layout (its documented contract)."""

    def get_context(self, request):
        return {
            "search_url": "/shop/shop-a/catalog/search/",
            "products_url": "/shop/shop-a/catalog/",
            "categories": [
                {
                    "name": "Kitchen",
                    "url": "/shop/shop-a/catalog/kitchen/",
                    "children": [{"name": "Mugs", "url": "/shop/shop-a/catalog/mugs/"}],
                },
                {"name": "Garden", "url": "/shop/shop-a/catalog/garden/", "children": []},
            ],
        }


@pytest.fixture
def fake_catalog(monkeypatch):
    """The catalog's context provider answers with the contract's data (whatever the catalog
    module itself offers today)."""
    monkeypatch.setitem(get_registry()._provider_cache, ("catalog", "context"), FakeCatalog())


# --- the storefront layout ----------------------------------------------------------------------


def test_the_storefront_layout_without_the_catalog(client, shop):
    response = client.get("/shop/shop-a/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="shop-name">Shop A<' in body
    assert "/static/orion/storefront.css" in body
    assert 'href="/shop/shop-a/account/login/"' in body
    assert 'class="language-switcher"' in body.split('<footer class="shop-footer">')[1]
    # No catalog: no search box, no category bar.
    assert 'role="search"' not in body and "shop-categories" not in body
    assert "<script" not in body and "style=" not in body


def test_the_storefront_layout_with_the_catalog(client, shop, platform, fake_catalog):
    with override_module(platform, "catalog", enabled=True):
        body = client.get("/shop/shop-a/").content.decode()
    assert 'role="search"' in body and 'action="/shop/shop-a/catalog/search/"' in body
    assert 'name="q"' in body
    assert 'href="/shop/shop-a/catalog/kitchen/">Kitchen</a>' in body
    assert 'href="/shop/shop-a/catalog/mugs/">Mugs</a>' in body  # a drop-down on wide screens
    assert 'href="/shop/shop-a/catalog/">All products</a>' in body


def test_a_disabled_catalog_says_nothing_to_the_layout(client, shop, platform, fake_catalog):
    with override_module(platform, "catalog", enabled=False):
        body = client.get("/shop/shop-a/").content.decode()
    assert 'role="search"' not in body and "Kitchen" not in body


def test_the_storefront_shows_the_logo_and_pages(client, shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        logo = MediaFactory(vendor=shop, width=800, height=200)
        theme_service.save_theme(shop, theme_service.theme_from({"logo": logo.pk}))
        VendorPageFactory(vendor=shop, slug="about", title="About us")
    body = client.get("/shop/shop-a/").content.decode()
    assert f'src="{logo.thumbnail_url(480)}" width="480" height="120"' in body
    assert 'href="/shop/shop-a/pages/about/">About us</a>' in body


def test_customers_pages_keep_working_in_the_layout(client, shop):
    for path in ("account/login/", "account/signup/", "account/password-reset/"):
        response = client.get(f"/shop/shop-a/{path}")
        assert response.status_code == 200, path
        assert 'class="shop-header"' in response.content.decode()


# --- the platform's landing page ---------------------------------------------------------------


def test_the_landing_page_presents_the_platform_and_its_open_shops(
    client, platform, other_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageFactory(platform=platform, slug=Page.HOME, title="Shop local", body="<p>Intro</p>")
        PageFactory(platform=platform, slug="pricing", title="Pricing")
        PageFactory(platform=platform, slug="draft", title="Not yet", is_published=False)
        open_shop = VendorFactory(code="open-shop", name="Open Shop", platforms=[platform])
        logo = MediaFactory(vendor=open_shop)
        theme_service.save_theme(
            open_shop, theme_service.theme_from({"preset": "forest", "logo": logo.pk})
        )
        VendorFactory(code="elsewhere", name="Elsewhere Shop", platforms=[other_platform])
        suspended = VendorFactory(code="closed", name="Closed Shop", platforms=[platform])
        Vendor.objects.filter(pk=suspended.pk).update(status=Vendor.Status.SUSPENDED)
        pending = VendorFactory(code="pending", name="Pending Shop", status="pending")
        VendorPlatformFactory(vendor=pending, platform=platform, status="pending")
    body = client.get("/").content.decode()
    assert "<h1>Shop local</h1>" in body and "<p>Intro</p>" in body
    assert 'href="/pages/pricing/">Pricing</a>' in body and "Not yet" not in body
    assert "Open Shop" in body and 'href="/shop/open-shop/"' in body
    assert "preset-forest" in body and logo.thumbnail_url(160) in body
    assert "Elsewhere Shop" not in body and "Closed Shop" not in body
    assert "Pending Shop" not in body
    assert "1 shop open" in body
    assert "/theme-presets.css?v=" in body
    assert 'class="language-switcher"' in body.split('<footer class="site-footer">')[1]


def test_the_landing_page_follows_a_shop_opening(
    client, platform, django_capture_on_commit_callbacks
):
    assert "No shop is open here yet." in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        VendorFactory(code="new-shop", name="New Shop", platforms=[platform])
    assert "New Shop" in client.get("/").content.decode()


def test_the_presets_stylesheet(client, platform):
    css = client.get("/theme-presets.css")
    assert css.status_code == 200 and css["Content-Type"] == "text/css; charset=utf-8"
    text = css.content.decode()
    for code, preset in theme_service.PRESETS.items():
        assert f".preset-{code} {{" in text and preset.primary in text


# --- the content module's context provider ----------------------------------------------------


def test_module_context_on_each_frontend(client, shop, platform):
    PageFactory(platform=platform, slug="about", title="About")
    storefront = client.get("/shop/shop-a/").context["module_context"]["cms"]
    assert storefront["theme_url"].startswith("/shop/shop-a/theme.css?v=")
    assert storefront["logo"] is None and storefront["nav_pages"] == []
    site = client.get("/").context["module_context"]["cms"]
    assert site == {"nav_pages": [{"title": "About", "url": "/pages/about/"}]}
    owner = UserFactory()
    MembershipFactory(user=owner, vendor=shop, role=Membership.Role.OWNER)
    portal = Client(HTTP_HOST="acme.test")
    portal.force_login(owner)
    assert portal.get("/vendor/shop-a/").context["module_context"]["cms"] == {}


# --- dashboards ---------------------------------------------------------------------------------


def test_the_vendor_dashboard_shows_the_shops_content(shop, other_shop):
    VendorPageFactory(vendor=shop, status="draft")
    VendorPageFactory(vendor=shop)
    MediaFactory(vendor=shop)
    MediaFactory(vendor=other_shop)
    owner = UserFactory()
    MembershipFactory(user=owner, vendor=shop, role=Membership.Role.OWNER)
    client = Client(HTTP_HOST="acme.test")
    client.force_login(owner)
    body = client.get("/vendor/shop-a/").content.decode()
    widget = body.split('id="widget-cmscontent"')[1].split("</article>")[0]
    assert "published, of 2 pages" in widget
    assert "image in the library" in widget
    assert 'href="/vendor/shop-a/cms/media/"' in widget


def test_the_staff_dashboard_shows_the_platforms_content(platform, shop, settings):
    PageFactory(platform=platform, slug="about")
    VendorPageFactory(vendor=shop)
    MediaFactory(vendor=None)
    client = Client(HTTP_HOST="acme.test")
    client.force_login(StaffUserFactory())
    response = client.get("/dashboard/")
    metrics = {m.key: m.value for m in response.context["metrics"]}
    assert metrics["cms.published_pages"] == 2
    assert metrics["cms.media_files"] == 1
    assert 'href="/dashboard/cms/media/"' in response.content.decode()


def test_content_menus_follow_permissions(shop):
    viewer = UserFactory()
    MembershipFactory(user=viewer, vendor=shop, role=Membership.Role.VIEWER)
    client = Client(HTTP_HOST="acme.test")
    client.force_login(viewer)
    body = client.get("/vendor/shop-a/").content.decode()
    assert 'href="/vendor/shop-a/cms/pages/"' in body
    assert 'href="/vendor/shop-a/cms/media/"' in body
    assert 'href="/vendor/shop-a/cms/theme/"' not in body  # cms.edit
