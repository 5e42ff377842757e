"""A vendor puts a product on sale in a real browser, and a shopper finds it.

The owner logs in, uploads a picture to the media library, creates a draft T-shirt sold in two
sizes (the variant editor makes a row per size, each with its own SKU) with that picture, in a
category; receives five of one size and counts none of the other in the inventory portal;
then publishes it from the product list. Another person, on the shop, does not find the draft,
then finds the published product by searching, sees it with its picture in its category, and on
its page sees one size in stock and the other sold out. All under the Content Security Policy.

With ``ORION_SCREENSHOTS=<folder>`` it also saves screenshots of the shop's home, the category,
the search results, the product page, and the vendor's product list and form, at 390 and 1280
pixels wide.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from modules.catalog.factories import CategoryFactory, ProductFactory
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory, override_module
from tests.browser.test_cms_shop import Screenshots
from tests.browser.test_csp import Watched

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_password_hasher")]

PASSWORD = "correct horse battery staple"  # UserFactory's
CODE = "linnea"
TITLE = "Organic cotton T-shirt"
SLUG = "organic-cotton-t-shirt"
ALT = "A sand-coloured T-shirt, folded"


def tshirt_png(folder: Path) -> Path:
    """A small picture of a T-shirt, as a vendor's photo would be (a real PNG)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 600), (236, 240, 243))
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(180, 120), (250, 100), (350, 100), (420, 120), (520, 210), (460, 270), (420, 240)]
        + [(420, 520), (180, 520), (180, 240), (140, 270), (80, 210)],
        fill=(214, 186, 140),
    )
    draw.ellipse((260, 80, 340, 140), fill=(236, 240, 243))
    path = folder / "tshirt.png"
    image.save(path, "PNG")
    return path


@pytest.fixture
def shop(localhost_platform, settings, tmp_path):
    """A shop on the live server's platform with the catalog and inventory on, two categories
    and a product of another category; uploads in the test's own folder, served by Django."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ORION_SERVE_MEDIA = True
    with ExitStack() as modules:
        for code in ("catalog", "inventory"):
            modules.enter_context(override_module(localhost_platform, code))
        vendor = VendorFactory(code=CODE, name="Linnea Threads", platforms=[localhost_platform])
        CategoryFactory(vendor=vendor, name="Clothing", slug="clothing")
        kitchen = CategoryFactory(vendor=vendor, name="Kitchen", slug="kitchen")
        ProductFactory(vendor=vendor, title="Enamel mug", slug="enamel-mug", category=kitchen)
        yield vendor


@pytest.fixture
def owner(shop):
    user = UserFactory(username="linnea")
    MembershipFactory(user=user, vendor=shop, role=Membership.Role.OWNER)
    return user


def portal(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"vendor_code": CODE, **kwargs})


def test_a_vendor_puts_a_product_on_sale_and_a_shopper_finds_it(
    shop, owner, new_page, live_server, tmp_path
):
    shots = Screenshots()
    owner_view = Watched(new_page())
    page = owner_view.page
    sidebar = page.locator(".sidebar-nav")
    messages = page.locator(".messages")

    # The owner logs in.
    page.goto(reverse("tenancy:login"))
    page.locator("#id_username").fill(owner.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + portal("tenancy:dashboard"))

    # 1. A picture in the media library.
    sidebar.get_by_role("link", name="Media library").click()
    page.locator("#id_file").set_input_files(tshirt_png(tmp_path))
    page.locator("#id_alt_text").fill(ALT)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("tshirt.png")

    # 2. The product, a draft: the variant editor makes one row per size, with its own SKU.
    sidebar.get_by_role("link", name="Products").click()
    page.get_by_role("link", name="Add product").click()
    expect(page).to_have_url(live_server.url + portal("catalog:vendor-product-add"))
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill("Soft, **heavy** cotton, grown without pesticides.")
    page.locator("#id_price").fill("25.00")
    page.locator("#id_sku").fill("TEE")
    expect(page.locator("#id_status")).to_have_value("draft")
    page.locator("#id_category").select_option(label="Clothing")
    tile = page.locator(".media-picker li").filter(has=page.get_by_alt_text(ALT))
    tile.get_by_role("checkbox").check()
    page.locator("#id_options-0-name").fill("Size")
    page.locator("#id_options-0-values").fill("S, M")
    page.get_by_role("button", name="Update variants").click()
    expect(page.locator(".variant-editor .notice")).to_contain_text("The variants follow")
    rows = page.locator(".variants-table tbody tr")
    expect(rows.locator("td strong")).to_have_text(["S", "M"])
    expect(page.get_by_label("SKU S", exact=True)).to_have_value("TEE-S")
    expect(page.get_by_label("SKU M", exact=True)).to_have_value("TEE-M")
    expect(page.get_by_label("Sell S", exact=True)).to_be_checked()
    expect(page.get_by_label("Sell M", exact=True)).to_be_checked()
    # What was typed before the editor updated is all still there.
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_category option:checked")).to_have_text("Clothing")
    expect(tile.get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(messages).to_contain_text(f"Product “{TITLE}” saved.")
    expect(page).to_have_url(live_server.url + portal("catalog:vendor-products"))
    row = page.locator(".catalog-table tbody tr", has_text=TITLE)
    expect(row.locator(".col-status")).to_have_text("Draft")
    expect(row.locator(".col-title")).to_contain_text("2 variants")
    expect(row.locator(".col-category")).to_have_text("Clothing")
    expect(row.locator(".col-stock")).to_have_text("—")  # not counted yet
    expect(row.locator("img.thumb")).to_be_visible()

    # Meanwhile a shopper (another person) finds no trace of the draft.
    shopper = Watched(new_page())
    shop_page = shopper.visit(portal("customers:home"))
    search_for(shop_page, "t-shirt")
    expect(shop_page.locator(".catalog-head__count")).to_have_text("0 products")
    expect(shop_page.locator(".catalog-results")).to_contain_text("No products match.")
    response = shop_page.goto(portal("catalog:product", slug=SLUG))
    assert response is not None and response.status == 404

    # 3. Stock: five of size S received; size M counted on the shelf: none (a stock take).
    sidebar.get_by_role("link", name="Stock", exact=True).click()
    stock_row = page.locator("table.table tbody tr")
    expect(stock_row.filter(has_text="TEE-S")).to_contain_text("Not tracked")
    receive(page, "TEE-S", 5)
    expect(messages).to_contain_text("Received 5 × TEE-S at")
    page.locator("nav.chips").get_by_role("link", name="Count stock").click()
    page.locator("#id_sku").fill("TEE-M")
    page.locator("#id_quantity").fill("0")
    page.get_by_role("button", name="Set the level").click()
    expect(messages).to_contain_text("TEE-M: 0 on hand, as counted; nothing changed.")
    page.locator("nav.chips").get_by_role("link", name="Stock", exact=True).click()
    expect(stock_row.filter(has_text="TEE-S").locator("td").nth(4)).to_have_text(
        re.compile(r"^5(\s+Low stock)?$")  # at or under the default threshold
    )
    expect(stock_row.filter(has_text="TEE-M").locator("td").nth(4)).to_have_text(
        re.compile(r"^0\s+Out of stock$")
    )

    # 4. Published from the product list (a bulk action on the selected product).
    sidebar.get_by_role("link", name="Products").click()
    expect(row.locator(".col-stock")).to_have_text("5")
    page.get_by_label(f"Select {TITLE}").check()
    page.locator("#id_bulk-action").select_option("publish")
    expect(page.locator("#id_bulk-category")).to_be_hidden()
    page.get_by_role("button", name="Apply to selected").click()
    expect(messages).to_contain_text("1 product changed.")
    expect(row.locator(".col-status")).to_have_text("Active")
    row.get_by_role("link", name=TITLE).click()
    product_path = portal("catalog:product", slug=SLUG)
    expect(page.get_by_role("link", name="View in the shop")).to_have_attribute(
        "href", product_path
    )
    edit_path = page.url.removeprefix(live_server.url)

    # 5. The shopper searches again and finds it, with its picture, and not the mug.
    shopper.visit(portal("customers:home"))
    search_for(shop_page, "t-shirt")
    expect(shop_page.get_by_role("heading", level=1)).to_have_text("Results for “t-shirt”")
    assert_only_the_tshirt(shop_page)

    # The category bar leads to Clothing, where it is, with its picture; the mug is not.
    categories = shop_page.locator("nav.shop-categories")
    categories.get_by_role("link", name="Clothing").click()
    expect(shop_page).to_have_url(live_server.url + portal("catalog:category", slug="clothing"))
    expect(shop_page.get_by_role("heading", level=1)).to_have_text("Clothing")
    expect(categories.get_by_role("link", name="Clothing")).to_have_attribute(
        "aria-current", "page"
    )
    assert_only_the_tshirt(shop_page)

    # 6. Its page: both sizes, S in stock (the one chosen first), M sold out.
    shop_page.locator(".product-card").get_by_role("link").click()
    expect(shop_page).to_have_url(live_server.url + product_path)
    expect(shop_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_image_loaded(shop_page, shop_page.locator(".product__image img"))
    expect(shop_page.locator(".product__description strong")).to_have_text("heavy")
    expect(shop_page.locator("nav.breadcrumbs")).to_contain_text("Clothing")
    expect(shop_page.locator(".price--large")).to_have_text("€25.00")
    size = shop_page.get_by_role("group", name="Size")
    expect(size.locator(".pill")).to_have_text(["S", "M (Sold out)"])  # read out, not only grey
    expect(size.locator(".pill--unavailable")).to_have_text("M (Sold out)")
    expect(size.get_by_role("radio", name="S", exact=True)).to_be_checked()
    availability = shop_page.locator(".availability-box")
    expect(availability.locator(".availability")).to_have_text("In stock: 5 available")
    expect(availability.locator(".availability")).to_have_class(re.compile(r"availability--in"))
    expect(availability.locator(".sku")).to_have_text("SKU: TEE-S · S")
    options = shop_page.locator("details.all-options")
    options.locator("summary").click()
    expect(options.locator("tbody tr")).to_have_text(
        [re.compile(r"S\s+€25\.00\s+5 available"), re.compile(r"M\s+€25\.00\s+Sold out")]
    )
    # Choosing M (the picker submits itself) says it is sold out.
    size.locator(".pill", has_text="M").click()
    expect(shop_page).to_have_url(re.compile(r"[?&]o0=M"))
    expect(availability.locator(".availability")).to_have_text("Sold out")
    expect(availability.locator(".availability")).to_have_class(re.compile(r"availability--out"))
    expect(availability.locator(".sku")).to_have_text("SKU: TEE-M · M")

    assert owner_view.problems() == [] and shopper.problems() == []
    shots.take(shop_page, portal("customers:home"), "catalog-home")
    shots.take(shop_page, portal("catalog:category", slug="clothing"), "catalog-category")
    shots.take(shop_page, portal("catalog:search") + "?q=t-shirt", "catalog-search")
    shots.take(shop_page, product_path, "catalog-product")
    shots.take(page, portal("catalog:vendor-products"), "catalog-vendor-list")
    shots.take(page, edit_path, "catalog-vendor-form")
    assert owner_view.problems() == [] and shopper.problems() == []


def search_for(page: Any, words: str) -> None:
    """The search box in the shop's header."""
    header = page.locator("header.shop-header")
    header.get_by_label("Search the shop").fill(words)
    header.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/shop/[^/]+/search/\?q="))


def receive(page: Any, sku: str, quantity: int) -> None:
    """The receive form, from the variant's row of the stock overview."""
    page.locator("nav.chips").get_by_role("link", name="Stock", exact=True).click()
    stock_row = page.locator("table.table tbody tr", has_text=sku)
    stock_row.get_by_role("link", name="Receive").click()
    expect(page.locator("#id_sku")).to_have_value(sku)
    page.locator("#id_quantity").fill(str(quantity))
    page.get_by_role("button", name="Receive").click()


def assert_only_the_tshirt(page: Any) -> None:
    cards = page.locator(".catalog-results .product-card")
    expect(cards.locator(".product-card__title")).to_have_text([TITLE])
    expect(page.locator(".catalog-head__count")).to_have_text("1 product")
    expect(cards.locator(".price")).to_have_text("€25.00")
    assert_image_loaded(page, cards.get_by_role("img", name=ALT))


def assert_image_loaded(page: Any, image: Any) -> None:
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()  # lazy images load once near the viewport
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
