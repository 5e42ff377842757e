"""What the vendor's and the staff's report pages share: reading the filter (a 400 with field
errors when it is wrong), asking the sales contract, drawing the charts, and the CSV export
(``?format=csv&series=sales|products|customers|conversion``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from modules.analytics import charts, reports
from modules.analytics.forms import ReportForm
from orion_core.contracts.sales import SalesProvider

DATE_LABELS = {"day": "%d %b", "week": "%d %b", "month": "%b %Y"}


def read_filter(request: HttpRequest, tz: str) -> tuple[ReportForm, reports.Period | None]:
    """The bound filter and, when it is valid, the period it names."""
    form = ReportForm(request.GET, today=reports.today_in(tz))
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, reports.Period(data["start"], data["end"], tz, data["granularity"])


def sales_charts(report: reports.SalesReport, period: reports.Period) -> dict[str, Any]:
    fmt = DATE_LABELS[period.granularity]
    revenue = [(row.period.strftime(fmt), row.revenue) for row in report.rows]
    orders = [(row.period.strftime(fmt), row.orders) for row in report.rows]
    money = "{} " + report.currency if report.currency else "{}"
    return {
        "revenue_chart": charts.line_chart(_("Revenue"), revenue, value_format=money),
        "orders_chart": charts.bar_chart(_("Orders"), orders),
    }


def csv_response(
    request: HttpRequest,
    sales: SalesProvider,
    platform_id: int,
    vendor_id: int | None,
    period: reports.Period,
    name: str,
) -> HttpResponse:
    """The series named by ``?series=`` (sales by default) as a CSV attachment."""
    series = request.GET.get("series", "")
    series = series if series in reports.SERIES else "sales"
    report = reports.sales_report(sales, platform_id, vendor_id, period, series=(series,))
    response = HttpResponse(reports.csv_text(report, series), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}-{series}.csv"'
    return response


def report_context(
    request: HttpRequest,
    sales: SalesProvider,
    platform_id: int,
    vendor_id: int | None,
    period: reports.Period,
) -> dict[str, Any]:
    report = reports.sales_report(sales, platform_id, vendor_id, period)
    query = request.GET.copy()
    query["format"] = "csv"
    return {
        "report": report,
        "period": period,
        "csv_query": query,
        **(sales_charts(report, period) if report.available else {}),
    }
