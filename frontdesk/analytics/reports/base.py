"""What every analytics report is made of, so that one page, one Excel writer and one chart script
serve them all: a report reads `Filters` and returns a `Result` — tables, at most one chart, at most
one heat map. Reports never render; `frontdesk/analytics/views.py` does, and `?format=xlsx` writes
the same tables to a workbook, so the screen and the file cannot disagree.

A report registers itself with `@register` in a module of this package; every module here is
imported when the app loads (`frontdesk/analytics/reports/__init__.py`), so adding a report is
adding a file. `docs/analytics.md` lists them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.db.models import Q

from frontdesk.analytics.dates import Period
from frontdesk.staff.models import Specialist

# How a column's values are shown and written to Excel.
TEXT, COUNT, MONEY, SHARE, DATE, MINUTES = "text", "count", "money", "share", "date", "minutes"

# The report filters a report may accept (the page shows only those a report names).
SPECIALIST, CATEGORY, SOURCE, CLIENT_CATEGORY = "specialist", "category", "source", "client_category"

# The groups of the analytics section's index, in this order.
GROUPS = ("money", "visits", "clients", "staff", "services", "loyalty")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy translation
    kind: str = TEXT  # TEXT, COUNT, MONEY, SHARE (0.25 is 25 %), DATE or MINUTES


@dataclass
class Table:
    """Rows are lists in the columns' order; `totals` is one more row (None: no totals line).
    `title` heads the table on the page and names the Excel sheet."""

    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    totals: list | None = None
    title: Any = ""
    # Row keys for tests and links (e.g. a specialist's id), parallel to `rows`; optional.
    keys: list | None = None

    def cells(self) -> list[list[tuple[Any, Column]]]:
        """Every row as (value, column) pairs, for the page."""
        return [list(zip(row, self.columns, strict=False)) for row in self.rows]

    def total_cells(self) -> list[tuple[Any, Column]] | None:
        return None if self.totals is None else list(zip(self.totals, self.columns, strict=False))


@dataclass
class Series:
    label: Any
    values: list  # numbers (Decimal, int or None), one per chart label
    stack: str | None = None  # series with the same stack are stacked (bar charts)


@dataclass
class Chart:
    """A Chart.js chart: BAR, LINE, PIE or DOUGHNUT over `labels`. `kind_of_values` says how the
    axis and tooltips format the numbers (MONEY, COUNT, SHARE, MINUTES)."""

    BAR: ClassVar[str] = "bar"
    LINE: ClassVar[str] = "line"
    PIE: ClassVar[str] = "pie"
    DOUGHNUT: ClassVar[str] = "doughnut"

    kind: str
    labels: list
    series: list[Series]
    kind_of_values: str = COUNT
    horizontal: bool = False

    def as_json(self) -> dict:
        """What `core/charts.js` reads (through `json_script`): plain numbers and strings."""
        return {
            "type": self.kind,
            "labels": [str(label) for label in self.labels],
            "values": self.kind_of_values,
            "horizontal": self.horizontal,
            "series": [
                {"label": str(s.label), "data": [_number(v) for v in s.values], "stack": s.stack} for s in self.series
            ],
        }


@dataclass
class HeatMap:
    """A table of shares (or counts) shaded by value: rows × columns, each cell a number or None.
    Shown as an HTML table whose cells carry one of ten shade classes — no inline style, so the
    strict CSP holds; in Excel it is a sheet of numbers."""

    row_labels: list
    column_labels: list
    cells: list[list]  # rows × columns
    kind_of_values: str = SHARE
    title: Any = ""
    row_header: Any = ""
    # Extra leading columns per row (e.g. a cohort's size), with their headers.
    lead_headers: list = field(default_factory=list)
    lead: list[list] = field(default_factory=list)
    # How each leading column is shown (COUNT, SHARE …); plain text when not given.
    lead_kinds: list = field(default_factory=list)

    def shaded(self) -> list[list[tuple[Any, int | None]]]:
        """Every cell with its shade 0–9 (None for an empty cell), relative to the largest value."""
        values = [v for row in self.cells for v in row if v is not None]
        top = max(values, default=0) or 1
        return [
            [(v, None if v is None else min(9, int(Decimal(v) * 10 / Decimal(top)))) for v in row] for row in self.cells
        ]

    def rows(self) -> list[tuple[Any, list, list]]:
        """(row label, shaded cells, leading (value, kind) pairs) for the page."""
        shaded = self.shaded()
        return [(label, shaded[index], self.lead_cells(index)) for index, label in enumerate(self.row_labels)]

    def lead_cells(self, index: int) -> list[tuple[Any, str]]:
        values = self.lead[index] if self.lead else []
        return [(value, self.lead_kinds[n] if n < len(self.lead_kinds) else TEXT) for n, value in enumerate(values)]


@dataclass
class Result:
    tables: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    heatmap: HeatMap | None = None
    # Short lines under the title: what is counted, or why the report is empty.
    notes: list = field(default_factory=list)
    # Links to related pages, as (label, url) pairs (e.g. the RFM page, the loyalty analytics).
    links: list[tuple[Any, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    """What a report is asked for. `companies` are the branches read (one, or the whole network);
    `period` their local dates. The optional filters are None when not chosen."""

    companies: tuple  # Company instances
    period: Period
    chain: Any  # the network
    specialist: Any = None  # a Specialist
    category: Any = None  # a ServiceCategory of the current branch (matched by title across the network)
    source: str | None = None  # a RecordSource value
    client_category: Any = None  # a ClientCategory
    now: datetime.datetime | None = None
    language: str = ""

    @property
    def company_ids(self) -> list[int]:
        return [company.pk for company in self.companies]

    @property
    def network(self) -> bool:
        return len(self.companies) > 1

    def page_query(self) -> str:
        """The query string that opens another page (a finance report, the loyalty analytics) on
        the same dates and branches: first, last, and scope=network for the whole network. A
        reader of the whole network sees every branch, so any branch's page shows the network."""
        query = {"first": self.period.first.isoformat(), "last": self.period.last.isoformat()}
        if self.network:
            query["scope"] = "network"
        return urlencode(query)

    def records_q(self, prefix: str = "") -> Q:
        """The optional filters as a condition on `Record` (reached through `prefix`, e.g.
        "record__"): by specialist, by source, by client category, and — for a service category —
        records with a line of a service in it."""
        condition = Q()
        if self.specialist is not None:
            condition &= Q(**{f"{prefix}specialist_id": self.specialist.pk})
        if self.source:
            condition &= Q(**{f"{prefix}source": self.source})
        if self.client_category is not None:
            condition &= Q(**{f"{prefix}client__categories": self.client_category.pk})
        if self.category is not None:
            condition &= Q(**{f"{prefix}lines__service__category__title": self.category.title})
        return condition


def share(part, whole):
    """part ÷ whole, or None when the whole is 0: an empty share is "—" on the page, not 0 %."""
    return part / whole if whole else None


def no_show_rate(came: int, no_show: int):
    """No-shows among the visits that were due (came or did not come), as «Visits by status» and
    «Cancellations and no-shows» count it."""
    return share(no_show, came + no_show)


def specialist_names(ids, chain) -> dict[int, str]:
    """{id: name} of the network's specialists among `ids` (a report's rows name them by id). One
    query."""
    return dict(Specialist.objects.filter(pk__in=list(ids), chain=chain).values_list("pk", "name"))


def percent(value) -> Decimal:
    """A share (0.1667) as the percentage every place shows it — the report's page, its Excel
    file, the emailed letter: × 100, rounded half up to one decimal (16.7), as the charts' tooltips
    round it. Formatting with `number_format` alone would cut the digits off (16.6)."""
    return (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


class Report:
    """A report of the analytics section. Subclasses set the class attributes and `build`."""

    key: ClassVar[str]  # the URL's last part, e.g. "revenue"
    title: ClassVar[Any]
    description: ClassVar[Any] = ""
    group: ClassVar[str] = "money"  # one of GROUPS
    filters: ClassVar[frozenset] = frozenset()  # which optional filters the page offers
    order: ClassVar[int] = 100  # the position inside its group
    default_preset: ClassVar[str] = "month"  # the period shown before any is chosen (filters.PRESETS)

    def build(self, filters: Filters) -> Result:
        raise NotImplementedError


_registry: dict[str, type[Report]] = {}


def register(report: type[Report]) -> type[Report]:
    """Class decorator: add a report to the analytics section."""
    if report.key in _registry and _registry[report.key] is not report:
        raise ValueError(f"two analytics reports are called {report.key!r}")
    if report.group not in GROUPS:
        raise ValueError(f"unknown analytics group {report.group!r}")
    _registry[report.key] = report
    return report


def get(key: str) -> type[Report] | None:
    return _registry.get(key)


def all_reports() -> list[type[Report]]:
    return sorted(_registry.values(), key=lambda r: (GROUPS.index(r.group), r.order, str(r.title)))


ReportBuilder = Callable[[Filters], Result]
