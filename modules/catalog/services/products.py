"""Creating and changing products with their variants, all or nothing.

``save_product`` validates everything first (field by field, as a form or the API shows it) and
then writes the product, its variants and its images in one transaction: bad input raises
``CatalogError`` and leaves nothing half-saved. SKUs are one namespace per vendor: a product's
SKU and every variant's SKU are distinct from all others of the vendor (a product's default
variant shares its product's SKU, being the same thing sold).

A product turning active sends ``product_published`` once its transaction commits.

**The plan's limit.** Creating a product asks the entitlements contract for the vendor's
``max_products`` on the platform (``orion_core.features``; billing answers when it is on, else
unlimited) and refuses the one beyond it with ``LimitReached``: "Your plan allows 100 products.
Upgrade to Growth or Pro for more." Every product counts, whatever its status (archive or
delete to make room). The count is taken under a lock of the vendor's row in the creating
transaction, so two creations at once cannot both take the last place.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from modules.catalog.models import (
    CURRENCY_VALIDATOR,
    SKU_VALIDATOR,
    Category,
    Product,
    ProductImage,
    Variant,
)
from modules.catalog.services.categories import catalog_scope, changed_on_commit
from modules.catalog.services.errors import CatalogError
from modules.tenancy.context import current as current_tenant
from modules.tenancy.models import Vendor
from modules.tenancy.scoping import vendor_scope
from orion_core import features, shared_cache
from orion_core.domain_events import product_published

MAX_PRICE = Decimal("9999999999.99")
MAX_OPTIONS = 3
MAX_VARIANTS = 100
MAX_IMAGES = 20
TEXT_LIMITS = {"title": 200, "sku": 64, "slug": 200}
# The plan limit counted here (declared in CatalogConfig.limits).
PRODUCT_LIMIT = "max_products"


@dataclass(frozen=True)
class VariantInput:
    """One variant as a form or the API gives it: option values, SKU and an optional price."""

    sku: str
    values: Mapping[str, str] = field(default_factory=dict)
    price: Decimal | str | None = None


@dataclass
class ProductInput:
    """Everything a product is made of. ``variants`` is ignored for a product without options
    (its default variant follows the product). ``images``: media of the vendor's library in the
    order to show them; None leaves a product's images as they are."""

    title: str
    sku: str
    price: Decimal | str
    currency: str = "EUR"
    slug: str = ""
    description: str = ""
    compare_at_price: Decimal | str | None = None
    category: Category | None = None
    status: str = Product.Status.DRAFT
    is_featured: bool = False
    options: Sequence[Mapping[str, Any]] = ()
    variants: Sequence[VariantInput] = ()
    images: Sequence[Any] | None = None


# --- saving ---------------------------------------------------------------------------------------


def save_product(
    vendor: Vendor, data: ProductInput, *, product: Product | None = None, platform: Any = None
) -> Product:
    """Create (``product`` None) or update ``product`` of ``vendor`` from ``data``.

    ``platform`` (a Platform or id; default: the platform of the running request or task)
    is where the vendor's plan is asked about a new product; without one nothing is counted.
    """
    with vendor_scope(vendor):
        clean = _validated(vendor, data, product)
        try:
            with transaction.atomic():
                if product is None:
                    _check_product_limit(vendor, platform)
                saved = _write(vendor, clean, product)
        except IntegrityError:  # a concurrent save took the SKU or slug between check and write
            raise CatalogError.on("sku", _("This SKU or slug was just taken; try again.")) from None
        except (ProtectedError, RestrictedError):
            raise CatalogError.on(
                "variants",
                _("A variant you removed has stock or orders; archive the product instead."),
            ) from None
    return saved


def product_count(vendor_id: int) -> int:
    """How many products the vendor has, whatever their status (what ``max_products`` caps)."""
    return Product.objects.with_scopes_disabled().filter(vendor_id=vendor_id).count()


def cached_product_count(vendor_id: int) -> int:
    """``product_count`` from the shared cache, stale on the vendor's next catalog change: what
    billing shows against ``max_products`` on every visit of the vendor's dashboard. The limit
    check counts live (``_check_product_limit``), under the vendor's lock."""
    return shared_cache.get_or_load(
        f"orion:catalog:product-count:{vendor_id}",
        lambda: product_count(vendor_id),
        scope=catalog_scope(vendor_id),
    )


def _check_product_limit(vendor: Vendor, platform: Any) -> None:
    """Refuse a new product beyond the vendor's plan (``LimitReached``). Asked first without
    a lock: an unlimited plan (billing off, or a tier without the limit) costs no query."""
    platform = platform if platform is not None else current_tenant().platform_id
    if platform is None:
        return
    platform_id = getattr(platform, "pk", platform)
    if features.provider(platform_id).limit(platform_id, vendor.pk, PRODUCT_LIMIT).unlimited:
        return
    Vendor.objects.select_for_update().filter(pk=vendor.pk).values_list("pk", flat=True).get()
    features.check_limit(
        platform_id, vendor.pk, PRODUCT_LIMIT, product_count(vendor.pk), label=_("products")
    )


def generate_variants(options: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Every combination of the options' values, in order (the variant editor's rows)."""
    names = [str(o["name"]) for o in options]
    return [
        dict(zip(names, combination, strict=True))
        for combination in itertools.product(*(list(o["values"]) for o in options))
    ]


@dataclass
class _Clean:
    fields: dict[str, Any]
    options: list[dict[str, Any]]
    variants: list[tuple[str, dict[str, str], Decimal | None]]  # sku, values, price
    images: list[Any] | None = None


def _validated(vendor: Vendor, data: ProductInput, product: Product | None) -> _Clean:
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = (data.title or "").strip()
    if not title:
        err("title", _("Enter a title."))
    sku = (data.sku or "").strip()
    _check_sku(sku, "sku", err)
    slug = slugify(data.slug or title)[: TEXT_LIMITS["slug"]]
    if not slug:
        err("slug", _("Enter a slug of letters, digits or hyphens."))
    if len(title) > TEXT_LIMITS["title"]:
        err("title", _("Use at most %(max)d characters.") % {"max": TEXT_LIMITS["title"]})
    price = _money(data.price, "price", err, required=True)
    compare_at = _money(data.compare_at_price, "compare_at_price", err, required=False)
    currency = (data.currency or "").strip().upper()
    try:
        CURRENCY_VALIDATOR(currency)
    except ValidationError as error:
        err("currency", error.messages[0])
    if data.status not in Product.Status.values:
        err("status", _("Choose draft, active or archived."))
    if data.category is not None and data.category.vendor_id != vendor.pk:
        err("category", _("Choose one of your own categories."))
    options = _options(data.options, err)
    variants = _variants(sku, options, data.variants, err) if "options" not in errors else []
    images = _images(vendor, data.images, err)

    own_variants = set(product.variants.values_list("pk", flat=True)) if product else set()
    for sku_field, code in [("sku", sku)] + [
        (f"variants.{i}.sku", v[0]) for i, v in enumerate(variants)
    ]:
        if code and _sku_taken(code, product, own_variants):
            err(sku_field, _("The SKU %(sku)s is already used by another product.") % {"sku": code})
    if slug and Product.objects.filter(slug=slug).exclude(pk=getattr(product, "pk", None)).exists():
        err("slug", _("Another product already uses this slug."))
    if errors:
        raise CatalogError(errors)
    fields = {
        "title": title,
        "sku": sku,
        "slug": slug,
        "description": data.description or "",
        "price": price,
        "compare_at_price": compare_at,
        "currency": currency,
        "category": data.category,
        "status": data.status,
        "is_featured": bool(data.is_featured),
        "options": options,
    }
    return _Clean(fields=fields, options=options, variants=variants, images=images)


def _check_sku(sku: str, name: str, err: Any) -> None:
    if not sku:
        err(name, _("Enter a SKU."))
        return
    if len(sku) > TEXT_LIMITS["sku"]:
        err(name, _("Use at most %(max)d characters.") % {"max": TEXT_LIMITS["sku"]})
    try:
        SKU_VALIDATOR(sku)
    except ValidationError as error:
        err(name, error.messages[0])


def _money(value: Any, name: str, err: Any, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            err(name, _("Enter a price."))
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        err(name, _("Enter a number such as 12.50."))
        return None
    if not amount.is_finite() or amount < 0:
        err(name, _("Enter an amount of zero or more."))
        return None
    if amount > MAX_PRICE or amount.as_tuple().exponent < -2:
        err(name, _("Use at most 10 digits before the decimal point and 2 after it."))
        return None
    return amount.quantize(Decimal("0.01"))


def _options(raw: Sequence[Mapping[str, Any]], err: Any) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    if len(raw) > MAX_OPTIONS:
        err("options", _("Use at most %(max)d options.") % {"max": MAX_OPTIONS})
        return []
    for option in raw:
        name = str(option.get("name", "")).strip()
        values = [str(v).strip() for v in option.get("values", []) if str(v).strip()]
        if not name or not values:
            err("options", _("Each option needs a name and at least one value."))
        elif name.casefold() in {o["name"].casefold() for o in options}:
            err("options", _("Option names must differ: %(name)s.") % {"name": name})
        elif len({v.casefold() for v in values}) != len(values):
            err("options", _("The values of %(name)s must differ.") % {"name": name})
        else:
            options.append({"name": name, "values": values})
    return options


def _variants(
    product_sku: str,
    options: list[dict[str, Any]],
    raw: Sequence[VariantInput],
    err: Any,
) -> list[tuple[str, dict[str, str], Decimal | None]]:
    if not options:
        return []
    if not raw:
        err("variants", _("Add at least one variant."))
        return []
    if len(raw) > MAX_VARIANTS:
        err("variants", _("Use at most %(max)d variants.") % {"max": MAX_VARIANTS})
        return []
    allowed = {o["name"]: set(o["values"]) for o in options}
    seen_values: set[tuple] = set()
    seen_skus = {product_sku}
    variants = []
    for index, variant in enumerate(raw):
        prefix = f"variants.{index}"
        sku = (variant.sku or "").strip()
        _check_sku(sku, f"{prefix}.sku", err)
        if sku and sku in seen_skus:
            err(f"{prefix}.sku", _("Every variant needs a SKU of its own."))
        seen_skus.add(sku)
        values = {str(k): str(v).strip() for k, v in dict(variant.values).items()}
        if set(values) != set(allowed) or any(v not in allowed[k] for k, v in values.items()):
            err(f"{prefix}.values", _("Pick one value of every option."))
        key = tuple(sorted(values.items()))
        if key in seen_values:
            err(f"{prefix}.values", _("Two variants have the same values."))
        seen_values.add(key)
        price = _money(variant.price, f"{prefix}.price", err, required=False)
        variants.append((sku, values, price))
    return variants


def _images(vendor: Vendor, raw: Sequence[Any] | None, err: Any) -> list[Any] | None:
    if raw is None:
        return None
    images = list(raw)
    if len(images) > MAX_IMAGES:
        err("images", _("Use at most %(max)d images.") % {"max": MAX_IMAGES})
    if any(getattr(media, "vendor_id", None) != vendor.pk for media in images):
        err("images", _("Choose images from your own media library."))
    if len({media.pk for media in images}) != len(images):
        err("images", _("Choose each image once."))
    return images


def _sku_taken(sku: str, product: Product | None, own_variants: set[int]) -> bool:
    """Whether another product, or a variant of another product, of the vendor uses ``sku``."""
    products = Product.objects.filter(sku=sku)
    variants = Variant.objects.filter(sku=sku)
    if product is not None:
        products = products.exclude(pk=product.pk)
        variants = variants.exclude(pk__in=own_variants)
    return products.exists() or variants.exists()


def _write(vendor: Vendor, clean: _Clean, product: Product | None) -> Product:
    was_active = product is not None and product.status == Product.Status.ACTIVE
    product = product or Product(vendor=vendor)
    for name, value in clean.fields.items():
        setattr(product, name, value)
    if product.status == Product.Status.ACTIVE and product.published_at is None:
        product.published_at = timezone.now()
    product.save()
    if clean.options:
        _write_variants(vendor, product, clean.variants)
    else:
        _write_default_variant(vendor, product)
    if clean.images is not None:
        _write_images(vendor, product, clean.images)
    if product.status == Product.Status.ACTIVE and not was_active:
        _announce(vendor, [product])
    changed_on_commit(vendor.pk)
    return product


def _write_default_variant(vendor: Vendor, product: Product) -> None:
    Variant.objects.filter(product=product, is_default=False).delete()
    Variant.objects.update_or_create(
        product=product,
        is_default=True,
        defaults={"vendor": vendor, "sku": product.sku, "values": {}, "price": None, "position": 0},
    )


def _write_variants(
    vendor: Vendor, product: Product, variants: list[tuple[str, dict[str, str], Decimal | None]]
) -> None:
    """Keep variants whose values are still offered (their stock and history with them), add new
    ones, remove the rest. SKUs are freed first so two variants may swap them."""
    existing = {tuple(sorted(v.values.items())): v for v in product.variants.all()}
    keep = {tuple(sorted(values.items())) for _sku, values, _price in variants}
    Variant.objects.filter(pk__in=[v.pk for k, v in existing.items() if k not in keep]).delete()
    # Unique per vendor: park the kept variants' SKUs on placeholders before handing them out.
    Variant.objects.filter(product=product).update(
        sku=Concat(Value("~"), Cast("pk", output_field=CharField()))
    )
    for position, (sku, values, price) in enumerate(variants):
        key = tuple(sorted(values.items()))
        variant = existing.get(key) or Variant(vendor=vendor, product=product)
        variant.sku, variant.values, variant.price = sku, values, price
        variant.position, variant.is_default = position, False
        variant.save()


def _write_images(vendor: Vendor, product: Product, images: list[Any]) -> None:
    ProductImage.objects.filter(product=product).delete()
    ProductImage.objects.bulk_create(
        ProductImage(vendor=vendor, product=product, media=media, position=position)
        for position, media in enumerate(images)
    )


def _announce(vendor: Vendor, products: Iterable[Product]) -> None:
    platform_id = current_tenant().platform_id
    for product in products:
        product_published.send_on_commit(
            "catalog",
            platform_id=platform_id,
            vendor_id=vendor.pk,
            product_id=product.pk,
            title=product.title,
            sku=product.sku,
        )


# --- changing many at once (the portal's bulk actions) --------------------------------------------


def set_status(vendor: Vendor, products: QuerySet[Product], status: str) -> int:
    """Publish, archive or unpublish the given products of ``vendor``; returns how many changed."""
    if status not in Product.Status.values:
        raise CatalogError.on("status", _("Choose draft, active or archived."))
    with transaction.atomic(), vendor_scope(vendor):
        changing = list(products.exclude(status=status).select_for_update())
        now = timezone.now()
        for product in changing:
            product.status = status
            if status == Product.Status.ACTIVE and product.published_at is None:
                product.published_at = now
            product.save(update_fields=["status", "published_at", "updated_at"])
        if status == Product.Status.ACTIVE:
            _announce(vendor, changing)
        changed_on_commit(vendor.pk)
    return len(changing)


def set_category(vendor: Vendor, products: QuerySet[Product], category: Category | None) -> int:
    if category is not None and category.vendor_id != vendor.pk:
        raise CatalogError.on("category", _("Choose one of your own categories."))
    with transaction.atomic(), vendor_scope(vendor):
        count = products.update(category=category, updated_at=timezone.now())
        changed_on_commit(vendor.pk)
    return count


def delete_product(vendor: Vendor, product: Product) -> None:
    """Delete ``product`` of ``vendor`` with its variants; refused (``CatalogError``) while a
    variant has stock history or orders that keep it: archive such a product instead."""
    if product.vendor_id != vendor.pk:
        raise CatalogError.on("__all__", _("Choose one of your own products."))
    with vendor_scope(vendor):
        try:
            with transaction.atomic():
                product.delete()
        except (ProtectedError, RestrictedError):
            raise CatalogError.on(
                "__all__",
                _("This product has stock or orders; archive it instead."),
            ) from None
        changed_on_commit(vendor.pk)
