"""The vendor portal's forms: the product with its options and variant editor, the list's filters
and bulk actions, and the category forms.

Forms parse and present; the rules are the services' (``modules.catalog.services``). A
``CatalogError`` from a service comes back onto the fields it names (``add_service_errors``),
so the page answers 400 with every problem at its field and nothing saved. They run inside the
vendor's scope: category choices are the vendor's own (another vendor's id is not a choice).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.catalog.models import Category, Product
from modules.catalog.services import categories, portal
from modules.catalog.services.products import (
    MAX_OPTIONS,
    MAX_VARIANTS,
    ProductInput,
    VariantInput,
    generate_variants,
)
from modules.tenancy.models import Vendor

NO_CATEGORY = [("", pgettext_lazy("catalog", "— none —"))]
SKU_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]+")
STATUS_CHOICES = [(value, capfirst(label)) for value, label in Product.Status.choices]


def money_field(label: Any, *, required: bool, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


class CategoryChoiceField(forms.TypedChoiceField):
    """One of the vendor's categories, offered as the indented tree (from the cache)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Category | None:
        pk = super().clean(value)
        if pk in (None, ""):
            return None
        category = portal.own_category(pk)
        if category is None:
            raise ValidationError(self.error_messages["invalid_choice"] % {"value": value})
        return category


def add_service_errors(form: forms.Form, errors: Mapping[str, Sequence[str]]) -> list[str]:
    """Put a service's errors on ``form``'s fields; returns those it has no field for."""
    left = []
    for name, messages in errors.items():
        target = None if name == "__all__" else name
        if target is not None and target not in form.fields:
            left.extend(messages)
            continue
        for message in messages:
            form.add_error(target, message)
    return left


# --- the product ---------------------------------------------------------------------------------


class ProductForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=200,
        required=False,
        help_text=_("The product's address in the shop; empty: made from the title."),
    )
    sku = forms.CharField(
        label=_("SKU"), max_length=64, help_text=_("Unique among all your products and variants.")
    )
    description = forms.CharField(
        label=pgettext_lazy("catalog", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists, links. HTML and scripts are removed."),
    )
    price = money_field(_("Price"), required=True)
    compare_at_price = money_field(
        _("Compare-at price"),
        required=False,
        help_text=_("The former price, shown struck through when higher than the price."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="EUR",
        help_text=_("Three-letter ISO 4217 code, e.g. EUR."),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    category = CategoryChoiceField(label=_("Category"))
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, initial=Product.Status.DRAFT
    )
    is_featured = forms.BooleanField(label=_("Featured on the shop's home page"), required=False)
    images = forms.TypedMultipleChoiceField(
        label=_("Images"),
        coerce=int,
        required=False,
        help_text=_("From your media library; the first is shown in lists. Number them to order."),
    )

    def __init__(self, *args: Any, vendor: Vendor, library: Sequence[Any] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = NO_CATEGORY + portal.category_choices(vendor)
        self.library = list(library)
        self.fields["images"].choices = [(media.pk, str(media)) for media in self.library]

    def _order(self, pk: int, default: int) -> tuple[int, int]:
        raw = str(self.data.get(f"images-order-{pk}", "")).strip() if self.is_bound else ""
        return (int(raw), default) if raw.isdigit() else (10_000, default)

    def clean_images(self) -> list[Any]:
        """The chosen media (the vendor's: only its library is offered), in the order their
        numbers give (unnumbered ones after, as listed)."""
        ids = self.cleaned_data["images"]
        by_id = {media.pk: media for media in self.library}
        ordered = sorted(ids, key=lambda pk: self._order(pk, ids.index(pk)))
        return [by_id[pk] for pk in ordered]

    def image_tiles(self) -> list[dict[str, Any]]:
        """The picker's tiles: every offered image, whether it is chosen, and its number."""
        if self.is_bound:
            chosen = [int(v) for v in self.data.getlist("images") if str(v).isdigit()]
            numbers = {pk: self.data.get(f"images-order-{pk}", "") for pk in chosen}
        else:
            chosen = list(self.initial.get("images", []))
            numbers = {pk: str(index + 1) for index, pk in enumerate(chosen)}
        return [
            {"media": media, "checked": media.pk in chosen, "order": numbers.get(media.pk, "")}
            for media in self.library
        ]

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        return {
            "title": product.title,
            "slug": product.slug,
            "sku": product.sku,
            "description": product.description,
            "price": product.price,
            "compare_at_price": product.compare_at_price,
            "currency": product.currency,
            "category": product.category_id or "",
            "status": product.status,
            "is_featured": product.is_featured,
            "images": [image.media_id for image in product.images.all()],
        }


class OptionForm(forms.Form):
    """One option (an attribute variants differ in): its name and its values."""

    name = forms.CharField(
        label=_("Option"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Size")}),
    )
    values = forms.CharField(
        label=_("Values"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. S, M, L")}),
        help_text=_("Separated by commas."),
    )

    def option(self) -> dict[str, Any] | None:
        name = (self.cleaned_data.get("name") or "").strip()
        values = [v.strip() for v in (self.cleaned_data.get("values") or "").split(",")]
        values = [v for v in values if v]
        if not name and not values:
            return None
        return {"name": name, "values": values}


OptionFormSet = forms.formset_factory(
    OptionForm, extra=MAX_OPTIONS, max_num=MAX_OPTIONS, absolute_max=MAX_OPTIONS
)


class VariantForm(forms.Form):
    """One combination of option values: sold or not, its SKU and its own price."""

    values = forms.CharField(widget=forms.HiddenInput)
    enabled = forms.BooleanField(label=_("Sell"), required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    price = money_field(_("Price"), required=False, help_text=_("Empty: the product's price."))

    def clean_values(self) -> dict[str, str]:
        try:
            values = json.loads(self.cleaned_data["values"])
        except ValueError:
            values = None
        if not isinstance(values, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in values.items()
        ):
            raise ValidationError(_("Pick one value of every option."))
        return values

    @property
    def label(self) -> str:
        raw = self["values"].value()
        try:
            values = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
        except ValueError:
            return ""
        return " / ".join(str(v) for v in values.values()) if isinstance(values, dict) else ""


VariantFormSet = forms.formset_factory(
    VariantForm, extra=0, max_num=MAX_VARIANTS * 4, absolute_max=MAX_VARIANTS * 4
)


def key_of(values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(values.items()))


def suggested_sku(product_sku: str, values: Mapping[str, str]) -> str:
    words = (SKU_UNSAFE.sub("-", str(value)).strip("-") for value in values.values())
    parts = [product_sku or "SKU", *words]
    return "-".join(p for p in parts if p).upper()[:64]


def variant_rows(
    options: Sequence[Mapping[str, Any]],
    product_sku: str,
    known: Mapping[tuple, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The variant editor's rows: one per combination of the options' values. A combination
    already known (sold, or typed in before) keeps what it had; a new one is offered with a
    suggested SKU, switched on."""
    rows = []
    for values in generate_variants(options):
        row = known.get(key_of(values))
        if row is None:
            row = {"enabled": True, "sku": suggested_sku(product_sku, values), "price": None}
        rows.append(
            {
                "values": json.dumps(values, ensure_ascii=False),
                "enabled": row["enabled"],
                "sku": row["sku"],
                "price": row["price"],
            }
        )
    return rows


def variant_initial(product: Product) -> list[dict[str, Any]]:
    """The editor's rows for a saved product: its variants, then the combinations it does not
    sell (off)."""
    if not product.options:
        return []
    known = {
        key_of(v.values): {"enabled": True, "sku": v.sku, "price": v.price}
        for v in product.variants.all()
    }
    rows = variant_rows(product.options, product.sku, known)
    for row in rows:
        if key_of(json.loads(row["values"])) not in known:
            row["enabled"] = False
    return rows


def option_initial(product: Product) -> list[dict[str, str]]:
    return [{"name": o["name"], "values": ", ".join(o["values"])} for o in product.options]


def product_input(
    form: ProductForm, options: list[dict[str, Any]], variant_forms: Sequence[VariantForm]
) -> tuple[ProductInput, list[int]]:
    """The service's input from valid forms, and for each variant given to the service the
    index of its row in the editor (to put ``variants.<n>.…`` errors back on their row)."""
    data = form.cleaned_data
    variants, rows = [], []
    for index, variant_form in enumerate(variant_forms):
        cleaned = variant_form.cleaned_data
        if cleaned.get("enabled"):
            variants.append(VariantInput(cleaned["sku"], cleaned["values"], cleaned["price"]))
            rows.append(index)
    return (
        ProductInput(
            title=data["title"],
            sku=data["sku"],
            price=data["price"],
            currency=data["currency"],
            slug=data["slug"],
            description=data["description"],
            compare_at_price=data["compare_at_price"],
            category=data["category"],
            status=data["status"],
            is_featured=data["is_featured"],
            options=options,
            variants=variants,
            images=data["images"],
        ),
        rows,
    )


# --- the product list ----------------------------------------------------------------------------


class ProductFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Title, SKU or description"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("catalog", "All")), *STATUS_CHOICES],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    featured = forms.ChoiceField(
        label=_("Featured"),
        required=False,
        choices=[("", pgettext_lazy("catalog", "All")), ("yes", _("Yes")), ("no", _("No"))],
    )
    o = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, vendor: Vendor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", pgettext_lazy("catalog", "All")),
            (portal.UNCATEGORISED, _("Uncategorised")),
            *portal.category_choices(vendor),
        ]

    def chosen(self) -> portal.ProductFilter:
        if not self.is_bound or not self.is_valid():
            return portal.ProductFilter()
        data = self.cleaned_data
        featured = {"yes": True, "no": False}.get(data["featured"])
        return portal.ProductFilter(
            query=data["q"].strip(),
            status=data["status"],
            category=data["category"],
            featured=featured,
            sort=data["o"] or portal.DEFAULT_SORT,
        )


class BulkActionForm(forms.Form):
    ACTIONS = (
        ("publish", _("Publish")),
        ("archive", _("Archive")),
        ("draft", _("Back to draft")),
        ("category", _("Move to category")),
    )

    action = forms.ChoiceField(label=_("Action"), choices=[("", "---------"), *ACTIONS])
    category = CategoryChoiceField(label=_("Category"))
    selected = forms.TypedMultipleChoiceField(coerce=int, required=False)
    select_across = forms.BooleanField(required=False)

    def __init__(self, *args: Any, vendor: Vendor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("Uncategorised")),
            *portal.category_choices(vendor),
        ]
        # Ids are checked against the vendor's products by the view (scoped), not here.
        key = self.add_prefix("selected")
        raw = self.data.getlist(key) if hasattr(self.data, "getlist") else []
        self.fields["selected"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("selected") and not cleaned.get("select_across"):
            raise ValidationError(_("Select the products to change first."))
        return cleaned


# --- categories ----------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=100,
        required=False,
        help_text=_("The category's address in the shop; empty: made from the name."),
    )
    parent = CategoryChoiceField(label=_("Parent category"))
    description = forms.CharField(
        label=pgettext_lazy("catalog", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, vendor: Vendor, category: Category | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        tree = categories.category_tree(vendor)
        excluded: set[int] = set()
        if category is not None:  # not into itself or its subcategories
            trail = categories.trail_to(tree, category.pk)
            excluded = set(categories.descendant_ids(trail[-1])) if trail else {category.pk}
        self.fields["parent"].choices = [("", _("— top level —"))] + [
            (value, label)
            for value, label in portal.category_choices(vendor)
            if int(value) not in excluded
        ]
