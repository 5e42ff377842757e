"""Vendor-portal pages, mounted at /vendor/<vendor_code>/marketplace/: the import jobs with the
upload form and the vendor's feeds (add, edit, delete, import now), a job's page (progress
while it runs, its staged rows to review, publish, cancel), and the small JSON the page polls
for its progress bar.

The tenant guard admits the vendor's team only and runs each view in the vendor's scope, so
another vendor's job or feed is simply not found (404). Reading needs ``marketplace.view``,
anything that changes a job or a feed ``marketplace.manage``. The work itself runs in Celery
tasks, queued once the request's transaction commits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from modules.marketplace import tasks
from modules.marketplace.forms import FeedForm, UploadForm
from modules.marketplace.models import Feed, ImportJob, StagedProduct
from modules.marketplace.services import jobs, publishing, retention, syncing
from orion_core.guards import read_write
from orion_core.permissions import has_permission

PAGE_SIZE = 50
FILTERS = tuple(StagedProduct.State.values)


def job_url(request: HttpRequest, job: ImportJob) -> str:
    return reverse(
        "marketplace:vendor-job",
        kwargs={"vendor_code": request.vendor.code, "pk": job.pk},  # type: ignore[attr-defined]
    )


def progress_of(job: ImportJob) -> dict[str, Any]:
    """What the progress bar shows: rows done of the total (while staging, rows read of the
    feed's; while publishing, rows published of the rows to publish, ``unit`` says which),
    errors, rows a second and seconds left (none while a publish waits for its worker)."""
    if job.status == ImportJob.Status.PUBLISHING:
        done, total = publishing.progress(job)
        rate, left = _pace(done, total, job.publish_started_at)
        return {
            "status": job.status,
            "status_label": job.get_status_display(),
            "unit": _("rows published"),
            "rows_done": done,
            "total_rows": total,
            "percent": 100 * done // total if total else 0,
            "errors": job.error_rows,
            "rate": rate,
            "seconds_left": left,
            "finished": False,
        }
    total = job.total_rows
    rate, left = _pace(job.rows_done, total, job.started_at, job.staged_at)
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "unit": _("rows"),
        "rows_done": job.rows_done,
        "total_rows": total,
        "percent": 100 * job.rows_done // total if total else (100 if job.staged_at else 0),
        "errors": job.error_rows,
        "rate": 0.0 if rate is None else rate,
        "seconds_left": left,
        "finished": job.status not in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING),
    }


def _pace(
    done: int, total: int | None, started: Any, ended: Any = None
) -> tuple[float | None, int | None]:
    """Rows a second since ``started`` (until ``ended``, else now) and seconds left at that
    pace; None for what cannot be told yet."""
    if started is None:
        return None, None
    elapsed = ((ended or timezone.now()) - started).total_seconds()
    if elapsed <= 0 or done <= 0:
        return None, None
    rate = done / elapsed
    return round(rate, 1), round((total - done) / rate) if total else None


class JobListView(ListView):
    """The vendor's import jobs, newest first, and the form starting one."""

    permission = read_write("marketplace.view", "marketplace.manage")
    template_name = "marketplace/vendor/job_list.html"
    context_object_name = "jobs"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> Any:
        return ImportJob.objects.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", UploadForm())
        vendor = self.request.vendor  # type: ignore[attr-defined]
        return super().get_context_data(
            vendor=vendor,
            can_manage=has_permission(self.request, "marketplace.manage"),
            feeds=Feed.objects.select_related("last_job"),
            feed_form=FeedForm(vendor=vendor),
            **kwargs,
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self.object_list = self.get_queryset()
            context = self.get_context_data(form=form)
            return self.render_to_response(context, status=400)
        upload = form.cleaned_data["file"]
        job = jobs.create_upload_job(
            request.vendor,  # type: ignore[attr-defined]
            upload,
            upload.name,
            platform=request.platform,  # type: ignore[attr-defined]
            user=request.user,
        )
        transaction.on_commit(lambda: tasks.run_import.delay(job.pk))
        return HttpResponseRedirect(job_url(request, job))


def jobs_url(request: HttpRequest) -> str:
    return reverse(
        "marketplace:vendor-jobs",
        kwargs={"vendor_code": request.vendor.code},  # type: ignore[attr-defined]
    )


class FeedFormView(View):
    """Add a feed (no ``pk``) or edit one: the form on a page of its own, re-shown with its
    errors (400) when it does not validate; saved, back to the imports page."""

    permission = "marketplace.manage"
    template_name = "marketplace/vendor/feed_form.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor  # type: ignore[attr-defined]
        return self.show(request, FeedForm(instance=self.feed(), vendor=vendor))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor  # type: ignore[attr-defined]
        form = FeedForm(request.POST, instance=self.feed(), vendor=vendor)
        if not form.is_valid():
            return self.show(request, form, status=400)
        feed = form.save(commit=False)
        if feed.pk is None:
            feed.vendor = vendor
            feed.platform = request.platform  # type: ignore[attr-defined]
            feed.created_by = request.user
        feed.save()
        messages.success(request, _("The feed %(name)s is saved.") % {"name": feed.name})
        return HttpResponseRedirect(jobs_url(request))

    def feed(self) -> Feed | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(Feed, pk=pk) if pk is not None else None

    def show(self, request: HttpRequest, form: FeedForm, status: int = 200) -> HttpResponse:
        vendor = request.vendor  # type: ignore[attr-defined]
        context = {"vendor": vendor, "form": form, "feed": form.instance}
        return render(request, self.template_name, context, status=status)


class FeedDeleteView(View):
    """Delete a feed; the jobs it made stay, with their staged rows."""

    permission = "marketplace.manage"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        feed = get_object_or_404(Feed, pk=kwargs["pk"])
        feed.delete()
        messages.success(request, _("The feed %(name)s is deleted.") % {"name": feed.name})
        return HttpResponseRedirect(jobs_url(request))


class FeedImportView(View):
    """Import a feed now: a URL job, queued once the request commits, shown on its page."""

    permission = "marketplace.manage"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        feed = get_object_or_404(Feed, pk=kwargs["pk"])
        try:
            job = syncing.start(feed, user=request.user)
        except syncing.FeedBusy:
            messages.error(request, _("This feed is already being imported."))
            return HttpResponseRedirect(jobs_url(request))
        transaction.on_commit(lambda: tasks.run_import.delay(job.pk))
        return HttpResponseRedirect(job_url(request, job))


class JobDetailView(ListView):
    """One job: its progress, its staged rows (filtered by state, paged) and what to do next."""

    permission = "marketplace.view"
    template_name = "marketplace/vendor/job_detail.html"
    context_object_name = "rows"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> Any:
        self.job = get_object_or_404(ImportJob, pk=self.kwargs["pk"])
        self.state = self.request.GET.get("state", "")
        rows = StagedProduct.objects.filter(job=self.job).order_by("row_number")
        return rows.filter(state=self.state) if self.state in FILTERS else rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        job = self.job
        return super().get_context_data(
            vendor=self.request.vendor,  # type: ignore[attr-defined]
            job=job,
            progress=progress_of(job),
            state=self.state,
            filters=[(value, label) for value, label in StagedProduct.State.choices],
            filter_query=f"state={self.state}" if self.state in FILTERS else "",
            can_manage=has_permission(self.request, "marketplace.manage"),
            to_publish=publishing.pending_count(job) if job.status == "staged" else 0,
            purged=retention.purged(job),
            retention_days=settings.MARKETPLACE_STAGED_RETENTION_DAYS,
            progress_url=reverse(
                "marketplace:vendor-job-progress",
                kwargs={"vendor_code": job.vendor.code, "pk": job.pk},
            ),
            **kwargs,
        )


class JobProgressView(View):
    """The job's progress as JSON, polled every second by the job page."""

    permission = "marketplace.view"

    def get(self, request: HttpRequest, **kwargs: Any) -> JsonResponse:
        job = get_object_or_404(ImportJob, pk=kwargs["pk"])
        response = JsonResponse(progress_of(job))
        response["Cache-Control"] = "no-store"
        return response


class JobActionView(View):
    """Base of the job's buttons (POST only)."""

    permission = "marketplace.manage"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        job = get_object_or_404(ImportJob, pk=kwargs["pk"])
        self.act(request, job)
        return HttpResponseRedirect(job_url(request, job))

    def act(self, request: HttpRequest, job: ImportJob) -> None:
        raise NotImplementedError


class PublishView(JobActionView):
    def act(self, request: HttpRequest, job: ImportJob) -> None:
        if not publishing.begin(job):
            messages.error(request, _("Only a staged import can be published."))
            return
        transaction.on_commit(lambda: tasks.publish_import.delay(job.pk))
        messages.success(request, _("Publishing has started."))


class CancelView(JobActionView):
    def act(self, request: HttpRequest, job: ImportJob) -> None:
        if jobs.request_cancel(job):
            messages.success(request, _("The import is being cancelled."))
        else:
            messages.error(request, _("This import can no longer be cancelled."))


class DecisionView(JobActionView):
    """Publish or skip the chosen rows (``row`` ids, ``decision``) of a staged job."""

    def act(self, request: HttpRequest, job: ImportJob) -> None:
        decision = request.POST.get("decision", "")
        ids = [int(pk) for pk in request.POST.getlist("row") if pk.isdigit()]
        if job.status != ImportJob.Status.STAGED or decision not in StagedProduct.Decision.values:
            messages.error(request, _("Choose rows of a staged import and what to do with them."))
            return
        rows = StagedProduct.objects.filter(job=job, pk__in=ids, published=False)
        if decision == StagedProduct.Decision.PUBLISH:
            rows = rows.exclude(state=StagedProduct.State.ERROR)
        changed = rows.update(decision=decision)
        messages.success(request, _("%(count)s row(s) updated.") % {"count": changed})
