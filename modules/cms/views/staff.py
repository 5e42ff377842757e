"""The staff media library on the dashboard (/dashboard/cms/media/): images for the platforms'
own pages. Staff see it; uploading, editing and deleting need the Django permissions
``cms.add_media``, ``cms.change_media`` and ``cms.delete_media``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from modules.cms import forms
from modules.cms.models import Media
from modules.cms.services import media as media_service
from modules.core.views.dashboard import DashboardMixin

PAGE_SIZE = 48


def staff_library() -> Any:
    """The staff library's files (``vendor`` is None): a deliberate bypass of vendor scoping."""
    with scopes_disabled():
        return Media.objects.filter(vendor=None)


class StaffMediaMixin(DashboardMixin):
    requires_platform = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with scopes_disabled():  # the staff library has no vendor: nothing to scope to
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response

    def require(self, codename: str) -> None:
        if not self.request.user.has_perm(f"cms.{codename}_media"):
            raise PermissionDenied(_("You may not change the media library."))

    def get_media(self) -> Media:
        media = staff_library().filter(pk=self.kwargs["pk"]).first()
        if media is None:
            raise Http404(_("No such file."))
        return media

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        return super().get_context_data(
            can_add=user.has_perm("cms.add_media"),
            can_change=user.has_perm("cms.change_media"),
            can_delete=user.has_perm("cms.delete_media"),
            **kwargs,
        )

    def max_upload(self) -> int:
        """The managed platform's upload limit (read once per request)."""
        if not hasattr(self, "_max_upload"):
            platform = getattr(self, "platform", None)
            self._max_upload = media_service.max_upload_bytes(platform)
        return self._max_upload

    def upload_form(self, *args: Any) -> forms.MediaUploadForm:
        return forms.MediaUploadForm(*args, max_bytes=self.max_upload())


class StaffMediaListView(StaffMediaMixin, TemplateView):
    template_name = "cms/staff/media_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        library = staff_library().order_by("-created_at", "-pk")
        page = Paginator(library, PAGE_SIZE).get_page(self.request.GET.get("page"))
        totals = staff_library().aggregate(count=Count("pk"), size=Sum("size_bytes"))
        kwargs.setdefault("upload_form", self.upload_form())
        return super().get_context_data(
            media_files=list(page.object_list),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            total_count=totals["count"],
            total_size=totals["size"] or 0,
            max_upload=self.max_upload(),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("add")
        form = self.upload_form(request.POST, request.FILES)
        if form.is_valid():
            media = media_service.store_image(
                form.processed,
                vendor=None,
                original_name=form.cleaned_data["file"].name,
                alt_text=form.cleaned_data["alt_text"],
                uploaded_by=request.user,
            )
            messages.success(request, _("“%(name)s” uploaded.") % {"name": media.original_name})
            return HttpResponseRedirect(reverse("cms:staff-media-detail", args=[media.pk]))
        return self.render_to_response(self.get_context_data(upload_form=form), status=400)


class StaffMediaDetailView(StaffMediaMixin, TemplateView):
    template_name = "cms/staff/media_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        media = self.get_media()
        kwargs.setdefault("alt_form", forms.MediaAltForm(instance=media))
        return super().get_context_data(
            media=media, usages=media_service.where_used(media), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("change")
        media = self.get_media()
        form = forms.MediaAltForm(request.POST, instance=media)
        if form.is_valid():
            media_service.set_alt_text(media, form.cleaned_data["alt_text"])
            messages.success(request, _("Alternative text saved."))
            return HttpResponseRedirect(reverse("cms:staff-media-detail", args=[media.pk]))
        return self.render_to_response(self.get_context_data(alt_form=form), status=400)


class StaffMediaDeleteView(StaffMediaMixin, TemplateView):
    template_name = "cms/staff/media_confirm_delete.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        media = self.get_media()
        kwargs.setdefault("usages", media_service.where_used(media))
        return super().get_context_data(media=media, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("delete")
        media = self.get_media()
        try:
            media_service.delete_media(media)
        except media_service.MediaInUse as error:
            messages.error(request, _("“%(name)s” is still in use.") % {"name": media})
            context = self.get_context_data(usages=error.usages)
            return self.render_to_response(context, status=409)
        messages.success(request, _("“%(name)s” deleted.") % {"name": media.original_name})
        return HttpResponseRedirect(reverse("cms:staff-media"))
