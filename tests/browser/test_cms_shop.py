"""A vendor dresses up its shop in a real browser: uploads a logo to the media library, picks a
theme whose live preview follows every choice, publishes a page, and sees all of it in the shop,
under the Content Security Policy.

With ``ORION_SCREENSHOTS=<folder>`` it also saves screenshots of the storefront home, a vendor
page, the landing page, the media library and the theme editor at 390 and 1280 pixels wide, for
people to look at.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from modules.cms.factories import PageFactory
from modules.cms.models import Media, Page, VendorPage
from modules.cms.services.theme import FONTS
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership, Vendor
from orion_core.testing import UserFactory
from tests.browser.test_csp import Watched

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_password_hasher")]

WIDTHS = (390, 1280)
BERRY = "rgb(157, 23, 77)"  # the Berry preset's main colour, #9d174d
CUSTOM = "rgb(18, 52, 86)"  # #123456


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, 356, 116), radius=28, fill=(255, 244, 214))
    draw.text((180, 60), "Atelier", fill=(120, 40, 20), anchor="mm", font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def shop(localhost_platform, settings, tmp_path):
    """A shop on the live server's platform, a few products when the catalog is installed,
    uploads in a folder of the test's own, served by Django."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORION_SERVE_MEDIA = True
    vendor = VendorFactory(code="atelier", name="Atelier Nord", platforms=[localhost_platform])
    VendorFactory(code="corner-shop", name="Corner Shop", platforms=[localhost_platform])
    PageFactory(
        platform=localhost_platform,
        slug=Page.HOME,
        title="Independent shops, one address",
        body="<p>Find small makers and the shops that love them.</p>",
    )
    PageFactory(platform=localhost_platform, slug="about", title="About us")
    if apps.is_installed("modules.catalog"):
        _products(localhost_platform, vendor)
    return vendor


def _products(platform: Any, vendor: Vendor) -> None:
    from decimal import Decimal

    from modules.catalog.factories import CategoryFactory, ProductFactory
    from orion_core.services import ModuleService

    ModuleService().enable(platform, "catalog", source="test")
    kitchen = CategoryFactory(vendor=vendor, name="Kitchen", slug="kitchen")
    CategoryFactory(vendor=vendor, name="Mugs", slug="mugs", parent=kitchen)
    CategoryFactory(vendor=vendor, name="Living", slug="living")
    CategoryFactory(vendor=vendor, name="Garden", slug="garden")
    for index, (title, price) in enumerate(
        [
            ("Stoneware mug", "18.50"),
            ("Linen tea towel", "12.00"),
            ("Oak serving board", "46.00"),
            ("Enamel teapot", "39.90"),
            ("Wool throw", "89.00"),
            ("Glass carafe", "24.00"),
            ("Ceramic planter", "29.50"),
            ("Copper watering can", "54.00"),
        ]
    ):
        ProductFactory(
            vendor=vendor,
            title=title,
            slug=f"item-{index}",
            price=Decimal(price),
            category=kitchen,
        )


def logged_in(new_page: Any, live_server: Any, user: Any) -> Any:
    """A browser page with ``user``'s session (``force_login``'s cookie)."""
    client = Client()
    client.force_login(user)
    page = new_page()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


class Screenshots:
    """Saves full-page screenshots at each width into ORION_SCREENSHOTS (nothing when unset)."""

    def __init__(self) -> None:
        folder = os.environ.get("ORION_SCREENSHOTS", "")
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def take(self, page: Any, path: str, name: str) -> None:
        if self.folder is None:
            return
        original = page.viewport_size
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(self.folder / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size(original)


def test_a_vendor_dresses_up_the_shop(shop, new_page, live_server):
    owner = UserFactory()
    MembershipFactory(user=owner, vendor=shop, role=Membership.Role.OWNER)
    page = logged_in(new_page, live_server, owner)
    watched = Watched(page)
    shots = Screenshots()

    # 1. The media library: a refused upload says why; a logo is uploaded and shown.
    page.goto("/vendor/atelier/cms/media/")
    page.locator("#id_file").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"plain text"}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".field.has-error .errorlist")).to_contain_text("not an image")
    page.locator("#id_file").set_input_files(
        files=[{"name": "atelier-logo.png", "mimeType": "image/png", "buffer": logo_png()}]
    )
    page.locator("#id_alt_text").fill("Atelier Nord logo")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("atelier-logo.png")
    picture = page.locator(".media-detail__image img")
    expect(picture).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", picture.element_handle()) > 0
    with scopes_disabled():
        logo = Media.objects.get(vendor=shop)
    shots.take(page, "/vendor/atelier/cms/media/", "media-library")

    # 2. The theme: the preview follows the scheme, a custom colour, the font and the logo at
    #    once (no request), then the theme is saved.
    page.goto("/vendor/atelier/cms/theme/")
    header = page.locator(".theme-preview .tp-header")
    expect(header).to_have_css("background-color", "rgb(11, 95, 255)")  # the default scheme
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.locator("label.preset-option", has_text="Berry").click()
    expect(header).to_have_css("background-color", BERRY)
    expect(page.locator("#id_primary")).to_have_value("#9d174d")
    page.locator("#id_accent").fill("#f0b429")
    expect(page.locator(".theme-preview .tp-button")).to_have_css(
        "background-color", "rgb(240, 180, 41)"
    )
    expect(page.locator(".theme-preview .tp-button")).to_have_css("color", "rgb(17, 17, 17)")
    page.locator("#id_primary").fill("#123456")
    expect(header).to_have_css("background-color", CUSTOM)
    page.locator("#id_font").select_option("serif")
    expect(page.locator(".theme-preview")).to_have_css("font-family", FONTS["serif"].stack)
    page.locator("#id_logo").select_option(str(logo.pk))
    expect(page.locator(".theme-preview .tp-logo")).to_be_visible()
    assert not [url for url in requests if "/cms/theme" in url], "the preview asked the server"
    page.get_by_role("button", name="Save the theme").click()
    expect(page.locator(".messages")).to_contain_text("Theme saved")
    expect(header).to_have_css("background-color", CUSTOM)  # the saved theme, reloaded
    expect(page.locator(".theme-preview")).to_have_css("font-family", FONTS["serif"].stack)
    shots.take(page, "/vendor/atelier/cms/theme/", "theme-editor")

    # 3. A page: previewed (sanitised), then published.
    page.goto("/vendor/atelier/cms/pages/new/")
    page.locator("#id_title").fill("Our story")
    page.locator("#id_body").fill(
        "We make **small batches** by hand.\n\n<script>document.title='pwned'</script>"
        f'<img src="{logo.url}" alt="Our logo" onerror="document.title=\'pwned\'">\n\n'
        "| Day | Open |\n|---|---|\n| Mon–Fri | 9–18 |\n"
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".page-preview strong")).to_have_text("small batches")
    page.locator("#id_status_1").check()  # published
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Page “Our story” saved.")
    with scopes_disabled():
        assert VendorPage.objects.get(vendor=shop).status == VendorPage.Status.PUBLISHED

    # 4. The shop shows all of it, to anybody.
    visitor = Watched(new_page())
    shop_page = visitor.visit("/shop/atelier/")
    expect(shop_page.locator(".shop-header")).to_have_css("background-color", CUSTOM)
    logo_in_header = shop_page.locator(".shop-brand img.shop-logo")
    expect(logo_in_header).to_be_visible()
    assert shop_page.evaluate("img => img.naturalWidth", logo_in_header.element_handle()) > 0
    footer_link = shop_page.locator(".shop-footer").get_by_role("link", name="Our story")
    footer_link.click()
    expect(shop_page).to_have_url(live_server.url + "/shop/atelier/pages/our-story/")
    expect(shop_page.get_by_role("heading", level=1)).to_have_text("Our story")
    expect(shop_page.locator(".prose strong")).to_have_text("small batches")
    expect(shop_page.locator(".prose table")).to_be_visible()
    assert shop_page.title() != "pwned"
    expect(shop_page.locator("nav.breadcrumbs")).to_contain_text("Our story")

    # 5. The landing page lists the shop with its logo.
    landing = visitor.visit("/")
    card = landing.locator(".shop-card", has_text="Atelier Nord")
    expect(card.locator("img")).to_be_visible()
    expect(landing.locator("h1")).to_have_text("Independent shops, one address")

    assert watched.problems() == [] and visitor.problems() == []
    shots.take(visitor.page, "/shop/atelier/", "storefront-home")
    shots.take(visitor.page, "/shop/atelier/pages/our-story/", "vendor-page")
    shots.take(visitor.page, "/", "landing")
    assert visitor.problems() == []
