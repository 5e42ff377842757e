"""Demo catalogues for ``manage.py seed_demo``: a category tree and 490 to 560 products for each
demo vendor, generated deterministically (the same names, prices and variants every time).

Acme Shop sells things for the home, mostly simple products and some in two or three colours;
Globex Store sells clothes, each in three sizes and two colours (six variants). Written with bulk
inserts so ``make run`` stays quick; a vendor that already has products is left alone.

Images: one drawn picture per kind of product (a pan, a mug, …), stored in the vendor's media
library like an upload and shown by every product of that kind; a vendor whose products already
show images is left alone.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, ImageDraw

from modules.catalog.models import Product, ProductImage, Variant
from modules.catalog.services import categories
from modules.cms.services.media import MIB, process_image, store_image
from modules.tenancy.models import Vendor
from modules.tenancy.scoping import vendor_scope


def per_leaf() -> int:
    """Products per leaf category (``ORION_DEMO_PRODUCTS_PER_CATEGORY``, 70 by default: over
    1,000 per shop, the catalogue issue's scale); tests that only need a demo ask for fewer."""
    return settings.ORION_DEMO_PRODUCTS_PER_CATEGORY


HOME = {
    "Kitchen": {
        "Cookware": ("Pan", "Saucepan", "Wok", "Casserole", "Kettle"),
        "Tableware": ("Plate", "Bowl", "Mug", "Cup", "Jug"),
        "Coffee & tea": ("Teapot", "Coffee press", "Grinder", "Tea caddy", "Dripper"),
    },
    "Living": {
        "Lighting": ("Lamp", "Pendant", "Candle holder", "Lantern", "Floor lamp"),
        "Textiles": ("Cushion", "Throw", "Rug", "Curtain", "Blanket"),
        "Decor": ("Vase", "Frame", "Mirror", "Clock", "Bookend"),
    },
    "Outdoor": {
        "Garden": ("Planter", "Watering can", "Trowel", "Bird feeder", "Hose reel"),
        "Picnic": ("Basket", "Cooler", "Flask", "Tumbler", "Blanket bag"),
    },
}
APPAREL = {
    "Women": {
        "Tops": ("Blouse", "Tee", "Tank top", "Shirt", "Tunic"),
        "Dresses": ("Wrap dress", "Shift dress", "Maxi dress", "Shirt dress", "Slip dress"),
        "Knitwear": ("Cardigan", "Jumper", "Turtleneck", "Vest", "Poncho"),
    },
    "Men": {
        "Shirts": ("Oxford shirt", "Flannel shirt", "Linen shirt", "Polo", "Henley"),
        "Trousers": ("Chinos", "Jeans", "Cords", "Joggers", "Shorts"),
    },
    "Accessories": {
        "Bags": ("Tote", "Backpack", "Satchel", "Crossbody bag", "Weekender"),
        "Scarves & hats": ("Scarf", "Beanie", "Cap", "Bucket hat", "Snood"),
    },
}
ADJECTIVES = (
    "Classic", "Nordic", "Rustic", "Urban", "Coastal", "Alpine", "Linen", "Stoneware",
    "Everyday", "Heritage", "Studio", "Harbour", "Meadow", "Canyon", "Orchard", "Summit",
)  # fmt: skip
# Background and foreground of the demo pictures, one pair per kind of product.
PALETTE = (
    ("#e8eef4", "#35618a"), ("#f4ece4", "#9a5a2e"), ("#e9f2ea", "#3d7548"),
    ("#f3e8ee", "#8e3f67"), ("#efeee6", "#5d5a3a"), ("#e6eff2", "#2f6f7c"),
)  # fmt: skip
COLOURS = ("Black", "White", "Navy", "Olive", "Sand", "Rust", "Sage", "Slate")
SIZES = ("S", "M", "L")
DEMO_CATALOGS = {"acme-shop": (HOME, "home"), "globex-store": (APPAREL, "apparel")}


def seed_demo_catalog(vendor: Vendor) -> int:
    """The demo catalogue of ``vendor`` if it has none yet; returns how many products it got."""
    if vendor.code not in DEMO_CATALOGS:
        return 0
    tree, kind = DEMO_CATALOGS[vendor.code]
    with vendor_scope(vendor):
        if Product.objects.exists():
            return 0
    with transaction.atomic():
        leaves = _categories(vendor, tree)
        return _products(vendor, leaves, apparel=kind == "apparel")


def _categories(vendor: Vendor, tree: dict) -> list[tuple[object, tuple[str, ...]]]:
    leaves = []
    for top, children in tree.items():
        parent = categories.add_category(vendor, top)
        for name, nouns in children.items():
            leaves.append((categories.add_category(vendor, name, parent=parent), nouns))
    return leaves


def _number(*parts: object) -> int:
    """A stable pseudo-random number from the parts (no random module: the same every run)."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()
    return int(digest[:8], 16)


def _products(vendor: Vendor, leaves: list, *, apparel: bool) -> int:
    products, variants = [], []
    sku_prefix = "GX" if apparel else "AC"
    for leaf_index, (category, nouns) in enumerate(leaves):
        names = itertools.islice(itertools.product(ADJECTIVES, nouns), per_leaf())
        for index, (adjective, noun) in enumerate(names):
            title = f"{adjective} {noun.lower()}"
            number = _number(vendor.code, leaf_index, index)
            price = Decimal(9 + number % 120) + Decimal("0.90")
            on_sale = number % 7 == 0
            colours = [COLOURS[number % 8], COLOURS[(number // 8) % 8]]
            if colours[0] == colours[1]:
                colours[1] = COLOURS[(number + 1) % 8]
            options = (
                [{"name": "Size", "values": list(SIZES)}, {"name": "Colour", "values": colours}]
                if apparel
                else ([{"name": "Colour", "values": colours}] if number % 4 == 0 else [])
            )
            sku = f"{sku_prefix}-{leaf_index:02d}{index:03d}"
            product = Product(
                vendor=vendor,
                title=title,
                slug=slugify(f"{title}-{sku}"),
                sku=sku,
                description=(
                    f"**{title}** from our {category.name.lower()} range.\n\n"
                    f"- Made to last\n- Easy to care for\n- Ships in 2 days"
                ),
                price=price,
                compare_at_price=(price + Decimal(10)) if on_sale else None,
                currency="EUR",
                category=category,
                options=options,
                status=Product.Status.ACTIVE,
                is_featured=index < 2 and leaf_index < 4,
            )
            products.append(product)
            combos = itertools.product(*(o["values"] for o in options)) if options else [()]
            for position, combo in enumerate(combos):
                values = {o["name"]: value for o, value in zip(options, combo, strict=True)}
                variant_sku = f"{sku}-{'-'.join(combo)}".upper() if combo else sku
                variants.append((product, position, values, variant_sku))
    with vendor_scope(vendor):
        Product.objects.bulk_create(products, batch_size=500)
        Variant.objects.bulk_create(
            [
                Variant(
                    vendor=vendor,
                    product=product,
                    sku=sku,
                    values=values,
                    position=position,
                    is_default=not values,
                )
                for product, position, values, sku in variants
            ],
            batch_size=1000,
        )
    categories.changed_on_commit(vendor.pk)
    return len(products)


def seed_demo_images(vendor: Vendor) -> int:
    """A picture for each kind of product of ``vendor``'s demo catalogue, shown by its products,
    unless its products show images already; returns how many pictures were made."""
    if vendor.code not in DEMO_CATALOGS:
        return 0
    tree, _kind = DEMO_CATALOGS[vendor.code]
    nouns = [noun for children in tree.values() for group in children.values() for noun in group]
    with vendor_scope(vendor):
        if ProductImage.objects.exists() or not Product.objects.exists():
            return 0
        products = list(Product.objects.values_list("pk", "title"))
    pictures = {}
    for index, noun in enumerate(nouns):
        upload = SimpleUploadedFile(f"demo-{slugify(noun)}.png", _picture(noun, index), "image/png")
        pictures[noun.lower()] = store_image(
            process_image(upload, max_bytes=10 * MIB),
            vendor=vendor,
            original_name=upload.name,
            alt_text=noun,
        )
    rows = [
        ProductImage(vendor=vendor, product_id=pk, media=pictures[noun], position=0)
        for pk, title in products
        if (noun := title.split(" ", 1)[1]) in pictures
    ]
    with vendor_scope(vendor):
        ProductImage.objects.bulk_create(rows, batch_size=1000)
    categories.changed_on_commit(vendor.pk)
    return len(pictures)


def _picture(noun: str, index: int) -> bytes:
    """A square picture: the kind of product's name under its initial, in soft colours."""
    background, foreground = PALETTE[index % len(PALETTE)]
    image = Image.new("RGB", (480, 480), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((128, 68, 352, 292), fill=foreground)
    draw.text((240, 180), noun[0].upper(), fill=background, anchor="mm", font_size=128)
    draw.text((240, 375), noun, fill=foreground, anchor="mm", font_size=42)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
