"""What a vendor sells: categories (a tree), products and their variants.

Every row carries its vendor directly and is read through ``ScopedManager(vendor="vendor")``:
inside ``vendor_scope(vendor)`` queries see only that vendor's rows, outside any scope they
raise (``modules.tenancy.scoping``).

Every product has at least one variant, because stock, prices at checkout and order lines are
kept per variant. A product without options has exactly one, its *default* variant, whose SKU
and price follow the product's (``modules.catalog.services.products`` keeps them in step). A
product with options (``[{"name": "Size", "values": ["S", "M"]}, …]``) has one variant per
combination it sells, each with its own SKU, an optional price of its own and its own stock.

Money is ``Decimal`` with two places in the product's currency (ISO 4217), never float.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from treebeard.mp_tree import MP_Node, MP_NodeManager

CURRENCY_VALIDATOR = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))
SKU_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    _("Use letters, digits and . _ / - (starting with a letter or digit)."),
)


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class Category(MP_Node):
    """A node of one vendor's category tree (django-treebeard, materialized path).

    Each vendor has a tree of its own: paths are unique per vendor, and every tree operation
    runs inside the vendor's scope, where treebeard's queries see only that vendor's nodes
    (``modules.catalog.services.categories`` makes sure of it).
    """

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("vendor"),
    )
    path = models.CharField(max_length=255)  # unique per vendor (Meta), not across vendors
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    node_order_by = ["name"]
    objects = ScopedManager(vendor="vendor", _manager_class=MP_NodeManager)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "path"], name="catalog_category_path"),
            models.UniqueConstraint(fields=["vendor", "slug"], name="catalog_category_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        ARCHIVED = "archived", _("archived")

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="products",
        verbose_name=_("vendor"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64, validators=[SKU_VALIDATOR])
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown. HTML and scripts are removed.")
    )
    price = money_field(_("price"))
    compare_at_price = money_field(
        _("compare-at price"),
        null=True,
        blank=True,
        help_text=_("The former price, shown struck through when higher than the price."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[CURRENCY_VALIDATOR]
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_('What variants differ in, e.g. [{"name": "Size", "values": ["S", "M"]}].'),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Kept by a database trigger on PostgreSQL (migration 0002): full-text search of the title,
    # the SKU and the description. Unused on SQLite, which searches with icontains.
    search = SearchVectorField(null=True, editable=False)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "sku"], name="catalog_product_sku"),
            models.UniqueConstraint(fields=["vendor", "slug"], name="catalog_product_slug"),
        ]
        indexes = [
            models.Index(fields=["vendor", "status", "title"], name="catalog_product_listing"),
            models.Index(fields=["vendor", "category", "status"], name="catalog_product_category"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


class Variant(models.Model):
    """One sellable version of a product (its default one, or one combination of options)."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="variants",
        verbose_name=_("vendor"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    sku = models.CharField(_("SKU"), max_length=64, validators=[SKU_VALIDATOR])
    values = models.JSONField(
        _("option values"), default=dict, blank=True, help_text=_('e.g. {"Size": "M"}')
    )
    price = money_field(
        _("price"), null=True, blank=True, help_text=_("Empty: the product's price.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_default = models.BooleanField(_("default variant"), default=False)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["product", "position", "pk"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "sku"], name="catalog_variant_sku"),
        ]

    def __str__(self) -> str:
        if not self.values:
            return self.product.title
        return f"{self.product.title} ({', '.join(str(v) for v in self.values.values())})"

    @property
    def effective_price(self) -> Decimal:
        return self.price if self.price is not None else self.product.price


class ProductImage(models.Model):
    """An image of the vendor's media library shown for a product, in order (the first is the
    one listings show). The media cannot be deleted while a product shows it."""

    vendor = models.ForeignKey(
        "tenancy.Vendor", on_delete=models.CASCADE, related_name="+", verbose_name=_("vendor")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    media = models.ForeignKey(
        "cms.Media",
        on_delete=models.PROTECT,
        related_name="product_images",
        verbose_name=_("image"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["product", "position", "pk"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        constraints = [
            models.UniqueConstraint(fields=["product", "media"], name="catalog_image_once"),
        ]

    def __str__(self) -> str:
        return f"{self.product} #{self.position + 1}"
