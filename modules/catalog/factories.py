"""factory-boy factories of the catalog's models (tests, demo data, the isolation walk)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from modules.catalog.models import Category, Product, ProductImage, Variant
from modules.catalog.services.categories import STATS_SCOPE, catalog_scope
from modules.tenancy.factories import ScopeFreeFactory, VendorFactory
from modules.tenancy.scoping import vendor_scope
from orion_core import shared_cache


def _changed(vendor_id: int) -> None:
    """What the services do once their change commits: the vendor's cached catalog (tree,
    featured products, product count) and the platforms' catalog figures are stale. Factories
    write outside the services, so they say it too."""
    shared_cache.bump(catalog_scope(vendor_id), STATS_SCOPE)


class CategoryFactory(factory.django.DjangoModelFactory):
    """A top-level category of a vendor's tree (``parent=`` makes it a subcategory), made
    through treebeard inside the vendor's scope as the service does."""

    class Meta:
        model = Category

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda c: f"category-{c.name.split()[-1].lower()}")

    @classmethod
    def _create(cls, model_class: type[Category], *args: Any, **kwargs: Any) -> Category:
        parent = kwargs.pop("parent", None)
        with vendor_scope(kwargs["vendor"]):
            if parent is not None:
                category = model_class.objects.add_child(parent, create_kwargs=kwargs)
            else:
                category = model_class.objects.add_root(create_kwargs=kwargs)
        _changed(category.vendor_id)
        return category


class ProductFactory(ScopeFreeFactory):
    """An active product with its default variant."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    description = "A fine product."
    price = Decimal("19.90")
    currency = "EUR"
    status = Product.Status.ACTIVE

    @factory.post_generation
    def default_variant(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and not self.options:
            VariantFactory(vendor=self.vendor, product=self, sku=self.sku, is_default=True)
        if create:
            _changed(self.vendor_id)


class VariantFactory(ScopeFreeFactory):
    class Meta:
        model = Variant

    vendor = factory.SelfAttribute("product.vendor")
    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"VAR-{n:05d}")
    values = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class: type[Variant], *args: Any, **kwargs: Any) -> Variant:
        variant = super()._create(model_class, *args, **kwargs)
        _changed(variant.vendor_id)
        return variant


class ProductImageFactory(ScopeFreeFactory):
    """An image of the product's vendor's media library shown for the product."""

    class Meta:
        model = ProductImage

    vendor = factory.SelfAttribute("product.vendor")
    product = factory.SubFactory(ProductFactory)
    media = factory.SubFactory(
        "modules.cms.factories.MediaFactory", vendor=factory.SelfAttribute("..vendor")
    )
    position = factory.Sequence(int)

    @classmethod
    def _create(cls, model_class: type[ProductImage], *args: Any, **kwargs: Any) -> ProductImage:
        image = super()._create(model_class, *args, **kwargs)
        _changed(image.vendor_id)
        return image
