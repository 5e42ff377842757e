"""Catalog URLs (CatalogConfig.url_prefixes):

- storefront, at the shop's root: /shop/<code>/products/, /c/<slug>/, /search/, /p/<slug>/
  (the home, /shop/<code>/, is customers'; it shows the featured products the catalog's
  context provider offers);
- portal: /vendor/<code>/catalog/products/…, /vendor/<code>/catalog/categories/…;
- APIs: /api/v1/vendor/<code>/catalog/… (the team) and /api/v1/shop/<code>/catalog/… (public).
"""

from django.urls import path

from modules.catalog import api
from modules.catalog.views import storefront, vendor

storefront_urlpatterns = [
    path("products/", storefront.ProductListView.as_view(), name="products"),
    path("c/<slug:slug>/", storefront.CategoryView.as_view(), name="category"),
    path("search/", storefront.SearchView.as_view(), name="search"),
    path("p/<slug:slug>/", storefront.ProductDetailView.as_view(), name="product"),
]

vendor_urlpatterns = [
    path("products/", vendor.ProductListView.as_view(), name="vendor-products"),
    path("products/add/", vendor.ProductCreateView.as_view(), name="vendor-product-add"),
    path("products/export.csv", vendor.ProductExportView.as_view(), name="vendor-product-export"),
    path("products/<int:pk>/", vendor.ProductFormView.as_view(), name="vendor-product-edit"),
    path(
        "products/<int:pk>/delete/",
        vendor.ProductDeleteView.as_view(),
        name="vendor-product-delete",
    ),
    path("categories/", vendor.CategoryListView.as_view(), name="vendor-categories"),
    path("categories/<int:pk>/", vendor.CategoryEditView.as_view(), name="vendor-category-edit"),
    path(
        "categories/<int:pk>/delete/",
        vendor.CategoryDeleteView.as_view(),
        name="vendor-category-delete",
    ),
]

vendor_api_urlpatterns = api.vendor_urlpatterns
storefront_api_urlpatterns = api.storefront_urlpatterns
