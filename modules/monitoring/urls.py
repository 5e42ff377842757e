from django.urls import path

from modules.monitoring.views import staff

admin_urlpatterns = [
    path("", staff.OverviewView.as_view(), name="overview"),
    path("history/", staff.HealthHistoryView.as_view(), name="history"),
    path("tasks/", staff.TaskResultsView.as_view(), name="tasks"),
    path("tasks/<int:pk>/", staff.TaskResultDetailView.as_view(), name="task-result"),
    path("tasks/<int:pk>/retry/", staff.RetryTaskView.as_view(), name="task-retry"),
    path("errors/", staff.ErrorsView.as_view(), name="errors"),
    path("errors/<int:pk>/", staff.ErrorDetailView.as_view(), name="error"),
    path("schedule/", staff.ScheduleView.as_view(), name="schedule"),
]
