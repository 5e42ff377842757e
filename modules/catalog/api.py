"""Catalog APIs.

- ``/api/v1/vendor/<vendor_code>/catalog/products/`` and ``…/categories/``: the vendor's team
  (session or token), read with catalog.view, written with catalog.edit. Products are written
  with their options and variants all or nothing through ``services.products.save_product``;
  its ``CatalogError`` answers 400 with the same field names the portal shows
  (``{"sku": […], "variants.1.price": […]}``).
- ``/api/v1/shop/<vendor_code>/catalog/products/`` and ``…/categories/``: the public,
  read-only storefront API: active products only, looked up by slug, with availability.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from modules.catalog.models import Category, Product
from modules.catalog.services import categories, portal, products, storefront
from modules.catalog.services.errors import CatalogError
from modules.catalog.services.products import ProductInput, VariantInput
from modules.catalog.text import render_description
from modules.cms.models import Media
from orion_core.guards import read_write

VIEW, EDIT = "catalog.view", "catalog.edit"
MAX_PK = 2**63 - 1
VENDOR_CODE = OpenApiParameter(
    "vendor_code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The vendor's code.")
)


def refused(error: CatalogError) -> serializers.ValidationError:
    """A service's refusal as DRF's 400 body: its field names, ``non_field_errors`` for the
    rest."""
    return serializers.ValidationError(
        {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in error.errors.items()
        }
    )


@extend_schema_field(OpenApiTypes.INT)
class OwnCategoryField(serializers.PrimaryKeyRelatedField):
    """A category of the request's vendor by id: the queryset is built per request, inside the
    vendor's scope, so another vendor's id does not exist."""

    def get_queryset(self) -> Any:
        return Category.objects.all()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool) and not 0 < data <= MAX_PK:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer"},
        "description": "Ids of images of the vendor's media library, in the order to show them.",
    }
)
class MediaListField(serializers.Field):
    """Images of the request's vendor's media library by id, in order (read back as ids)."""

    default_error_messages = {
        "not_a_list": _("Expected a list of image ids."),
        "unknown": _("Unknown image id(s) in your media library: %(ids)s."),
    }

    def to_representation(self, value: Any) -> list[int]:
        return [image.media_id for image in value.all()]

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list) or not all(
            isinstance(pk, int) and not isinstance(pk, bool) for pk in data
        ):
            self.fail("not_a_list")
        storable = [pk for pk in data if 0 < pk <= MAX_PK]
        # Media.objects is scoped to the request's vendor: another library's id is unknown.
        found = {media.pk: media for media in Media.objects.filter(pk__in=storable)}
        missing = [pk for pk in data if pk not in found]
        if missing:
            raise serializers.ValidationError(
                self.error_messages["unknown"] % {"ids": ", ".join(map(str, missing))}
            )
        return [found[pk] for pk in data]


# --- vendor API: products ------------------------------------------------------------------------


class OptionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    values = serializers.ListField(child=serializers.CharField(max_length=100), max_length=100)


class VariantSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(max_length=64)
    values = serializers.DictField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text=_('One value of every option, e.g. {"Size": "M", "Colour": "Red"}.'),
    )
    price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        allow_null=True,
        required=False,
        help_text=_("Empty: the product's price."),
    )
    is_default = serializers.BooleanField(read_only=True)


class ProductSerializer(serializers.ModelSerializer):
    """A product with its options and variants. Without options the product has one default
    variant that follows its SKU and price; ``variants`` is then read-only in effect."""

    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    compare_at_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), allow_null=True, required=False
    )
    category = OwnCategoryField(allow_null=True, required=False)
    options = OptionSerializer(many=True, required=False)
    variants = VariantSerializer(many=True, required=False)
    images = MediaListField(required=False)
    description_html = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id",
            "title",
            "slug",
            "sku",
            "description",
            "description_html",
            "price",
            "compare_at_price",
            "currency",
            "category",
            "status",
            "is_featured",
            "options",
            "variants",
            "images",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = ["created_at", "updated_at", "published_at"]
        extra_kwargs = {  # noqa: RUF012 - DRF's Meta
            "slug": {"required": False, "allow_blank": True, "validators": []},
            "sku": {"validators": []},
        }
        # The per-vendor uniqueness of SKU and slug is the service's to check (400 per field).
        validators: list[Any] = []  # noqa: RUF012

    @extend_schema_field(OpenApiTypes.STR)
    def get_description_html(self, product: Product) -> str:
        return str(render_description(product.description))

    def to_representation(self, product: Product) -> dict[str, Any]:
        data = super().to_representation(product)
        data["variants"] = VariantSerializer(list(product.variants.all()), many=True).data
        return data

    def _input(self, data: dict[str, Any], product: Product | None) -> ProductInput:
        def current(name: str, default: Any = None) -> Any:
            if name in data:
                return data[name]
            return getattr(product, name) if product is not None else default

        if "variants" in data:
            variants = [
                VariantInput(v["sku"], v.get("values", {}), v.get("price"))
                for v in data["variants"]
            ]
        elif product is not None and product.options:
            variants = [VariantInput(v.sku, v.values, v.price) for v in product.variants.all()]
        else:
            variants = []
        return ProductInput(
            title=current("title", ""),
            sku=current("sku", ""),
            price=current("price"),
            currency=current("currency", "EUR"),
            slug=current("slug", ""),
            description=current("description", ""),
            compare_at_price=current("compare_at_price"),
            category=current("category"),
            status=current("status", Product.Status.DRAFT),
            is_featured=current("is_featured", False),
            options=[dict(o) for o in current("options", [])],
            variants=variants,
            images=data.get("images"),  # absent: the images stay as they are
        )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        had_options = self.instance is not None and bool(self.instance.options)
        if (
            data.get("options")
            and not had_options
            and not storefront.allows_variants(request.platform)
        ):
            raise serializers.ValidationError(
                {"options": [_("Variants are switched off on this platform.")]}
            )
        return data

    def create(self, validated_data: dict[str, Any]) -> Product:
        try:
            return products.save_product(
                self.context["request"].vendor, self._input(validated_data, None)
            )
        except CatalogError as error:
            raise refused(error) from None

    def update(self, instance: Product, validated_data: dict[str, Any]) -> Product:
        try:
            return products.save_product(
                self.context["request"].vendor,
                self._input(validated_data, instance),
                product=instance,
            )
        except CatalogError as error:
            raise refused(error) from None


STATUS_PARAM = OpenApiParameter(
    "status", OpenApiTypes.STR, enum=Product.Status.values, description=_("Only this status.")
)
CATEGORY_PARAM = OpenApiParameter(
    "category", OpenApiTypes.INT, description=_("Only this category and its subcategories.")
)
SEARCH_PARAM = OpenApiParameter(
    "search", OpenApiTypes.STR, description=_("Title, SKU or description; a variant's SKU.")
)


@extend_schema(parameters=[VENDOR_CODE])
class ProductViewSet(viewsets.ModelViewSet):
    """The vendor's products with their variants."""

    serializer_class = ProductSerializer
    permission = read_write(VIEW, EDIT)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        params = self.request.query_params
        chosen = portal.ProductFilter(
            query=(params.get("search") or "").strip()[:200],
            status=params.get("status", ""),
            category=params.get("category", ""),
            sort="title",
        )
        return portal.products(self.request.vendor, chosen).prefetch_related("variants", "images")

    @extend_schema(parameters=[SEARCH_PARAM, STATUS_PARAM, CATEGORY_PARAM])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_destroy(self, instance: Product) -> None:
        try:
            products.delete_product(self.request.vendor, instance)
        except CatalogError as error:
            raise refused(error) from None

    def _fresh(self, product: Product) -> Product:
        return Product.objects.prefetch_related("variants", "images").get(pk=product.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = serializer.save()
        body = self.get_serializer(self._fresh(product)).data
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        product = serializer.save()
        return Response(self.get_serializer(self._fresh(product)).data)


# --- vendor API: categories ----------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    """A category; ``parent`` moves it (with its subcategories), null to the top level."""

    parent = OwnCategoryField(allow_null=True, required=False)
    slug = serializers.CharField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description", "parent", "depth"]
        read_only_fields = ["depth"]

    def to_representation(self, category: Category) -> dict[str, Any]:
        data = super().to_representation(category)
        parents = self.context.get("parents")
        if parents is not None:
            data["parent"] = parents.get(category.pk)
        else:
            parent = Category.objects.get_parent(category)
            data["parent"] = parent.pk if parent else None
        return data

    def create(self, validated_data: dict[str, Any]) -> Category:
        try:
            return categories.add_category(
                self.context["request"].vendor,
                validated_data.get("name", ""),
                parent=validated_data.get("parent"),
                slug=validated_data.get("slug", ""),
                description=validated_data.get("description", ""),
            )
        except CatalogError as error:
            raise refused(error) from None

    def update(self, instance: Category, validated_data: dict[str, Any]) -> Category:
        try:
            categories.update_category(
                instance,
                name=validated_data.get("name", instance.name),
                slug=validated_data.get("slug", instance.slug),
                description=validated_data.get("description", instance.description),
            )
            if "parent" in validated_data:
                current = Category.objects.get_parent(instance, update=True)
                target = validated_data["parent"]
                if (current.pk if current else None) != (target.pk if target else None):
                    categories.move_category(instance, target)
        except CatalogError as error:
            raise refused(error) from None
        return instance


@extend_schema(parameters=[VENDOR_CODE])
class CategoryViewSet(viewsets.ModelViewSet):
    """The vendor's category tree, as a flat list in tree order (``depth``, ``parent``).
    Deleting a category deletes its subcategories; their products stay, uncategorised."""

    serializer_class = CategorySerializer
    permission = read_write(VIEW, EDIT)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Category.objects.none()
        return Category.objects.order_by("path")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "action", None) == "list" and hasattr(self.request, "vendor"):
            nodes = categories.flattened(categories.category_tree(self.request.vendor))
            context["parents"] = {node.id: node.parent_id for node in nodes}
        return context

    def perform_destroy(self, instance: Category) -> None:
        categories.delete_category(instance)


# --- storefront API ------------------------------------------------------------------------------


class ShopVariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    values = serializers.DictField(child=serializers.CharField())
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    in_stock = serializers.BooleanField()
    available = serializers.IntegerField(
        allow_null=True, help_text=_("How many can be bought; null when stock is not counted.")
    )


class ShopProductSerializer(serializers.Serializer):
    """A product as the shop shows it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text=_("The lowest price of its variants.")
    )
    compare_at_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    in_stock = serializers.BooleanField()
    image = serializers.CharField(allow_null=True, help_text=_("URL of its first image."))


class ShopProductDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description_html = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    compare_at_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    category = serializers.CharField(allow_null=True, help_text=_("The category's slug."))
    options = OptionSerializer(many=True)
    variants = ShopVariantSerializer(many=True)
    images = serializers.ListField(child=serializers.CharField())


class ShopCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    depth = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)


SHOP_PARAMS = [
    OpenApiParameter("search", OpenApiTypes.STR, description=_("Words to look for.")),
    OpenApiParameter("category", OpenApiTypes.STR, description=_("A category's slug.")),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(storefront.SORTS)),
    OpenApiParameter("min_price", OpenApiTypes.DECIMAL),
    OpenApiParameter("max_price", OpenApiTypes.DECIMAL),
]


class PublicAPIMixin:
    """Anybody may read a shop's catalog: no login, and no session (so no CSRF either)."""

    permission_classes = [AllowAny]  # noqa: RUF012
    authentication_classes: list[Any] = []  # noqa: RUF012


@extend_schema(parameters=[VENDOR_CODE])
class ShopProductViewSet(PublicAPIMixin, viewsets.GenericViewSet):
    """The shop's active products; a product by its slug with variants and availability."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    serializer_class = ShopProductSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return storefront.active_products()

    @extend_schema(parameters=SHOP_PARAMS, responses=ShopProductSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params.copy()
        params["q"] = params.get("search", "")
        filters, errors = storefront.parse_filters(params)
        if errors:
            raise serializers.ValidationError({k: [v] for k, v in errors.items()})
        category_ids = None
        if params.get("category"):
            trail = categories.find(categories.category_tree(request.vendor), params["category"])
            if not trail:
                raise serializers.ValidationError({"category": [_("No such category.")]})
            category_ids = categories.descendant_ids(trail[-1])
        found = storefront.filtered(storefront.active_products(), filters, category_ids)
        page = self.paginate_queryset(storefront.card_queryset(found))
        stock = storefront.stock_for(request.modules)
        cards = storefront.with_stock([storefront.card_of(p) for p in page], request.vendor, stock)
        body = [
            {
                "id": c.id,
                "title": c.title,
                "slug": c.slug,
                "price": c.price,
                "compare_at_price": c.compare_at_price,
                "currency": c.currency,
                "in_stock": c.in_stock,
                "image": c.image.src if c.image else None,
            }
            for c in cards
        ]
        return self.get_paginated_response(ShopProductSerializer(body, many=True).data)

    @extend_schema(responses=ShopProductDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = storefront.product_page(
            request.vendor, kwargs["slug"], {}, stock=storefront.stock_for(request.modules)
        )
        if page is None:
            raise Http404
        product = page.product
        body = {
            "id": product.pk,
            "title": product.title,
            "slug": product.slug,
            "description_html": str(render_description(product.description)),
            "price": min((row.price for row in page.rows), default=product.price),
            "compare_at_price": product.compare_at_price,
            "currency": product.currency,
            "category": page.trail[-1].slug if page.trail else None,
            "options": product.options,
            "variants": [
                {
                    "id": row.variant.pk,
                    "sku": row.variant.sku,
                    "values": row.variant.values,
                    "price": row.price,
                    "in_stock": row.availability.in_stock,
                    "available": row.availability.available,
                }
                for row in page.rows
            ],
            "images": [image.large for image in page.images],
        }
        return Response(ShopProductDetailSerializer(body).data)


@extend_schema(parameters=[VENDOR_CODE])
class ShopCategoryViewSet(PublicAPIMixin, viewsets.GenericViewSet):
    """The shop's category tree, as a flat list in tree order (from the cache)."""

    serializer_class = ShopCategorySerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return Category.objects.none()

    @extend_schema(responses=ShopCategorySerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        nodes = categories.flattened(categories.category_tree(request.vendor))
        body = [
            {"id": n.id, "name": n.name, "slug": n.slug, "depth": n.depth, "parent": n.parent_id}
            for n in nodes
        ]
        return Response(ShopCategorySerializer(body, many=True).data)


vendor_router = SimpleRouter()
vendor_router.register("products", ProductViewSet, basename="api-product")
vendor_router.register("categories", CategoryViewSet, basename="api-category")

shop_router = SimpleRouter()
shop_router.register("products", ShopProductViewSet, basename="shop-api-product")
shop_router.register("categories", ShopCategoryViewSet, basename="shop-api-category")

vendor_urlpatterns = vendor_router.urls
storefront_urlpatterns = shop_router.urls
