"""Staff pages of monitoring: module health on this platform, background task results (with
retry), the periodic tasks of the beat and recent application errors, with links to Flower and
Grafana when configured."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult

from modules.monitoring import background, errors
from modules.monitoring.forms import ErrorFilterForm
from modules.monitoring.models import RETENTION, ErrorRecord
from modules.monitoring.services import health_history, module_health
from orion_core import state


class LinksMixin:
    """``external_links``: Flower and Grafana, each only when its URL is configured."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        links = [
            (_("Flower (Celery workers and queues)"), settings.FLOWER_URL),
            (_("Grafana (metrics dashboards)"), settings.GRAFANA_URL),
        ]
        return super().get_context_data(  # type: ignore[misc]
            external_links=[(label, url) for label, url in links if url], **kwargs
        )


@method_decorator(staff_member_required, name="dispatch")
class OverviewView(LinksMixin, TemplateView):
    template_name = "monitoring/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        results = module_health(self.request.modules)
        return super().get_context_data(
            results=results, failing=sum(1 for r in results if not r.ok), **kwargs
        )


@method_decorator(staff_member_required, name="dispatch")
class HealthHistoryView(LinksMixin, TemplateView):
    """Each platform's modules over the last day: uptime and an hour-by-hour strip, from the
    samples the scheduled health check keeps."""

    template_name = "monitoring/history.html"
    hours = 24

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        names = {p.pk: p for p in state.all_platforms()}
        by_platform: dict[int, list] = {}
        for history in health_history(self.hours):
            by_platform.setdefault(history.platform_id, []).append(history)
        platforms = [(names[pk], rows) for pk, rows in by_platform.items() if pk in names]
        return super().get_context_data(
            platforms=platforms, hours=self.hours, retention_days=RETENTION.days, **kwargs
        )


@method_decorator(staff_member_required, name="dispatch")
class TaskResultsView(LinksMixin, TemplateView):
    """The newest results of background tasks; ``?failed=1`` shows failures only."""

    template_name = "monitoring/task_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        failed_only = self.request.GET.get("failed") == "1"
        return super().get_context_data(
            results=list(background.recent_results(failed_only=failed_only)),
            failed_only=failed_only,
            limit=background.RECENT_LIMIT,
            **kwargs,
        )


@method_decorator(staff_member_required, name="dispatch")
class TaskResultDetailView(TemplateView):
    """One result in full: arguments, return value or traceback, worker, timings."""

    template_name = "monitoring/task_result_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        result = get_object_or_404(TaskResult, pk=kwargs["pk"])
        return super().get_context_data(
            result=result, failed=result.status in background.FAILED_STATES, **kwargs
        )


@method_decorator(staff_member_required, name="dispatch")
class RetryTaskView(View):
    """POST: send the result's task again with its args and kwargs."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        result = get_object_or_404(TaskResult, pk=pk)
        try:
            new_id = background.retry(result)
        except background.RetryRefused as exc:
            messages.error(request, _("The task was not sent again: %(reason)s.") % {"reason": exc})
            return redirect("monitoring:task-result", pk=result.pk)
        messages.success(
            request,
            _("%(task)s sent again (task id %(id)s).") % {"task": result.task_name, "id": new_id},
        )
        return redirect("monitoring:tasks")


@method_decorator(staff_member_required, name="dispatch")
class ScheduleView(LinksMixin, TemplateView):
    """The beat's periodic tasks: enabled or not, last and next run; POST switches one."""

    template_name = "monitoring/schedule.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(rows=background.scheduled_tasks(), **kwargs)

    def post(self, request: HttpRequest) -> HttpResponseRedirect:
        task = get_object_or_404(PeriodicTask, pk=request.POST.get("task") or 0)
        enabled = request.POST.get("enabled") == "1"
        background.set_enabled(task, enabled)
        message = _("%(name)s enabled.") if enabled else _("%(name)s disabled.")
        messages.success(request, message % {"name": task.name})
        return redirect("monitoring:schedule")


@method_decorator(staff_member_required, name="dispatch")
class ErrorsView(LinksMixin, TemplateView):
    """Recent application errors, one line per error (fingerprint) most recently seen first,
    filtered by level, logger, platform and text, paged by ``page_size``; the context has the
    ``filter_form``, ``page_obj``, the page's ``groups`` and ``filter_query`` (the query string
    without ``page``), as the dashboard's staff lists do."""

    template_name = "monitoring/errors.html"
    page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        codes = sorted(p.code for p in state.all_platforms())
        form = ErrorFilterForm(self.request.GET or None, platform_codes=codes)
        filters = form.cleaned_data if form.is_valid() else {}
        page = Paginator(errors.error_groups(**filters), self.page_size).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=form,
            page_obj=page,
            groups=errors.with_newest(list(page.object_list)),
            filter_query=query.urlencode(),
            retention_days=settings.MONITORING_ERROR_RETENTION_DAYS,
            **kwargs,
        )


@method_decorator(staff_member_required, name="dispatch")
class ErrorDetailView(TemplateView):
    """One error record in full: message, traceback, the request or task it happened in, and
    the newest records of the same error."""

    template_name = "monitoring/error_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        record = get_object_or_404(ErrorRecord, pk=kwargs["pk"])
        return super().get_context_data(record=record, bursts=errors.bursts_of(record), **kwargs)
