"""Vendor-portal pages of the catalog: the product list (search, filters, sorting, bulk actions,
CSV export), the product form with its variant editor, and the category tree.

Thin: the rules are in ``modules.catalog.services``; a ``CatalogError`` comes back onto the
form's fields with a 400 and nothing saved. Every view runs behind the tenant guard inside the
vendor's scope, so another vendor's product or category is simply not found (404).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView, TemplateView

from modules.catalog import forms
from modules.catalog.models import Category, Product, ProductImage
from modules.catalog.services import categories, portal, products, storefront
from modules.catalog.services.errors import CatalogError
from modules.cms.models import Media
from modules.tenancy.scoping import vendor_scope
from orion_core.guards import read_write
from orion_core.permissions import has_permission

VIEW, EDIT, EXPORT = "catalog.view", "catalog.edit", "catalog.export"
LIBRARY_SIZE = 48  # the newest images of the media library the product form offers


def portal_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"catalog:{name}", kwargs={"vendor_code": request.vendor.code, **kwargs})


class PortalMixin:
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request
        return super().get_context_data(  # type: ignore[misc]
            vendor=request.vendor,
            can_edit=has_permission(request, EDIT),
            can_export=has_permission(request, EXPORT),
            **kwargs,
        )


# --- the product list ----------------------------------------------------------------------------

COLUMNS = (
    ("title", gettext_lazy("Title")),
    ("sku", gettext_lazy("SKU")),
    ("price", gettext_lazy("Price")),
    ("category", gettext_lazy("Category")),
    ("status", gettext_lazy("Status")),
    ("updated", gettext_lazy("Updated")),
)


class ProductListView(PortalMixin, ListView):
    """The products, as usable as the Django admin's change list: search, filters, sortable
    columns, pagination, and bulk actions on the selected products (or on every product
    the filters match). POST (the bulk actions) needs catalog.edit."""

    permission = read_write(VIEW, EDIT)
    template_name = "catalog/vendor/product_list.html"
    context_object_name = "products"
    paginate_by = 50

    def filter_form(self, data: Any) -> forms.ProductFilterForm:
        return forms.ProductFilterForm(data or None, vendor=self.request.vendor)

    def get_queryset(self) -> Any:
        self.filters = self.filter_form(self.request.GET)
        self.chosen = self.filters.chosen()
        return portal.products(self.request.vendor, self.chosen).prefetch_related(
            "variants", Prefetch("images", queryset=ProductImage.objects.select_related("media"))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = list(context["products"])
        ids = [v.pk for p in page for v in p.variants.all()]
        stock = storefront.stock_for(self.request.modules)
        known = stock.availability(self.request.vendor.pk, ids) if ids else {}
        rows = []
        for product in page:
            variants, images = list(product.variants.all()), list(product.images.all())
            tracked = [known[v.pk] for v in variants if v.pk in known and known[v.pk].tracked]
            rows.append(
                {
                    "product": product,
                    "variants": len(variants),
                    "image": images[0].media if images else None,
                    "stock": sum(a.available or 0 for a in tracked) if tracked else None,
                }
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            rows=rows,
            filter_form=self.filters,
            bulk_form=kwargs.get("bulk_form")
            or forms.BulkActionForm(vendor=self.request.vendor, prefix="bulk"),
            filter_query=query.urlencode(),
            columns=self.columns(query),
            total=context["paginator"].count,
            filtered=bool(self.request.GET.get("q") or self.filters.has_changed()),
        )
        return context

    def columns(self, query: QueryDict) -> list[dict[str, Any]]:
        current = self.chosen.sort
        found = []
        for key, label in COLUMNS:
            ascending = current == key
            descending = current == f"-{key}"
            params = query.copy()
            params["o"] = f"-{key}" if ascending else key
            found.append(
                {
                    "key": key,
                    "label": label,
                    "url": "?" + params.urlencode(),
                    "sorted": "asc" if ascending else ("desc" if descending else ""),
                }
            )
        return found

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor
        form = forms.BulkActionForm(request.POST, vendor=vendor, prefix="bulk")
        back = request.POST.get("filters", "")
        if not form.is_valid():
            self.request.GET = QueryDict(back)
            self.object_list = self.get_queryset()
            context = self.get_context_data(bulk_form=form)
            return self.render_to_response(context, status=400)
        data = form.cleaned_data
        if data["select_across"]:
            chosen = self.filter_form(QueryDict(back)).chosen()
            selected = Product.objects.filter(pk__in=portal.products(vendor, chosen).values("pk"))
        else:
            selected = Product.objects.filter(pk__in=data["selected"])
        action = data["action"]
        try:
            if action == "category":
                count = products.set_category(vendor, selected, data["category"])
            else:
                status = {"publish": "active", "archive": "archived", "draft": "draft"}[action]
                count = products.set_status(vendor, selected, status)
        except CatalogError as error:
            for messages_ in error.errors.values():
                for message in messages_:
                    messages.error(request, message)
            return HttpResponseRedirect(self.list_url(back))
        messages.success(
            request,
            ngettext("%(count)d product changed.", "%(count)d products changed.", count)
            % {"count": count},
        )
        return HttpResponseRedirect(self.list_url(back))

    def list_url(self, query: str) -> str:
        url = portal_url(self.request, "vendor-products")
        return f"{url}?{QueryDict(query).urlencode()}" if query else url


class _Echo:
    def write(self, value: str) -> str:
        return value


class ProductExportView(View):
    """The products the list's filters match, one CSV row per variant (needs catalog.export).
    Only the vendor's own products: the query runs in its scope."""

    permission = EXPORT

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor
        filters = forms.ProductFilterForm(request.GET or None, vendor=vendor)
        if filters.is_bound and not filters.is_valid():
            # Never export more than was asked for: an invalid filter is refused, not ignored.
            return HttpResponseBadRequest(
                _("Invalid filter: %(errors)s") % {"errors": filters.errors.as_text()},
                content_type="text/plain; charset=utf-8",
            )
        found = portal.products(vendor, filters.chosen())
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            # Streaming runs after the view returned, outside its scope: take the scope along.
            with vendor_scope(vendor):
                yield writer.writerow(portal.EXPORT_HEADER)
                for row in portal.export_rows(found):
                    yield writer.writerow(row)

        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="products-{vendor.code}-{stamp}.csv"'
        )
        return response


# --- the product form ----------------------------------------------------------------------------


class ProductFormView(PortalMixin, TemplateView):
    """Create (no ``pk``) or edit a product with its options and variants.

    The variant editor is a plain form: the options are typed in (name and values), "Update
    variants" lists every combination (keeping what was typed for those already there), and
    each row is sold or not, with its SKU and its own price. Saving options whose
    combinations the rows do not match yet updates the rows first, and saves nothing.
    """

    template_name = "catalog/vendor/product_form.html"
    permission = read_write(VIEW, EDIT)

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.product: Product | None = None

    def get_product(self) -> Product | None:
        pk = self.kwargs.get("pk")
        if pk is not None and self.product is None:
            self.product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
        return self.product

    def library(self) -> list[Any]:
        """The images the picker offers: the product's own, then the library's newest."""
        if not hasattr(self, "_library"):
            product = self.get_product()
            chosen = (
                [image.media for image in product.images.select_related("media")]
                if product is not None
                else []
            )
            newest = Media.objects.exclude(pk__in=[m.pk for m in chosen]).order_by(
                "-created_at", "-pk"
            )[:LIBRARY_SIZE]
            self._library = chosen + list(newest)
        return self._library

    def variants_allowed(self) -> bool:
        product = self.get_product()
        return storefront.allows_variants(self.request.platform) or bool(
            product and product.options
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        product = self.get_product()
        vendor = request.vendor
        if product is None:
            form = forms.ProductForm(vendor=vendor, library=self.library())
            option_set = forms.OptionFormSet(prefix="options")
            variant_set = forms.VariantFormSet(prefix="variants")
        else:
            form = forms.ProductForm(
                initial=forms.ProductForm.initial_for(product),
                vendor=vendor,
                library=self.library(),
            )
            option_set = forms.OptionFormSet(
                initial=forms.option_initial(product), prefix="options"
            )
            variant_set = forms.VariantFormSet(
                initial=forms.variant_initial(product), prefix="variants"
            )
        return self.render_to_response(
            self.get_context_data(form=form, option_set=option_set, variant_set=variant_set)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        product, vendor = self.get_product(), request.vendor
        form = forms.ProductForm(request.POST, vendor=vendor, library=self.library())
        option_set = forms.OptionFormSet(request.POST, prefix="options")
        variant_set = forms.VariantFormSet(request.POST, prefix="variants")
        valid = all([form.is_valid(), option_set.is_valid(), variant_set.is_valid()])
        options = (
            [o for f in option_set.forms if (o := f.option()) is not None]
            if option_set.is_valid()
            else []
        )
        extra_errors: list[str] = []
        if options and not self.variants_allowed():
            extra_errors.append(_("Variants are switched off on this platform."))
            valid = False
        if (
            option_set.is_valid()
            and variant_set.is_valid()
            and self._rows_stale(options, variant_set)
        ):
            return self._regenerated(form, options, variant_set)
        if valid:
            data, rows = forms.product_input(form, options, variant_set.forms)
            try:
                saved = products.save_product(vendor, data, product=product)
            except CatalogError as error:
                extra_errors += self._put_back(error, form, variant_set, rows)
            else:
                messages.success(request, _("Product “%(title)s” saved.") % {"title": saved.title})
                if "continue" in request.POST:
                    return HttpResponseRedirect(
                        portal_url(request, "vendor-product-edit", pk=saved.pk)
                    )
                return HttpResponseRedirect(portal_url(request, "vendor-products"))
        context = self.get_context_data(
            form=form, option_set=option_set, variant_set=variant_set, editor_errors=extra_errors
        )
        return self.render_to_response(context, status=400)

    def _rows_stale(self, options: list[dict[str, Any]], variant_set: Any) -> bool:
        if "regenerate" in self.request.POST:
            return True
        if not options or any(not o["name"] or not o["values"] for o in options):
            return False
        posted = {forms.key_of(f.cleaned_data["values"]) for f in variant_set.forms}
        try:
            wanted = {forms.key_of(v) for v in products.generate_variants(options)}
        except ValueError:
            return False
        return posted != wanted and len(wanted) <= products.MAX_VARIANTS

    def _regenerated(
        self, form: forms.ProductForm, options: list[dict[str, Any]], variant_set: Any
    ) -> HttpResponse:
        """The same page with one editor row per combination of the options; nothing saved."""
        known = {
            forms.key_of(f.cleaned_data["values"]): {
                "enabled": f.cleaned_data.get("enabled", False),
                "sku": f.cleaned_data.get("sku", ""),
                "price": f.cleaned_data.get("price"),
            }
            for f in variant_set.forms
        }
        post = self.request.POST
        rows = []
        if options and all(o["name"] and o["values"] for o in options):
            rows = forms.variant_rows(options, post.get("sku", ""), known)[: products.MAX_VARIANTS]
        initial = {name: post.get(name) for name in form.fields}
        initial["is_featured"] = bool(post.get("is_featured"))
        initial["images"] = [media.pk for media in form.cleaned_data.get("images", [])]
        fresh = forms.ProductForm(initial=initial, vendor=self.request.vendor, library=form.library)
        option_rows = [{"name": o["name"], "values": ", ".join(o["values"])} for o in options]
        context = self.get_context_data(
            form=fresh,
            option_set=forms.OptionFormSet(initial=option_rows, prefix="options"),
            variant_set=forms.VariantFormSet(initial=rows, prefix="variants"),
            regenerated=True,
        )
        return self.render_to_response(context)

    def _put_back(
        self, error: CatalogError, form: forms.ProductForm, variant_set: Any, rows: list[int]
    ) -> list[str]:
        """The service's errors onto the fields (a variant's onto its row); the rest listed
        above the variant editor."""
        general: dict[str, list[str]] = {}
        left = []
        for name, messages_ in error.errors.items():
            parts = name.split(".")
            if parts[0] == "variants" and len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                target = variant_set.forms[rows[index]] if index < len(rows) else None
                field = parts[2] if parts[2] in ("sku", "price") else None
                for message in messages_:
                    if target is not None:
                        target.add_error(field, message)
                    else:
                        left.append(message)
            elif name in ("options", "variants"):
                left.extend(messages_)
            else:
                general[name] = list(messages_)
        left += forms.add_service_errors(form, general)
        return left

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        product = self.get_product()
        return super().get_context_data(
            product=product,
            variants_allowed=self.variants_allowed(),
            shop_url=(
                reverse(
                    "catalog:product",
                    kwargs={"vendor_code": self.request.vendor.code, "slug": product.slug},
                )
                if product is not None and product.status == Product.Status.ACTIVE
                else ""
            ),
            **kwargs,
        )


class ProductCreateView(ProductFormView):
    permission = EDIT


class ProductDeleteView(PortalMixin, TemplateView):
    """GET asks for confirmation; POST deletes (refused while stock or orders keep it)."""

    permission = EDIT
    template_name = "catalog/vendor/product_confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        product = get_object_or_404(Product, pk=self.kwargs["pk"])
        return super().get_context_data(product=product, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        product = get_object_or_404(Product, pk=kwargs["pk"])
        try:
            products.delete_product(request.vendor, product)
        except CatalogError as error:
            context = self.get_context_data(errors=[m for ms in error.errors.values() for m in ms])
            return self.render_to_response(context, status=400)
        messages.success(request, _("Product “%(title)s” deleted.") % {"title": product.title})
        return HttpResponseRedirect(portal_url(request, "vendor-products"))


# --- categories ----------------------------------------------------------------------------------


class CategoryListView(PortalMixin, TemplateView):
    """The tree, each category with its number of products; the form adding one (POST needs
    catalog.edit)."""

    permission = read_write(VIEW, EDIT)
    template_name = "catalog/vendor/category_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        vendor = self.request.vendor
        counts = dict(
            Product.objects.exclude(category=None)
            .values_list("category")
            .annotate(n=Count("pk"))
            .order_by()
        )
        nodes = categories.flattened(categories.category_tree(vendor))
        rows = [{"node": n, "products": counts.get(n.id, 0)} for n in nodes]
        kwargs.setdefault("form", forms.CategoryForm(vendor=vendor))
        return super().get_context_data(rows=rows, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor
        form = forms.CategoryForm(request.POST, vendor=vendor)
        if form.is_valid():
            data = form.cleaned_data
            try:
                category = categories.add_category(
                    vendor,
                    data["name"],
                    parent=data["parent"],
                    slug=data["slug"],
                    description=data["description"],
                )
            except CatalogError as error:
                for message in forms.add_service_errors(form, error.errors):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Category “%(name)s” added.") % {"name": category.name})
                return HttpResponseRedirect(portal_url(request, "vendor-categories"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CategoryEditView(PortalMixin, TemplateView):
    """Rename a category, change its slug or description, or move it (with its subtree)."""

    permission = read_write(VIEW, EDIT)
    template_name = "catalog/vendor/category_form.html"

    def get_category(self) -> Category:
        return get_object_or_404(Category, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        category = self.get_category()
        parent = Category.objects.get_parent(category)
        form = forms.CategoryForm(
            initial={
                "name": category.name,
                "slug": category.slug,
                "description": category.description,
                "parent": parent.pk if parent else "",
            },
            vendor=request.vendor,
            category=category,
        )
        return self.render_to_response(self.get_context_data(form=form, category=category))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        category = self.get_category()
        form = forms.CategoryForm(request.POST, vendor=request.vendor, category=category)
        if form.is_valid():
            data = form.cleaned_data
            try:
                categories.update_category(
                    category, name=data["name"], slug=data["slug"], description=data["description"]
                )
                parent, target = Category.objects.get_parent(category, update=True), data["parent"]
                if (parent and parent.pk) != (target and target.pk):
                    categories.move_category(category, target)
            except CatalogError as error:
                for message in forms.add_service_errors(form, error.errors):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Category “%(name)s” saved.") % {"name": category.name})
                return HttpResponseRedirect(portal_url(request, "vendor-categories"))
        context = self.get_context_data(form=form, category=category)
        return self.render_to_response(context, status=400)


class CategoryDeleteView(PortalMixin, TemplateView):
    permission = EDIT
    template_name = "catalog/vendor/category_confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        category = get_object_or_404(Category, pk=self.kwargs["pk"])
        tree = categories.category_tree(self.request.vendor)
        trail = categories.trail_to(tree, category.pk)
        ids = categories.descendant_ids(trail[-1]) if trail else [category.pk]
        return super().get_context_data(
            category=category,
            subcategories=len(ids) - 1,
            products=Product.objects.filter(category_id__in=ids).count(),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        category = get_object_or_404(Category, pk=kwargs["pk"])
        sub = categories.delete_category(category) - 1
        if sub:
            message = ngettext(
                "Category “%(name)s” and %(sub)d subcategory deleted.",
                "Category “%(name)s” and %(sub)d subcategories deleted.",
                sub,
            ) % {"name": category.name, "sub": sub}
        else:
            message = _("Category “%(name)s” deleted.") % {"name": category.name}
        messages.success(request, message)
        return HttpResponseRedirect(portal_url(request, "vendor-categories"))
