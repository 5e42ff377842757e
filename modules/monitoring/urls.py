from django.urls import path

from modules.monitoring.views import staff

admin_urlpatterns = [
    path("", staff.OverviewView.as_view(), name="overview"),
]
