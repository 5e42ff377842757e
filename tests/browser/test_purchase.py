"""A purchase from start to end in a real browser: a guest buys, the vendor is paid and ships,
and the guest, once signed up with the same e-mail, finds the order.

A shopper browses the shop's categories and adds two products to the cart: two enamel mugs and
a linen shirt in size M (a variant, chosen with the size picker); the cart shows both lines and
the total; they check out as a guest, paying with the manual gateway (a bank transfer), and see
the confirmation with the order's number and how to pay. The order is pending, its stock held,
its payment pending. The vendor's owner logs in through the login page, finds the order in the
portal, confirms the payment (captured; the held stock is sold) and ships it with a tracking
number. The shopper then creates an account with the e-mail of the order, and "My orders" lists
it, shipped, with its tracking number. The database is checked after every step, and no page
breaks the Content Security Policy.

With ``ORION_SCREENSHOTS=<folder>`` it also saves screenshots of the cart, the checkout, the
confirmation, the customer's orders and the vendor's order page, at 390 and 1280 pixels wide.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from modules.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from modules.catalog.models import Variant
from modules.inventory import services as inventory
from modules.inventory.models import StockLevel
from modules.orders.models import CartLine, Order
from modules.orders.services import payment
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.contracts.payments import PaymentState
from orion_core.testing import UserFactory, override_module
from tests.browser.test_cms_shop import Screenshots
from tests.browser.test_csp import Watched

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_password_hasher")]

CODE = "linnea"
OWNER_PASSWORD = "correct horse battery staple"  # UserFactory's
EMAIL = "ada@example.com"
CUSTOMER_PASSWORD = "Analytical-engine-1843"
INSTRUCTIONS = "Pay by bank transfer to IBAN FR76 3000 6000 0112 3456 7890 189."
TRACKING = "LP123456789FR"
# Two mugs at 8.50 and a shirt in M at 29.00; standard delivery 4.90 (under the 50.00 of free
# delivery); prices include 20 % tax: 2.83 + 4.83 + 0.82 of it.
SUBTOTAL, SHIPPING, TAX, TOTAL = "€46.00", "€4.90", "€8.48", "€50.90"


@pytest.fixture
def shop(localhost_platform):
    """A shop on the live server's platform: orders (with payments, by the manual gateway with
    its bank details, and the catalog) and inventory on."""
    with ExitStack() as modules:
        modules.enter_context(
            override_module(localhost_platform, "payments", config={"instructions": INSTRUCTIONS})
        )
        for code in ("orders", "inventory"):
            modules.enter_context(override_module(localhost_platform, code))
        yield VendorFactory(code=CODE, name="Linnea Threads", platforms=[localhost_platform])


@pytest.fixture
def owner(shop):
    user = UserFactory(username="linnea")
    MembershipFactory(user=user, vendor=shop, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def stock(shop) -> dict[str, Variant]:
    """An enamel mug (one variant) in Kitchen and a linen shirt in S and M (M costs 2.00 more)
    in Clothing, received into stock: 10 mugs, 5 shirts in S, 3 in M. Their variants by SKU."""
    kitchen = CategoryFactory(vendor=shop, name="Kitchen", slug="kitchen")
    clothing = CategoryFactory(vendor=shop, name="Clothing", slug="clothing")
    ProductFactory(
        vendor=shop,
        title="Enamel mug",
        slug="enamel-mug",
        sku="MUG",
        price=Decimal("8.50"),
        category=kitchen,
    )
    shirt = ProductFactory(
        vendor=shop,
        title="Linen shirt",
        slug="linen-shirt",
        sku="SHIRT",
        price=Decimal("27.00"),
        category=clothing,
        options=[{"name": "Size", "values": ["S", "M"]}],
    )
    VariantFactory(vendor=shop, product=shirt, sku="SHIRT-S", values={"Size": "S"})
    VariantFactory(
        vendor=shop,
        product=shirt,
        sku="SHIRT-M",
        values={"Size": "M"},
        price=Decimal("29.00"),
        position=1,
    )
    with scopes_disabled():
        variants = {v.sku: v for v in Variant.objects.filter(vendor=shop)}
    for sku, quantity in (("MUG", 10), ("SHIRT-S", 5), ("SHIRT-M", 3)):
        inventory.receive(shop, variants[sku], quantity)
    return variants


def shop_path(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"vendor_code": CODE, **kwargs})


def levels() -> dict[str, tuple[int, int]]:
    """(on hand, reserved) of every variant, by SKU."""
    with scopes_disabled():
        found = StockLevel.objects.select_related("variant")
        return {level.variant.sku: (level.on_hand, level.reserved) for level in found}


def the_order() -> Order:
    with scopes_disabled():
        (order,) = Order.objects.all()
        return order


def test_a_guest_buys_the_vendor_ships_and_the_new_customer_finds_the_order(
    shop, owner, stock, new_page, live_server
):
    shots = Screenshots()
    shopper = Watched(new_page())
    page = shopper.page
    messages = page.locator(".messages")
    categories = page.locator("nav.shop-categories")

    # 1. Browsing: the Kitchen category, the mug's page; two mugs into the cart.
    shopper.visit(shop_path("customers:home"))
    categories.get_by_role("link", name="Kitchen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kitchen")
    page.get_by_role("link", name="Enamel mug").click()
    expect(page).to_have_url(live_server.url + shop_path("catalog:product", slug="enamel-mug"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enamel mug")
    expect(page.locator(".availability")).to_have_text("In stock: 10 available")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(live_server.url + shop_path("orders:cart"))
    expect(messages).to_contain_text("Added to your cart: Enamel mug.")
    with scopes_disabled():
        assert [(line.variant.sku, line.quantity) for line in CartLine.objects.all()] == [
            ("MUG", 2)
        ]

    # 2. The shirt, from Clothing: size M chosen with the picker (it submits itself), added.
    categories.get_by_role("link", name="Clothing").click()
    page.get_by_role("link", name="Linen shirt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Linen shirt")
    size = page.get_by_role("group", name="Size")
    expect(size.get_by_role("radio", name="S", exact=True)).to_be_checked()
    size.get_by_role("radio", name="M", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]o0=M"))
    expect(size.get_by_role("radio", name="M", exact=True)).to_be_checked()
    expect(page.locator(".price--large")).to_have_text("€29.00")
    expect(page.locator(".availability")).to_have_text("In stock: 3 available")
    expect(page.locator(".availability-box .sku")).to_have_text("SKU: SHIRT-M · M")
    page.get_by_role("button", name="Add to cart").click()
    expect(messages).to_contain_text("Added to your cart: Linen shirt.")
    with scopes_disabled():
        lines = CartLine.objects.order_by("pk")
        assert [(line.variant.sku, line.quantity) for line in lines] == [
            ("MUG", 2),
            ("SHIRT-M", 1),
        ]

    # 3. The cart: both lines, their prices and the totals.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    mugs = page.get_by_role("row").filter(has_text="Enamel mug")
    shirts = page.get_by_role("row").filter(has_text="Linen shirt")
    quantity = re.compile(r"^\s*Quantity\s+Update\s*$")  # its hidden label, field and button
    expect(mugs.get_by_role("cell")).to_have_text(
        ["Enamel mugMUG", "€8.50", quantity, "€17.00", "Remove"]  # the SKU under the title
    )
    expect(mugs.get_by_role("spinbutton", name="Quantity")).to_have_value("2")
    expect(shirts.get_by_role("cell")).to_have_text(
        ["Linen shirt MSHIRT-M", "€29.00", quantity, "€29.00", "Remove"]
    )
    expect(shirts.get_by_role("spinbutton", name="Quantity")).to_have_value("1")
    assert_totals(page.locator(".order-totals"))
    shots.take(page, shop_path("orders:cart"), "purchase-cart")

    # 4. Checkout as a guest: contact, address, standard delivery, the manual gateway.
    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    summary = page.get_by_role("complementary")
    expect(summary.get_by_role("row")).to_have_text(
        ["2 × Enamel mug€17.00", "1 × Linen shirt (M)€29.00"]  # two cells each
    )
    assert_totals(summary.locator(".order-totals"))
    expect(page.get_by_role("radio", name="Standard delivery")).to_be_checked()
    paying = page.get_by_role("group", name="Payment")
    expect(paying).to_contain_text("Manual (bank transfer, cash)")
    expect(paying).to_contain_text(INSTRUCTIONS)
    shots.take(page, shop_path("orders:checkout"), "purchase-checkout")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address:", exact=True).fill("12 Rue de la Paix")
    page.get_by_label("Postal code").fill("75002")
    page.get_by_label("City").fill("Paris")
    page.get_by_label("Country").fill("FR")
    page.get_by_role("button", name="Place the order").click()

    # 5. The confirmation: the number, pending payment, how to pay, the lines and totals.
    expect(page).to_have_url(re.compile(r"/orders/placed/[^/]+/$"))  # then it is in the database
    order = the_order()
    confirmation = shop_path("orders:confirmation", number=order.number)
    expect(page).to_have_url(live_server.url + confirmation)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Thank you! Your order {order.number} is placed."
    )
    expect(page.get_by_role("main")).to_contain_text(f"A confirmation is on its way to {EMAIL}.")
    expect(page.locator(".order-status")).to_have_text("pending payment")
    expect(page.locator(".notice")).to_contain_text(INSTRUCTIONS)
    bought = page.locator(".order-lines tbody tr")
    expect(bought.first.get_by_role("cell")).to_have_text(["Enamel mugMUG", "€8.50", "2", "€17.00"])
    expect(bought.last.get_by_role("cell")).to_have_text(
        ["Linen shirt (M)SHIRT-M", "€29.00", "1", "€29.00"]
    )
    assert_totals(page.locator(".order-totals"))
    expect(page.get_by_role("main")).to_contain_text(
        "Ship to: Ada Lovelace, 12 Rue de la Paix, 75002 Paris, FR"
    )
    # In the database: a guest's pending order, its stock held, its payment waiting, no cart.
    assert (order.status, order.email, order.customer_id) == ("pending", EMAIL, None)
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("46.00"),
        Decimal("4.90"),
        Decimal("8.48"),
        Decimal("50.90"),
    )
    with scopes_disabled():
        assert [(line.sku, line.quantity) for line in order.lines.order_by("pk")] == [
            ("MUG", 2),
            ("SHIRT-M", 1),
        ]
        assert not CartLine.objects.exists()
    assert levels() == {"MUG": (10, 2), "SHIRT-S": (5, 0), "SHIRT-M": (3, 1)}
    started = payment.status(order)
    assert started is not None
    assert (started.state, started.gateway, started.amount, started.captured) == (
        PaymentState.PENDING,
        "manual",
        Decimal("50.90"),
        Decimal("0"),
    )
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    assert order.number in mail.outbox[0].subject

    # 6. The vendor's owner logs in and finds the order in the portal.
    owner_view = Watched(new_page())
    portal = owner_view.page
    portal.goto(reverse("tenancy:login"))
    portal.get_by_label("Username").fill(owner.username)
    portal.get_by_label("Password").fill(OWNER_PASSWORD)
    portal.get_by_role("button", name="Log in").click()
    expect(portal).to_have_url(live_server.url + shop_path("tenancy:dashboard"))
    portal.locator(".sidebar").get_by_role("link", name="Orders", exact=True).click()
    expect(portal).to_have_url(live_server.url + shop_path("orders:vendor-orders"))
    expect(portal.get_by_role("heading", level=1)).to_have_text("Orders")
    row = portal.get_by_role("row").filter(has_text=order.number)
    expect(row.get_by_role("cell")).to_have_text(
        [order.number, re.compile(r"\S"), f"Ada Lovelace{EMAIL}", "pending payment", TOTAL]
    )
    row.get_by_role("link", name=order.number).click()
    order_page = shop_path("orders:vendor-order", pk=order.pk)
    expect(portal).to_have_url(live_server.url + order_page)
    heading = portal.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Order {order.number} pending payment")
    payment_line = portal.locator("section.card", has=portal.get_by_role("heading", name="Payment"))
    expect(payment_line).to_contain_text("manual · pending · captured €0.00")
    expect(portal.get_by_role("button", name="Mark as shipped")).to_have_count(0)

    # 7. The bank transfer arrived: the payment is confirmed (captured), the held stock sold.
    portal.get_by_role("button", name="Confirm payment received").click()
    expect(portal.locator(".messages")).to_contain_text(f"Order {order.number} updated.")
    expect(heading).to_have_text(f"Order {order.number} paid")
    expect(payment_line).to_contain_text("manual · captured · captured €50.90")
    expect(portal.get_by_role("button", name="Confirm payment received")).to_have_count(0)
    order.refresh_from_db()
    assert (order.status, order.paid_at is not None) == ("paid", True)
    paid = payment.status(order)
    assert paid is not None and (paid.state, paid.captured) == (
        PaymentState.CAPTURED,
        Decimal("50.90"),
    )
    assert levels() == {"MUG": (8, 0), "SHIRT-S": (5, 0), "SHIRT-M": (2, 0)}

    # 8. Shipped, with its tracking number.
    portal.get_by_label("Tracking number").fill(TRACKING)
    portal.get_by_role("button", name="Mark as shipped").click()
    expect(portal.locator(".messages")).to_contain_text(f"Order {order.number} updated.")
    expect(heading).to_have_text(f"Order {order.number} fulfilled")
    expect(portal.get_by_role("main")).to_contain_text(f"Tracking number: {TRACKING}")
    expect(portal.get_by_role("button", name="Mark as completed")).to_be_visible()
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("fulfilled", TRACKING)
    assert levels() == {"MUG": (8, 0), "SHIRT-S": (5, 0), "SHIRT-M": (2, 0)}
    assert inventory.check_ledger() == []
    shots.take(portal, order_page, "purchase-vendor-order")

    # The shop's pages say what is left: two shirts in M.
    shopper.visit(shop_path("catalog:product", slug="linen-shirt") + "?o0=M")
    expect(page.locator(".availability")).to_have_text("In stock: 2 available")

    # 9. The shopper creates an account with the order's e-mail and finds the order.
    page.locator("header.shop-header").get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_role("textbox", name="E-mail").fill(EMAIL)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Password:", exact=True).fill(CUSTOMER_PASSWORD)
    page.get_by_label("Password again").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(live_server.url + shop_path("customers:account"))
    expect(messages).to_contain_text("Your account has been created")
    # Their account page links to their orders (orders' account_link slot).
    page.get_by_role("link", name="My orders").click()
    expect(page).to_have_url(live_server.url + shop_path("orders:orders"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My orders")
    mine = page.get_by_role("row").filter(has_text=order.number)
    expect(mine.get_by_role("cell")).to_have_text(
        [order.number, re.compile(r"\S"), "fulfilled", TOTAL]
    )
    shots.take(page, shop_path("orders:orders"), "purchase-my-orders")
    mine.get_by_role("link", name=order.number).click()
    expect(page).to_have_url(live_server.url + shop_path("orders:order", number=order.number))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {order.number}")
    expect(page.get_by_role("main")).to_contain_text(f"fulfilled · Tracking number: {TRACKING}")
    assert_totals(page.locator(".order-totals"))
    with scopes_disabled():
        order.refresh_from_db()
        assert order.customer is not None and order.customer.email == EMAIL

    shots.take(page, confirmation, "purchase-confirmation")
    assert shopper.problems() == [] and owner_view.problems() == []


def assert_totals(totals: Any) -> None:
    expect(totals.locator("dd")).to_have_text([SUBTOTAL, SHIPPING, TAX, TOTAL])
    expect(totals.locator("dt")).to_have_text(
        ["Subtotal", "Shipping", "Including tax (20 %)", "Total"]
    )
