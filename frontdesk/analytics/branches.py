"""Branch comparison: every overview figure side by side for each branch of the network, with the
network's own line under them, sortable by any column on the server (?sort=revenue, ?sort=-revenue;
no script), and the same table as an Excel file (?format=xlsx).

Only for members who see every branch (an owner, or a member of all branches); others get 403.
Queries: the branches, six for all the branches together (`overview.period_figures_by_branch`)
and one for the network's clients (`overview.network_figures` adds up the rest) — the same for 2
branches or 200. The network's clients are not the sum of the branches' (a client who came to
two branches is one client of the network), which is why they are read, not added up."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.accounts.permissions import Level, Section
from frontdesk.analytics import filters as report_filters
from frontdesk.analytics import overview, spreadsheets
from frontdesk.analytics.reports.base import COUNT, MONEY, SHARE, TEXT, Column, Result, Table
from frontdesk.core.spreadsheets import xlsx_response
from frontdesk.scheduling.models import RecordSource
from frontdesk.tenancy.models import Company
from frontdesk.tenancy.permissions import section_required

TITLE = _("Branch comparison")

# (column, how to read it from PeriodFigures)
FIGURES = (
    (Column("revenue", _("Revenue"), MONEY), lambda f: f.revenue.revenue),
    (Column("checks", _("Checks"), COUNT), lambda f: f.revenue.checks),
    (Column("average_check", _("Average check"), MONEY), lambda f: f.revenue.average_check),
    (Column("came", _("Came"), COUNT), lambda f: f.visits["came"]),
    (Column("no_show", _("No-shows"), COUNT), lambda f: f.visits["no_show"]),
    (Column("cancelled", pgettext_lazy("overview", "Cancelled"), COUNT), lambda f: f.visits["cancelled"]),
    (Column("new_clients", _("New clients"), COUNT), lambda f: f.clients.new),
    (Column("returning_clients", _("Returning clients"), COUNT), lambda f: f.clients.returning),
    (Column("fill_rate", _("Fill rate"), SHARE), lambda f: f.fill_rate.rate),
    *[
        (Column(f"source_{source}", RecordSource(source).label, COUNT), lambda f, source=source: f.sources[source])
        for source in RecordSource.values
    ],
    (Column("source_repeat", _("Repeat bookings"), COUNT), lambda f: f.sources["repeat"]),
)
BRANCH = Column("branch", _("Branch"), TEXT)
COLUMNS = [BRANCH, *[column for column, _read in FIGURES]]
SORT_KEYS = {column.key for column in COLUMNS}


def comparison(companies, period, sort: str = "") -> Table:
    """The comparison table: a row per branch (sorted by `sort`, a column key, "-" first for
    largest first; none given or unknown: by name), the network's line as totals."""
    companies = list(companies)
    by_branch = overview.period_figures_by_branch(companies, period)
    network = overview.network_figures(companies, period, by_branch)
    rows = [[company.name, *[read(by_branch[company.pk]) for _column, read in FIGURES]] for company in companies]
    keys = [company.pk for company in companies]
    order = _order(rows, sort)
    return Table(
        COLUMNS,
        [rows[i] for i in order],
        totals=[_("The whole network"), *[read(network) for _column, read in FIGURES]],
        title=TITLE,
        keys=[keys[i] for i in order],
    )


def parse_sort(value: str) -> str:
    """A known column key, optionally with "-"; anything else is no sort (names in order)."""
    return value if value.lstrip("-") in SORT_KEYS else ""


def _order(rows, sort: str) -> list[int]:
    indexes = list(range(len(rows)))
    if not sort:
        return indexes
    descending = sort.startswith("-")
    position = next(i for i, column in enumerate(COLUMNS) if column.key == sort.lstrip("-"))

    def key(i):
        value = rows[i][position]
        return value.lower() if isinstance(value, str) else value

    # Empty figures (no checks, no shifts) go last whichever way the column is sorted.
    present = [i for i in indexes if rows[i][position] is not None]
    missing = [i for i in indexes if rows[i][position] is None]
    present.sort(key=key, reverse=descending)
    return present + missing


def _headers(sort: str) -> list[dict]:
    """Each column's header with the link that sorts by it: numbers largest first on the first
    click, the other way on the next; names A to Z first."""
    out = []
    for column in COLUMNS:
        current = sort.lstrip("-") == column.key
        descending = sort.startswith("-")
        if current:
            target = column.key if descending else f"-{column.key}"
        else:
            target = column.key if column.kind == TEXT else f"-{column.key}"
        out.append(
            {
                "column": column,
                "sort": target,
                "aria": ("descending" if descending else "ascending") if current else "",
            }
        )
    return out


@section_required(Section.ANALYTICS, Level.VIEW)
def page(request, company_id):
    if not report_filters.sees_network(request):
        raise PermissionDenied
    form, filters = report_filters.read(request)
    sort = parse_sort(request.GET.get("sort", ""))
    companies = Company.objects.filter(chain=request.chain).order_by("name", "pk")
    table = comparison(companies, filters.period, sort) if filters else None
    if table is not None and request.GET.get("format") == "xlsx":
        name = f"branches-{request.chain.pk}-{filters.period.first:%Y%m%d}-{filters.period.last:%Y%m%d}.xlsx"
        return xlsx_response(spreadsheets.workbook(Result(tables=[table]), TITLE), name)
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("sort", None)
    return render(
        request,
        "analytics/branches.html",
        {
            "title": TITLE,
            "form": form,
            "filters": filters,
            "table": table,
            "headers": _headers(sort),
            "presets": report_filters.PRESETS,
            "query": query.urlencode(),
            "sort": sort,
            "currency": request.chain.currency_symbol,
        },
    )
