"""Running a saved report for someone: the report filters it stores turned into the section's
`Filters` for the branch it is opened in (or emailed from), on the day it runs."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext

from frontdesk.analytics.builder import engine
from frontdesk.analytics.builder.datasets import get_dataset
from frontdesk.analytics.filters import preset_period
from frontdesk.analytics.overview import Period
from frontdesk.analytics.reports.base import Filters, Result
from frontdesk.catalog.models import ServiceCategory
from frontdesk.clients.models import ClientCategory
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.models import Company


class CannotRun(Exception):
    """Why a saved report cannot run for this reader (a translated message)."""


def period_of(report, today: datetime.date) -> Period:
    if report.preset or report.first is None or report.last is None:
        return preset_period(report.preset or "month", today)
    return Period(report.first, report.last)


def filters_for(
    report, company, *, sees_network: bool, now: datetime.datetime, period: Period | None = None
) -> Filters:
    """The report's filters in `company` (the branch it is opened in), on `now`'s local date in
    that branch, or over `period` (a scheduled letter's week or month). At most three small
    queries (the filter objects it names); CannotRun when the reader may not see what it asks."""
    stored = report.filters or {}
    chain_id = company.chain_id
    if stored.get("scope") == "network":
        if not sees_network:
            raise CannotRun(gettext("This report covers the whole network; you see only your branches."))
        companies = tuple(Company.objects.filter(chain_id=chain_id).order_by("pk"))
    else:
        companies = (company,)
    chosen = {}
    for name, model, query in (
        ("specialist", Specialist, Specialist.objects.filter(chain_id=chain_id)),
        ("category", ServiceCategory, ServiceCategory.objects.filter(chain_id=chain_id)),
        ("client_category", ClientCategory, ClientCategory.objects.filter(chain_id=chain_id)),
    ):
        if stored.get(name):
            chosen[name] = query.filter(pk=stored[name]).first()
            if chosen[name] is None:
                raise CannotRun(
                    gettext("A filter of this report (%(model)s) no longer exists; edit the report.")
                    % {"model": model._meta.verbose_name}
                )
    today = now.astimezone(company.tz).date()
    return Filters(
        companies=companies,
        period=period or period_of(report, today),
        chain=company.chain,
        specialist=chosen.get("specialist"),
        category=chosen.get("category"),
        source=stored.get("source") or None,
        client_category=chosen.get("client_category"),
        now=now,
    )


def run_saved(report, filters: Filters) -> Result:
    if get_dataset(report.dataset) is None:
        raise CannotRun(gettext("The data set of this report is no longer available."))
    problems = engine.problems(report.spec)
    if problems:
        raise CannotRun(" ".join(problems))
    return engine.run(report.spec, filters)
