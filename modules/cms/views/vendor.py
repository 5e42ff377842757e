"""The vendor portal's content pages (/vendor/<code>/cms/…): pages, media library, theme.

Thin: the tenant guard admits the request and scopes it to the vendor; the rules are in
``modules.cms.services``. Reading needs ``cms.view``, changing ``cms.edit``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from modules.cms import forms
from modules.cms.models import Media, VendorPage
from modules.cms.services import media as media_service
from modules.cms.services import pages as page_service
from modules.cms.services import theme as theme_service
from modules.tenancy.resolution import granted
from orion_core.guards import read_write

VIEW_EDIT = read_write("cms.view", "cms.edit")


class PortalMixin:
    """The vendor and whether the user may change content, for every content page."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(vendor=self.request.vendor, can_edit="cms.edit" in granted(self.request))
        return context

    def portal_url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"cms:{name}", kwargs={"vendor_code": self.request.vendor.code, **kwargs})


# --- pages -------------------------------------------------------------------------------------


class PageListView(PortalMixin, ListView):
    permission = "cms.view"
    template_name = "cms/vendor/page_list.html"
    context_object_name = "pages"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return VendorPage.objects.order_by("nav_order", "title", "pk")


class PageFormView(PortalMixin, TemplateView):
    """Add (no ``pk``) or edit a page. The "Preview" button shows the submitted text as the shop
    would, without saving it."""

    permission = VIEW_EDIT
    template_name = "cms/vendor/page_form.html"

    def get_page(self) -> VendorPage:
        pk = self.kwargs.get("pk")
        if pk is None:
            return VendorPage(vendor=self.request.vendor)
        return get_object_or_404(VendorPage, pk=pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        page = self.get_page()
        form = forms.VendorPageForm(instance=page)
        preview = page_service.render_vendor_page(page) if page.pk else None
        return self.render_to_response(self.get_context_data(form=form, page=page, preview=preview))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        page = self.get_page()
        form = forms.VendorPageForm(request.POST, instance=page)
        if "preview" in request.POST:
            preview = page_service.render_markdown(request.POST.get("body", ""))
            context = self.get_context_data(form=form, page=page, preview=preview, previewing=True)
            return self.render_to_response(context)
        if form.is_valid():
            try:
                page = page_service.save_vendor_page(form.save(commit=False))
            except page_service.SlugTaken:
                form.add_error("slug", _("Another page of your shop already has this address."))
            else:
                messages.success(request, _("Page “%(title)s” saved.") % {"title": page.title})
                return HttpResponseRedirect(self.portal_url("vendor-page-edit", pk=page.pk))
        context = self.get_context_data(form=form, page=page, preview=None)
        return self.render_to_response(context, status=400)


class PageDeleteView(PortalMixin, TemplateView):
    permission = "cms.edit"
    template_name = "cms/vendor/page_confirm_delete.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = get_object_or_404(VendorPage, pk=self.kwargs["pk"])
        return super().get_context_data(page=page, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        page = get_object_or_404(VendorPage, pk=kwargs["pk"])
        page_service.delete_vendor_page(page)
        messages.success(request, _("Page “%(title)s” deleted.") % {"title": page.title})
        return HttpResponseRedirect(self.portal_url("vendor-pages"))


# --- media library -----------------------------------------------------------------------------


class MediaListView(PortalMixin, ListView):
    """The library as a grid of thumbnails, with the upload form."""

    permission = "cms.view"
    template_name = "cms/vendor/media_list.html"
    context_object_name = "media_files"
    paginate_by = 48

    def get_queryset(self) -> Any:
        return Media.objects.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        totals = Media.objects.aggregate(count=Count("pk"), size=Sum("size_bytes"))
        kwargs.setdefault("upload_form", self.upload_form())
        return super().get_context_data(
            total_count=totals["count"],
            total_size=totals["size"] or 0,
            max_upload=self.max_upload(),
            **kwargs,
        )

    def max_upload(self) -> int:
        """The platform's upload limit (read once per request)."""
        if not hasattr(self, "_max_upload"):
            self._max_upload = media_service.max_upload_bytes(self.request.platform)
        return self._max_upload

    def upload_form(self, *args: Any) -> forms.MediaUploadForm:
        return forms.MediaUploadForm(*args, max_bytes=self.max_upload())


class MediaUploadView(MediaListView):
    permission = "cms.edit"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.upload_form(request.POST, request.FILES)
        if form.is_valid():
            media = media_service.store_image(
                form.processed,
                vendor=request.vendor,
                original_name=form.cleaned_data["file"].name,
                alt_text=form.cleaned_data["alt_text"],
                uploaded_by=request.user,
            )
            messages.success(request, _("“%(name)s” uploaded.") % {"name": media.original_name})
            return HttpResponseRedirect(self.portal_url("vendor-media-detail", pk=media.pk))
        self.object_list = self.get_queryset()
        context = self.get_context_data(upload_form=form)
        return self.render_to_response(context, status=400)


class MediaDetailView(PortalMixin, TemplateView):
    """One file: large preview, details, where it is used; its alternative text."""

    permission = VIEW_EDIT
    template_name = "cms/vendor/media_detail.html"

    def get_media(self) -> Media:
        return get_object_or_404(Media, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        media = self.get_media()
        return self.render_to_response(self.context_for(media, forms.MediaAltForm(instance=media)))

    def context_for(self, media: Media, form: forms.MediaAltForm) -> dict[str, Any]:
        return self.get_context_data(
            media=media, alt_form=form, usages=media_service.where_used(media)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        media = self.get_media()
        form = forms.MediaAltForm(request.POST, instance=media)
        if form.is_valid():
            media_service.set_alt_text(media, form.cleaned_data["alt_text"])
            messages.success(request, _("Alternative text saved."))
            return HttpResponseRedirect(self.portal_url("vendor-media-detail", pk=media.pk))
        return self.render_to_response(self.context_for(media, form), status=400)


class MediaDeleteView(PortalMixin, TemplateView):
    """Shows where the file is used; deletes it only when nothing uses it."""

    permission = "cms.edit"
    template_name = "cms/vendor/media_confirm_delete.html"
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        media = get_object_or_404(Media, pk=kwargs["pk"])
        usages = media_service.where_used(media)
        return self.render_to_response(self.get_context_data(media=media, usages=usages))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        media = get_object_or_404(Media, pk=kwargs["pk"])
        try:
            media_service.delete_media(media)
        except media_service.MediaInUse as error:
            messages.error(request, _("“%(name)s” is still in use.") % {"name": media})
            context = self.get_context_data(media=media, usages=error.usages)
            return self.render_to_response(context, status=409)
        messages.success(request, _("“%(name)s” deleted.") % {"name": media.original_name})
        return HttpResponseRedirect(self.portal_url("vendor-media"))


# --- theme -------------------------------------------------------------------------------------


class ThemeView(PortalMixin, TemplateView):
    """The theme editor: the form, and a preview pane that shows it. The page's script updates
    the preview's CSS variables as the inputs change; without it, "Preview" shows the submitted
    values (not saved) and "Save" keeps them."""

    permission = "cms.edit"
    template_name = "cms/vendor/theme_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        theme = theme_service.theme_of(request.vendor)
        form = forms.ThemeForm(theme=theme)
        return self.render_to_response(self.context_for(form, theme))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        current = theme_service.theme_of(request.vendor)
        form = forms.ThemeForm(request.POST, theme=current)
        if not form.is_valid():
            return self.render_to_response(self.context_for(form, current), status=400)
        theme = form.cleaned_theme()
        if "preview" in request.POST:
            # The form again, showing the submitted theme (whose colours may have followed a
            # new scheme): nothing is saved.
            form = forms.ThemeForm(theme=theme)
            context = self.context_for(form, theme, previewing=True)
            return self.render_to_response(context)
        theme_service.save_theme(request.vendor, theme)
        messages.success(request, _("Theme saved: your shop shows it now."))
        return HttpResponseRedirect(self.portal_url("vendor-theme"))

    def context_for(
        self, form: forms.ThemeForm, theme: theme_service.Theme, **kwargs: Any
    ) -> dict[str, Any]:
        logo = None
        if theme.logo:
            logo = Media.objects.filter(pk=theme.logo).first()
        return self.get_context_data(
            form=form,
            theme=theme,
            preview_logo=logo,
            preview_css_url=f"{self.portal_url('vendor-theme-css')}?{preview_query(theme)}",
            presets=list(theme_service.PRESETS.values()),
            **kwargs,
        )


def preview_query(theme: theme_service.Theme) -> str:
    return urlencode({"preset": theme.preset, "font": theme.font, **theme.colours()})


class ThemePreviewStylesheetView(PortalMixin, View):
    """The editor's stylesheet: the previewed theme's variables on ``.theme-preview`` and the
    colour swatches of every preset. Built from validated values only (the query string is read
    like ``Vendor.theme``: anything invalid falls back)."""

    permission = "cms.edit"
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        theme = theme_service.theme_from(
            {key: request.GET.get(key) for key in ("preset", "font", *theme_service.COLOUR_KEYS)}
        )
        css = theme_service.theme_css(theme, theme_service.PREVIEW_SELECTOR)
        css += theme_service.preset_swatches_css()
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
        patch_cache_control(response, private=True, max_age=300)
        return response
