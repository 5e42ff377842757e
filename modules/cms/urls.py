"""CMS pages on the platform's public site (mounted at / by ``url_prefixes``)."""

from django.urls import path

from modules.cms.views.platform import HomeView, PageView

platform_urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("pages/<slug:slug>/", PageView.as_view(), name="page"),
]
