"""The builder's screens: the list of saved reports (one's own and the shared ones), the form with
its preview, a saved report's page (chart, table, Excel), pin / unpin and delete. Seeing and
running needs analytics VIEW; building, pinning and deleting needs EDIT, and changing a saved
report is its author's or the owner's. Another member's private report is not found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.analytics import spreadsheets
from frontdesk.analytics.builder import engine
from frontdesk.analytics.builder.datasets import all_datasets, get_dataset
from frontdesk.analytics.builder.forms import ReportForm, initial_of
from frontdesk.analytics.builder.models import SavedReport, visible_reports
from frontdesk.analytics.builder.running import CannotRun, filters_for, run_saved
from frontdesk.analytics.filters import branch_today, preset_period, sees_network
from frontdesk.analytics.overview import Period
from frontdesk.core.spreadsheets import xlsx_response
from frontdesk.tenancy.permissions import section_required


def _visible(request):
    return visible_reports(SavedReport.objects.filter(chain=request.chain), request.user)


def _report(request, saved_report_id) -> SavedReport:
    return get_object_or_404(_visible(request).select_related("author"), pk=saved_report_id)


def may_change(request, report: SavedReport) -> bool:
    membership = request.membership
    return membership.can(Section.ANALYTICS, Level.EDIT) and (
        report.author_id == request.user.pk or membership.role == Role.OWNER
    )


def _changeable(request, saved_report_id) -> SavedReport:
    report = _report(request, saved_report_id)
    if not may_change(request, report):
        raise PermissionDenied
    return report


@section_required(Section.ANALYTICS, Level.VIEW)
def report_list(request, company_id):
    reports = list(_visible(request).select_related("author", "company"))
    return render(
        request,
        "analytics/builder/list.html",
        {
            "reports": [(report, may_change(request, report)) for report in reports],
            "datasets": all_datasets(),
            "may_edit": request.membership.can(Section.ANALYTICS, Level.EDIT),
        },
    )


@section_required(Section.ANALYTICS, Level.VIEW)
def report_page(request, company_id, saved_report_id):
    report = _report(request, saved_report_id)
    result, error = None, ""
    try:
        filters = filters_for(report, request.company, sees_network=sees_network(request), now=timezone.now())
        result = run_saved(report, filters)
    except CannotRun as problem:
        error = str(problem)
    if result is not None and request.GET.get("format") == "xlsx":
        name = f"{slugify(report.name) or 'report'}-{filters.period.first:%Y%m%d}-{filters.period.last:%Y%m%d}.xlsx"
        return xlsx_response(spreadsheets.workbook(result, report.name), name)
    return render(
        request,
        "analytics/builder/report.html",
        {
            "report": report,
            "result": result,
            "error": error,
            "period": filters.period if result is not None else None,
            "chart": result.chart.as_json() if result and result.chart else None,
            "currency": request.chain.currency_symbol,
            "may_change": may_change(request, report),
            "may_edit": request.membership.can(Section.ANALYTICS, Level.EDIT),
            "subscriptions": report.subscriptions.all(),
        },
    )


def _form_page(request, report: SavedReport | None):
    """The form for a new report (dataset from ?dataset=) or an existing one. "Preview" runs it
    without saving; "Save" saves it when it runs."""
    key = report.dataset if report is not None and not request.GET.get("dataset") else request.GET.get("dataset")
    dataset = get_dataset(key or all_datasets()[0].key)
    if dataset is None:
        raise Http404
    result, period = None, None
    if request.method == "POST":
        form = ReportForm(request.POST, request=request, dataset=dataset)
        if form.is_valid():
            data = form.cleaned_data
            if request.POST.get("action") == "save" and data["name"].strip():
                return _save(request, form, report)
            if request.POST.get("action") == "save":
                form.add_error("name", _("Give the report a name."))
                data["name"] = ""
            period = _period_of_form(request, data)
            draft = form.fill(SavedReport(chain=request.chain, company=request.company, author=request.user))
            draft.preset, draft.first, draft.last = "", period.first, period.last
            try:
                filters = filters_for(draft, request.company, sees_network=sees_network(request), now=timezone.now())
                result = run_saved(draft, filters)
            except CannotRun as problem:
                form.add_error(None, str(problem))
    else:
        if report is not None and report.dataset == dataset.key:
            data = initial_of(report)
        else:
            data = {"chart": engine.BAR, "preset": "month", "measures": [dataset.measures[0].key]}
        form = ReportForm(initial=data, request=request, dataset=dataset)
    return render(
        request,
        "analytics/builder/form.html",
        {
            "form": form,
            "report": report,
            "dataset": dataset,
            "datasets": all_datasets(),
            "result": result,
            "period": period,
            "chart": result.chart.as_json() if result and result.chart else None,
            "currency": request.chain.currency_symbol,
            "sees_network": sees_network(request),
        },
    )


def _period_of_form(request, data) -> Period:
    if data.get("preset"):
        return preset_period(data["preset"], branch_today(request))
    return Period(data["first"], data["last"])


def _save(request, form: ReportForm, report: SavedReport | None):
    # The event log records the create or change (SavedReport is an audited model).
    if report is None:
        report = SavedReport(chain=request.chain, company=request.company, author=request.user)
    form.fill(report).save()
    messages.success(request, _("The report “%(name)s” is saved.") % {"name": report.name})
    return redirect("analytics:builder_report", request.company.pk, report.pk)


@section_required(Section.ANALYTICS, Level.EDIT)
def report_new(request, company_id):
    return _form_page(request, None)


@section_required(Section.ANALYTICS, Level.EDIT)
def report_edit(request, company_id, saved_report_id):
    return _form_page(request, _changeable(request, saved_report_id))


@section_required(Section.ANALYTICS, Level.EDIT)
def report_delete(request, company_id, saved_report_id):
    report = _changeable(request, saved_report_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    name = report.name
    report.delete()
    messages.success(request, _("The report “%(name)s” is deleted.") % {"name": name})
    return redirect("analytics:builder", request.company.pk)


@section_required(Section.ANALYTICS, Level.EDIT)
def report_pin(request, company_id, saved_report_id):
    report = _changeable(request, saved_report_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    report.pinned = request.POST.get("pinned") == "1"
    report.save(update_fields=["pinned", "updated_at"])
    if report.pinned:
        messages.success(request, _("The report is pinned to the overview."))
    else:
        messages.success(request, _("The report is no longer on the overview."))
    return redirect("analytics:builder_report", request.company.pk, report.pk)
