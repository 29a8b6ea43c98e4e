"""Retention cohorts and churn: how many clients come back, and how many stop coming.

**Retention.** A cohort is the clients whose first visit in the network (`client_history`) fell in
a month and was at one of the branches read — a branch's cohorts are its own new clients. For each
cohort: its size; the share who came back within 30, 60 and 90 days (a visit at the branches read
on a later date, at most that many days after the first); and month by month, the share with a
visit at the branches read in the k-th calendar month after the cohort's. A share is shown only
once it can be complete: 30 days after the cohort month's last day, or the month k has begun, by
the period's last day (or today, if sooner). The cohorts are the months of the period (at most 24).

**Churn.** For each month of the period: the clients who came to the branches read in the 90 days
before the month began (the active base), and of them those with no visit in the 90 days from the
month's first day (churned). The rate is churned ÷ active; it is known only once those 90 days are
over everywhere, so the last three months of a period ending today have none yet.
"""

from __future__ import annotations

import bisect
import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.models import ClientMonth
from frontdesk.analytics.reports import client_history
from frontdesk.analytics.reports.base import (
    CLIENT_CATEGORY,
    COUNT,
    SHARE,
    SPECIALIST,
    Chart,
    Column,
    Filters,
    HeatMap,
    Report,
    Result,
    Series,
    Table,
    register,
)

MAX_COHORTS = 24
RETURN_DAYS = (30, 60, 90)
CHURN_DAYS = 90


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first dates of the months from `first`'s to `last`'s, in order."""
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _share(count: int, of: int) -> Decimal | None:
    return (Decimal(count) / Decimal(of)).quantize(Decimal("0.0001")) if of else None


def _today(filters: Filters, zones) -> datetime.date:
    """The earliest of the read branches' todays: a day is over only once it is over everywhere."""
    return min(filters.now.astimezone(zones[company.pk]).date() for company in filters.companies)


class Cohort:
    def __init__(self, month: datetime.date):
        self.month = month
        self.size = 0
        self.returned = dict.fromkeys(RETURN_DAYS, 0)
        self.months: dict[int, int] = {}  # k → clients with a visit in the k-th month after


def cohorts(filters: Filters) -> tuple[list[Cohort], datetime.date]:
    """The period's cohorts (at most the last 24 months) and the last date counted, read from the
    per-client facts (`analytics.ClientMonth`, `client_facts`). One query, whatever the clients.

    The section reads one branch or the whole network: for one branch, the cohorts are the clients
    whose first visit was there and only visits there count; for the network, every visit."""
    zones = {company.pk: company.tz for company in filters.companies}
    as_of = min(filters.period.last, _today(filters, zones))
    if as_of < filters.period.first:
        return [], as_of
    months = month_starts(filters.period.first, as_of)[-MAX_COHORTS:]
    facts = ClientMonth.objects.filter(chain=filters.chain, cohort__gte=months[0], cohort__lte=as_of)
    if len(filters.companies) == 1:
        facts = facts.filter(first_company_id=filters.companies[0].pk, here_day__lte=as_of)
        back = "back_here"
    else:
        facts = facts.filter(any_day__lte=as_of)
        back = "back_any"
    if filters.client_category is not None:
        facts = facts.filter(client__categories=filters.client_category.pk)
    counts = {f"back_{days}": Count("id", filter=Q(**{f"{back}__lte": days})) for days in RETURN_DAYS}
    by_month = {month: Cohort(month) for month in months}
    for row in facts.values("cohort", "month").annotate(n=Count("id"), **counts).order_by():
        cohort = by_month[row["cohort"]]
        k = _month_index(row["month"]) - _month_index(row["cohort"])
        if k == 0:
            cohort.size = row["n"]
            cohort.returned = {days: row[f"back_{days}"] for days in RETURN_DAYS}
        else:
            cohort.months[k] = row["n"]
    return list(by_month.values()), as_of


@register
class RetentionReport(Report):
    key = "retention"
    title = _("Retention")
    description = _(
        "Cohorts of new clients by the month of their first visit: how many came back within 30, 60 and "
        "90 days, and month by month."
    )
    group = "clients"
    order = 20
    filters = frozenset({CLIENT_CATEGORY})
    default_preset = "last_12"

    def build(self, filters: Filters) -> Result:
        found, as_of = cohorts(filters)
        width = len(found) - 1
        labels, cells, lead = [], [], []
        series = {days: [] for days in RETURN_DAYS}
        for index, cohort in enumerate(found):
            labels.append(date_format(cohort.month, "M Y"))
            last_day = add_months(cohort.month, 1) - datetime.timedelta(days=1)
            shares = []
            for days in RETURN_DAYS:
                complete = last_day + datetime.timedelta(days=days) <= as_of
                share = _share(cohort.returned[days], cohort.size) if complete else None
                shares.append(share)
                series[days].append(share)
            lead.append([cohort.size, *shares])
            started = len(found) - 1 - index  # months after this cohort's that have begun
            cells.append(
                [_share(cohort.months.get(k, 0), cohort.size) if k <= started else None for k in range(1, width + 1)]
            )
        heatmap = HeatMap(
            row_labels=labels,
            column_labels=[_("Month %(number)s") % {"number": k} for k in range(1, width + 1)],
            cells=cells,
            title=_("Cohorts by the month of the first visit"),
            row_header=_("Cohort"),
            lead_headers=[_("Clients"), *[_("%(days)s days") % {"days": days} for days in RETURN_DAYS]],
            lead=lead,
            lead_kinds=[COUNT, SHARE, SHARE, SHARE],
        )
        return Result(
            heatmap=heatmap,
            chart=Chart(
                Chart.LINE,
                labels,
                [Series(_("Came back within %(days)s days") % {"days": d}, series[d]) for d in RETURN_DAYS],
                kind_of_values=SHARE,
            ),
            notes=[
                _(
                    "A cohort is the clients whose first visit in the network was in that month at the branches "
                    "read. Month k: the share who came in the k-th month after. A share appears once it can be "
                    "complete."
                )
            ],
        )


def churn(filters: Filters) -> list[dict]:
    """Per month of the period: the active base, the churned and the rate (None until the 90 days
    after the month's start are over). One query (the zones come with the branches read): over the
    per-client facts (`ClientVisit`) without a specialist filter, over the records with one (a
    visit counts when one of its records is that specialist's, which the facts do not hold)."""
    zones = {company.pk: company.tz for company in filters.companies}
    today = _today(filters, zones)
    months = month_starts(filters.period.first, filters.period.last)
    window = datetime.timedelta(days=CHURN_DAYS)
    if filters.specialist is None:
        active, churned = _churn_from_facts(filters, months)
    else:
        active, churned = _churn_from_records(filters, zones, months)
    out = []
    for month in months:
        complete = month + window <= today
        out.append(
            {
                "month": month,
                "active": active[month],
                "churned": churned[month] if complete else None,
                "back": active[month] - churned[month] if complete else None,
                "rate": _share(churned[month], active[month]) if complete else None,
            }
        )
    return out


def _churn_from_facts(filters: Filters, months: list[datetime.date]) -> tuple[dict, dict]:
    """({month: active}, {month: churned}) from the `churn_*` code of the visits of the 90 days
    before each month (`ClientVisit`: a client's last visit before a month start, within 90 days,
    names the A months it counts as active in and the C months it churned in). One query, grouped
    by the covering index's leading columns so that it reads the index in order."""
    rows, scope = client_history.fact_rows(filters)
    code = f"churn_{scope}"
    window = datetime.timedelta(days=CHURN_DAYS)
    active, churned = dict.fromkeys(months, 0), dict.fromkeys(months, 0)
    grouped = (
        rows.filter(day__gte=months[0] - window, day__lt=months[-1], **{f"{code}__gt": 0})
        .values("day", f"fresh_{scope}", "new_in", code)
        .annotate(n=Count("*"))
        .order_by()
    )
    following: dict[datetime.date, list[datetime.date]] = {}  # a month → the three month starts after it
    for row in grouped:
        counted, gone = divmod(row[code], 4)
        own = row["day"].replace(day=1)
        if own not in following:
            following[own] = [add_months(own, k) for k in (1, 2, 3)]
        for k, month in enumerate(following[own][:counted]):
            if month in active:
                active[month] += row["n"]
                churned[month] += row["n"] if k < gone else 0
    return active, churned


def _churn_from_records(filters: Filters, zones, months: list[datetime.date]) -> tuple[dict, dict]:
    """The same from the completed records of the period and the 90 days either side, replayed in
    Python. One query."""
    window = datetime.timedelta(days=CHURN_DAYS)
    start, end = client_history.utc_range(zones.values(), months[0] - window, months[-1] + window)
    histories = client_history.read_visits(
        filters, zones, Q(company_id__in=list(zones), start__gte=start, start__lt=end)
    )
    days_of = [sorted({visit.day for visit in visits if visit.matches}) for visits in histories.values()]
    active, churned = dict.fromkeys(months, 0), dict.fromkeys(months, 0)
    for month in months:
        for days in days_of:
            # The first visit on or after the window before the month: was it before the month, and
            # is there one in the 90 days from it?
            index = bisect.bisect_left(days, month - window)
            if index < len(days) and days[index] < month:
                active[month] += 1
                after = bisect.bisect_left(days, month, index)
                if after == len(days) or days[after] >= month + window:
                    churned[month] += 1
    return active, churned


@register
class ChurnReport(Report):
    key = "churn"
    title = _("Churn")
    description = _(
        "Each month: of the clients who came in the 90 days before it, how many did not come back in 90 days."
    )
    group = "clients"
    order = 30
    filters = frozenset({SPECIALIST, CLIENT_CATEGORY})
    default_preset = "last_12"

    def build(self, filters: Filters) -> Result:
        figures = churn(filters)
        labels = [date_format(row["month"], "M Y") for row in figures]
        columns = [
            Column("month", _("Month")),
            Column("active", _("Active in the 90 days before"), COUNT),
            Column("back", _("Came back within 90 days"), COUNT),
            Column("churned", _("Did not come back"), COUNT),
            Column("rate", _("Churn rate"), SHARE),
        ]
        rows = [
            [label, row["active"], row["back"], row["churned"], row["rate"]]
            for label, row in zip(labels, figures, strict=True)
        ]
        return Result(
            tables=[Table(columns, rows)],
            chart=Chart(Chart.LINE, labels, [Series(_("Churn rate"), [row["rate"] for row in figures])], SHARE),
            notes=[
                _(
                    "Active: clients with a visit in the 90 days before the month began. Churned: of them, those "
                    "with no visit in the 90 days from its first day. A month's rate appears once those 90 days "
                    "are over."
                )
            ],
        )
