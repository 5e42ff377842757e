"""The content module's URLs. ``CmsConfig.url_prefixes`` mounts them at:

- platform: the platform's site root: ``/`` (landing page), ``/pages/<slug>/`` and
  ``/theme-presets.css`` (the preset colours of the landing page's shop cards);
- storefront: the shop's root: ``/shop/<code>/pages/<slug>/`` and ``/shop/<code>/theme.css``;
- vendor (default): ``/vendor/<code>/cms/…``: pages, media library, theme editor;
- admin (default): ``/dashboard/cms/media/…``: the staff media library.
"""

from django.urls import path

from modules.cms.views import platform, staff, storefront, vendor

platform_urlpatterns = [
    path("", platform.HomeView.as_view(), name="home"),
    path("pages/<slug:slug>/", platform.PageView.as_view(), name="page"),
    path("theme-presets.css", platform.PresetsStylesheetView.as_view(), name="presets-css"),
]

storefront_urlpatterns = [
    path("theme.css", storefront.ThemeStylesheetView.as_view(), name="theme"),
    path("pages/<slug:slug>/", storefront.VendorPageView.as_view(), name="vendor-page-public"),
]

vendor_urlpatterns = [
    path("pages/", vendor.PageListView.as_view(), name="vendor-pages"),
    path("pages/new/", vendor.PageFormView.as_view(), name="vendor-page-add"),
    path("pages/<int:pk>/", vendor.PageFormView.as_view(), name="vendor-page-edit"),
    path("pages/<int:pk>/delete/", vendor.PageDeleteView.as_view(), name="vendor-page-delete"),
    path("media/", vendor.MediaListView.as_view(), name="vendor-media"),
    path("media/upload/", vendor.MediaUploadView.as_view(), name="vendor-media-upload"),
    path("media/<int:pk>/", vendor.MediaDetailView.as_view(), name="vendor-media-detail"),
    path("media/<int:pk>/delete/", vendor.MediaDeleteView.as_view(), name="vendor-media-delete"),
    path("theme/", vendor.ThemeView.as_view(), name="vendor-theme"),
    path(
        "theme/preview.css",
        vendor.ThemePreviewStylesheetView.as_view(),
        name="vendor-theme-css",
    ),
]

admin_urlpatterns = [
    path("media/", staff.StaffMediaListView.as_view(), name="staff-media"),
    path("media/<int:pk>/", staff.StaffMediaDetailView.as_view(), name="staff-media-detail"),
    path("media/<int:pk>/delete/", staff.StaffMediaDeleteView.as_view(), name="staff-media-delete"),
]
