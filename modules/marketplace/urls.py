"""Marketplace's URLs (mounted by orion_core/urls.py):

    vendor_urlpatterns   /vendor/<vendor_code>/marketplace/

They run behind the tenant guard; while marketplace is off for a platform they all 404.
Reverse them as "marketplace:<name>".
"""

from django.urls import path

from modules.marketplace.views import vendor

vendor_urlpatterns = [
    path("imports/", vendor.JobListView.as_view(), name="vendor-jobs"),
    path("imports/<int:pk>/", vendor.JobDetailView.as_view(), name="vendor-job"),
    path(
        "imports/<int:pk>/progress/",
        vendor.JobProgressView.as_view(),
        name="vendor-job-progress",
    ),
    path("imports/<int:pk>/publish/", vendor.PublishView.as_view(), name="vendor-job-publish"),
    path("imports/<int:pk>/cancel/", vendor.CancelView.as_view(), name="vendor-job-cancel"),
    path("imports/<int:pk>/decisions/", vendor.DecisionView.as_view(), name="vendor-job-decisions"),
    path("feeds/new/", vendor.FeedFormView.as_view(), name="vendor-feed-add"),
    path("feeds/<int:pk>/", vendor.FeedFormView.as_view(), name="vendor-feed"),
    path("feeds/<int:pk>/delete/", vendor.FeedDeleteView.as_view(), name="vendor-feed-delete"),
    path("feeds/<int:pk>/import/", vendor.FeedImportView.as_view(), name="vendor-feed-import"),
]
