"""The analytics section's filters, read from the query string: which branches (this one or the
whole network — the latter only for those who see every branch), the period (local dates, at most
two years), and the optional filters a report accepts (specialist, service category, source,
client category). Bad input is a form error on the page, never a 500; a choice from another
network is not a choice at all (the querysets are the network's own)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.base import CATEGORY, CLIENT_CATEGORY, SOURCE, SPECIALIST, Filters
from frontdesk.catalog.models import ServiceCategory
from frontdesk.clients.models import ClientCategory
from frontdesk.finance import report_views as finance_reports
from frontdesk.scheduling.models import RecordSource
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.models import Company

# Cohorts and year-on-year comparisons need two years; longer is a rebuild, not a page.
MAX_DAYS = 2 * 366

_SELECT = {"class": "form-select"}

# The period's quick choices: (key, label).
PRESETS = (
    ("today", gettext_lazy("Today")),
    ("week", gettext_lazy("This week")),
    ("month", gettext_lazy("This month")),
    ("last_month", gettext_lazy("Last month")),
    ("quarter", gettext_lazy("This quarter")),
    ("year", gettext_lazy("This year")),
    ("last_12", gettext_lazy("12 months")),
)


def preset_period(key: str, today: datetime.date) -> Period:
    """The dates of a quick choice, the branch's today included."""
    if key == "today":
        return Period(today, today)
    if key == "week":
        return Period(today - datetime.timedelta(days=today.weekday()), today)
    if key == "last_month":
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return Period(last.replace(day=1), last)
    if key == "quarter":
        return Period(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today)
    if key == "year":
        return Period(today.replace(month=1, day=1), today)
    if key == "last_12":
        first = today.replace(day=1)
        for _ in range(11):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        return Period(first, today)
    return Period(today.replace(day=1), today)


# Who may read the whole network: the finance reports' rule (the owner, or a member of every
# branch), which every analytics screen asks here.
sees_network = finance_reports.sees_network


class FiltersForm(finance_reports.PeriodForm):
    """The finance reports' branches and period (the same fields, checks and messages), with two
    years instead of one, and the optional filters a report accepts."""

    max_days = MAX_DAYS
    too_long = gettext_lazy("Choose a period of at most two years.")

    specialist = forms.ModelChoiceField(
        label=gettext_lazy("Specialist"),
        queryset=Specialist.unscoped.none(),
        required=False,
        empty_label=gettext_lazy("All specialists"),
        widget=forms.Select(attrs=_SELECT),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Service category"),
        queryset=ServiceCategory.unscoped.none(),
        required=False,
        empty_label=gettext_lazy("All categories"),
        widget=forms.Select(attrs=_SELECT),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        required=False,
        choices=[("", gettext_lazy("All sources")), *RecordSource.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    client_category = forms.ModelChoiceField(
        label=gettext_lazy("Client category"),
        queryset=ClientCategory.unscoped.none(),
        required=False,
        empty_label=gettext_lazy("All clients"),
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, request, accepts=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.offer_network_only_to(request)
        optional = {SPECIALIST, CATEGORY, SOURCE, CLIENT_CATEGORY}
        for name in optional - set(accepts):
            del self.fields[name]
        if SPECIALIST in self.fields:
            self.fields["specialist"].queryset = Specialist.objects.filter(chain=request.chain).order_by("name")
        if CATEGORY in self.fields:
            self.fields["category"].queryset = ServiceCategory.objects.filter(
                company=request.company, is_archived=False
            )
        if CLIENT_CATEGORY in self.fields:
            self.fields["client_category"].queryset = ClientCategory.objects.filter(chain=request.chain).order_by(
                "title"
            )

    @property
    def optional_fields(self):
        return [self[name] for name in (SPECIALIST, CATEGORY, SOURCE, CLIENT_CATEGORY) if name in self.fields]


def branch_today(request) -> datetime.date:
    return timezone.now().astimezone(request.company.tz).date()


def read(request, accepts=frozenset(), default_preset: str = "month") -> tuple[FiltersForm, Filters | None]:
    """The form bound to the query string (a quick choice `preset` fills the dates) and the
    filters when it is valid."""
    today = branch_today(request)
    params = {k: v for k, v in request.GET.items() if v != ""}
    preset = params.get("preset") or ("" if "first" in params or "last" in params else default_preset)
    if preset:
        period = preset_period(preset, today)
        params["first"], params["last"] = period.first.isoformat(), period.last.isoformat()
    form = FiltersForm(params, request=request, accepts=accepts)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    if data.get("scope") == "network":
        companies = tuple(Company.objects.filter(chain=request.chain).order_by("pk"))
    else:
        companies = (request.company,)
    filters = Filters(
        companies=companies,
        period=Period(data["first"], data["last"]),
        chain=request.chain,
        specialist=data.get("specialist"),
        category=data.get("category"),
        source=data.get("source") or None,
        client_category=data.get("client_category"),
        now=timezone.now(),
        language=getattr(request, "LANGUAGE_CODE", ""),
    )
    return form, filters
