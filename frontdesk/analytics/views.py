"""The analytics section: the index of reports and one page that shows any report — the filters,
the chart, the heat map and the tables — and with ?format=xlsx hands the same tables over as an
Excel workbook. Reading needs VIEW in the analytics section; the whole network only for those who
see every branch (`filters.sees_network`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.analytics import dashboard, spreadsheets
from frontdesk.analytics import filters as report_filters
from frontdesk.analytics.reports import base
from frontdesk.core.spreadsheets import xlsx_response
from frontdesk.tenancy.permissions import any_member, section_required

GROUP_LABELS = {
    "money": _("Money"),
    "visits": _("Visits"),
    "clients": _("Clients"),
    "staff": _("Staff"),
    "services": _("Services"),
    "loyalty": _("Loyalty"),
}


@section_required(Section.ANALYTICS, Level.VIEW)
def index(request, company_id):
    groups: dict[str, list] = {}
    for report in base.all_reports():
        groups.setdefault(report.group, []).append(report)
    return render(
        request,
        "analytics/index.html",
        {
            "groups": [(GROUP_LABELS[group], reports) for group, reports in groups.items()],
            "sees_network": report_filters.sees_network(request),
        },
    )


@section_required(Section.ANALYTICS, Level.VIEW)
def report(request, company_id, report_key):
    key = report_key
    report_class = base.get(key)
    if report_class is None:
        raise Http404
    form, filters = report_filters.read(request, report_class.filters, report_class.default_preset)
    result = report_class().build(filters) if filters else None
    if result is not None and request.GET.get("format") == "xlsx":
        name = f"{key}-{request.company.pk}-{filters.period.first:%Y%m%d}-{filters.period.last:%Y%m%d}.xlsx"
        return xlsx_response(spreadsheets.workbook(result, report_class.title), name)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "analytics/report.html",
        {
            "report": report_class,
            "form": form,
            "filters": filters,
            "result": result,
            "chart": result.chart.as_json() if result and result.chart else None,
            "presets": report_filters.PRESETS,
            "query": query.urlencode(),
            "sees_network": report_filters.sees_network(request),
            "currency": request.chain.currency_symbol,
            "reports": base.all_reports(),
        },
    )


@any_member
def overview_today(request, company_id):
    """Today's card of the «Overview», asked for again by the page every few seconds and on focus.
    Who sees what is `dashboard.audience`'s decision; a member with neither gets 403."""
    context = dashboard.today_only(request)
    if context is None:
        raise PermissionDenied
    response = render(request, "analytics/_overview_today.html", context)
    seen = request.GET.get("seen", "")
    if seen and seen != context["fingerprint"]:
        response["HX-Trigger"] = "overview-changed"
    return response


@any_member
def overview_period(request, company_id):
    """The period's figures of the «Overview», loaded once the page is shown (the landing itself
    runs only today's queries)."""
    context = dashboard.period_context(request)
    if context is None:
        raise PermissionDenied
    return render(request, "analytics/_overview_period.html", context)
