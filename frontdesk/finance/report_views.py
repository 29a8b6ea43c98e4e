"""The finance report pages: each reads its filters from the query string, shows the report, and
with ?format=xlsx hands the same figures over as an Excel workbook. Reading needs VIEW in the
finance section; the whole network (scope=network) only for those who see every branch."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.core.dates import DateTextInput
from frontdesk.core.forms import choices_without
from frontdesk.core.spreadsheets import xlsx_response
from frontdesk.finance import report_spreadsheets, reports
from frontdesk.tenancy.models import Company
from frontdesk.tenancy.permissions import section_required

MAX_DAYS = 366


def member_sees_network(membership) -> bool:
    """Who may read the whole network's figures: the owner, or a member of every branch."""
    return membership.role == Role.OWNER or membership.all_companies


def sees_network(request) -> bool:
    return member_sees_network(request.membership)


_DATE = DateTextInput(attrs={"class": "form-control"})


class _ScopeForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Branches"),
        required=False,
        choices=[("", gettext_lazy("This branch")), ("network", gettext_lazy("The whole network"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def offer_network_only_to(self, request) -> None:
        """Leave "the whole network" out of the choices of a reader who does not see every
        branch: the choice is then refused like any unknown value (a form error, not a 500)."""
        if not sees_network(request):
            self.fields["scope"].choices = choices_without(self.fields["scope"].choices, "network")


class DayForm(_ScopeForm):
    day = forms.DateField(label=gettext_lazy("Day"), widget=_DATE)


class PeriodForm(_ScopeForm):
    """Two local dates, in order, at most `max_days` apart; each mistake is one translated form
    error. The finance reports take a year; a form above may take another span with its own words
    (the analytics section takes two years: `analytics/filters.py`)."""

    first = forms.DateField(label=gettext_lazy("From"), widget=_DATE)
    last = forms.DateField(label=gettext_lazy("To"), widget=_DATE)

    max_days = MAX_DAYS
    too_long = gettext_lazy("Choose a period of at most a year.")

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if first > last:
                raise forms.ValidationError(_("The period ends before it begins."))
            if (last - first).days >= self.max_days:
                raise forms.ValidationError(self.too_long)
        return data


def _read(request, form_class, defaults):
    """The filters from the query string, or the defaults for the parts not given."""
    data = {**defaults, **{k: v for k, v in request.GET.items() if k in form_class.base_fields and v != ""}}
    form = form_class(data)
    form.offer_network_only_to(request)
    valid = form.is_valid()
    return form, (form.cleaned_data if valid else None)


def _companies(request, data):
    if data.get("scope") == "network":
        # A list of ids, not a subquery: the planner then walks each branch's index range.
        return list(Company.objects.filter(chain=request.chain).values_list("pk", flat=True))
    return [request.company]


def _today(request) -> datetime.date:
    return timezone.now().astimezone(request.company.tz).date()


def _month(request) -> dict:
    today = _today(request)
    return {"first": today.replace(day=1).isoformat(), "last": today.isoformat()}


def _xlsx(request, name, data, sheets):
    stamp = "-".join(str(v) for k, v in data.items() if k in ("day", "first", "last"))
    return xlsx_response(report_spreadsheets.workbook(sheets), f"{name}-{request.company.pk}-{stamp}.xlsx")


def _page(request, template, tab, form, report, **extra):
    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "report_tab": tab,
            "network": bool(form.is_bound and form.is_valid() and form.cleaned_data.get("scope") == "network"),
            "sees_network": sees_network(request),
            "currency": request.chain.currency_symbol,
            "query": request.GET.urlencode(),
            **extra,
        },
    )


@section_required(Section.FINANCE, Level.VIEW)
def cash(request, company_id):
    form, data = _read(request, DayForm, {"day": _today(request).isoformat()})
    report = reports.cash_report(_companies(request, data), data["day"], request.company.tz) if data else None
    if report and request.GET.get("format") == "xlsx":
        return _xlsx(request, "cash-report", data, report_spreadsheets.cash_sheets(report))
    return _page(request, "finance/reports/cash.html", "cash", form, report)


@section_required(Section.FINANCE, Level.VIEW)
def items(request, company_id):
    form, data = _read(request, PeriodForm, _month(request))
    report = None
    if data:
        report = reports.items_report(_companies(request, data), data["first"], data["last"], request.company.tz)
    if report and request.GET.get("format") == "xlsx":
        return _xlsx(request, "items-report", data, report_spreadsheets.items_sheets(report))
    return _page(request, "finance/reports/items.html", "items", form, report)


@section_required(Section.FINANCE, Level.VIEW)
def methods(request, company_id):
    form, data = _read(request, PeriodForm, _month(request))
    report = None
    if data:
        report = reports.methods_report(_companies(request, data), data["first"], data["last"], request.company.tz)
    if report and request.GET.get("format") == "xlsx":
        return _xlsx(request, "methods-report", data, report_spreadsheets.methods_sheets(report))
    return _page(request, "finance/reports/methods.html", "methods", form, report)


@section_required(Section.FINANCE, Level.VIEW)
def debts(request, company_id):
    form, data = _read(request, PeriodForm, _month(request))
    report = None
    if data:
        report = reports.debts_report(_companies(request, data), data["first"], data["last"], request.company.tz)
    if report and request.GET.get("format") == "xlsx":
        return _xlsx(request, "debts-report", data, report_spreadsheets.debts_sheets(report, request.company.tz))
    return _page(request, "finance/reports/debts.html", "debts", form, report, limit=reports.LIST_LIMIT)


@section_required(Section.FINANCE, Level.VIEW)
def refunds(request, company_id):
    form, data = _read(request, PeriodForm, _month(request))
    report = None
    if data:
        report = reports.refunds_report(_companies(request, data), data["first"], data["last"], request.company.tz)
    if report and request.GET.get("format") == "xlsx":
        return _xlsx(request, "refunds-report", data, report_spreadsheets.refunds_sheets(report, request.company.tz))
    return _page(request, "finance/reports/refunds.html", "refunds", form, report, limit=reports.LIST_LIMIT)
