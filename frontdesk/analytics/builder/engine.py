"""Runs a builder spec — a dataset, its measures, up to two dimensions and a chart type — over a
report's `Filters` and returns the section's `Result` (a table with a totals line, and a chart),
so the builder's page, the «Overview» panel, the Excel file and the emailed summary show the same
figures.

Queries: one grouped query and one totals query (one query without dimensions), whatever the
number of branches or time zones: a date dimension is the day, week or month the row's time falls
in, in its branch's zone (a CASE over the buckets' bounds per zone), so a distinct count (clients)
is exact in every group and in the totals, never a sum of daily counts. A dataset over a fact
table (`Dataset.local_date`: the «Revenue» dataset over `DayMoneyPart`) is dated by the branch's
local date already — plain date comparisons — and adds its `prepare` query (the facts' stale
check, `facts.refresh`) before those two.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DateField, F, Q, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.builder.datasets import Dataset, Dimension, get_dataset
from frontdesk.analytics.overview import _local_bounds, _zones
from frontdesk.analytics.reports import periods
from frontdesk.analytics.reports.base import TEXT, Chart, Column, Filters, Result, Series, Table

TABLE, BAR, LINE, PIE = "table", "bar", "line", "pie"
CHART_TYPES = (
    (TABLE, _("Table only")),
    (BAR, _("Bar chart")),
    (LINE, _("Line chart")),
    (PIE, _("Pie chart")),
)
MAX_MEASURES = 4
MAX_DIMENSIONS = 2
# A chart with more series than this shows the largest ones and "Other" (the table has them all).
MAX_SERIES = 10


@dataclass(frozen=True)
class Spec:
    dataset: str
    measures: tuple[str, ...]
    dimensions: tuple[str, ...] = ()
    chart: str = TABLE


def problems(spec: Spec) -> list[str]:
    """What is wrong with a spec, as messages for the person who built it (empty: it runs)."""
    dataset = get_dataset(spec.dataset)
    if dataset is None:
        return [gettext("Choose what to count: the data set is unknown.")]
    errors = []
    if not spec.measures:
        errors.append(gettext("Choose at least one figure."))
    if len(spec.measures) > MAX_MEASURES:
        errors.append(gettext("At most %(count)s figures in one report.") % {"count": MAX_MEASURES})
    for key in spec.measures:
        if dataset.measure(key) is None:
            errors.append(
                gettext("“%(name)s” is not a figure of %(dataset)s.") % {"name": key, "dataset": dataset.label}
            )
    if len(spec.dimensions) > MAX_DIMENSIONS:
        errors.append(gettext("Group by at most two things."))
    for key in spec.dimensions:
        if dataset.dimension(key) is None:
            errors.append(
                gettext("%(dataset)s cannot be grouped by “%(name)s”.") % {"name": key, "dataset": dataset.label}
            )
    if len(set(spec.dimensions)) != len(spec.dimensions):
        errors.append(gettext("Group by two different things."))
    dimensions = [dataset.dimension(k) for k in spec.dimensions if dataset.dimension(k) is not None]
    if sum(1 for d in dimensions if d.is_date) > 1:
        errors.append(gettext("Group by one date only: day, week or month."))
    if spec.chart not in dict(CHART_TYPES):
        errors.append(gettext("Choose a table, a bar, line or pie chart."))
    elif spec.chart != TABLE and not spec.dimensions:
        errors.append(gettext("A chart needs something to group by."))
    elif spec.chart == PIE and len(spec.dimensions) > 1:
        errors.append(gettext("A pie chart shows one grouping: choose one thing to group by."))
    return errors


def run(spec: Spec, filters: Filters) -> Result:
    """The spec's figures for these branches and dates. Raises ValueError for a spec with
    `problems` (the form shows them first). Two queries (one without dimensions)."""
    errors = problems(spec)
    if errors:
        raise ValueError(errors)
    dataset = get_dataset(spec.dataset)
    measures = [dataset.measure(k) for k in spec.measures]
    dimensions = [dataset.dimension(k) for k in spec.dimensions]
    rows = _rows_of_period(dataset, filters)
    aggregates = _aggregates(dataset, measures)

    totals_row = rows.aggregate(**aggregates) if aggregates else {}
    totals = [_value(dataset, m, totals_row) for m in measures]

    groups: dict[tuple, list] = {}
    names: list[dict] = [{} for _ in dimensions]
    if dimensions:
        fields, annotations = [], {}
        for index, dimension in enumerate(dimensions):
            if dimension.is_date:
                annotations[f"_d{index}"] = _local_date(dataset, filters, dimension.grain)
                fields.append(f"_d{index}")
            else:
                fields.append(dimension.field)
                if dimension.label_field:
                    fields.append(dimension.label_field)
        grouped = rows.annotate(**annotations).values(*fields).annotate(**aggregates).order_by()
        for row in grouped:
            key = tuple(_key(dimension, index, row) for index, dimension in enumerate(dimensions))
            for index, dimension in enumerate(dimensions):
                names[index][key[index]] = _name(dimension, key[index], row)
            groups[key] = [_value(dataset, m, row) for m in measures]

    columns = [Column(d.key, d.label, TEXT) for d in dimensions] + [Column(m.key, m.label, m.kind) for m in measures]
    order = [_ordered(d, names[i], groups, i, filters) for i, d in enumerate(dimensions)]
    table_rows, keys = [], []
    if len(dimensions) == 1:
        for value in order[0]:
            figures = groups.get((value,))
            if figures is None and not dimensions[0].is_date:
                continue
            table_rows.append([names[0].get(value) or _label(dimensions[0], value), *(figures or _zeros(measures))])
            keys.append((value,))
    elif len(dimensions) == 2:
        for first in order[0]:
            for second in order[1]:
                figures = groups.get((first, second))
                if figures is not None:
                    table_rows.append([names[0][first], names[1][second], *figures])
                    keys.append((first, second))
    total_line = [gettext("Total"), *[""] * (len(dimensions) - 1), *totals] if dimensions else None
    if not dimensions:
        table_rows, keys = [totals], [()]
    table = Table(columns, table_rows, total_line, title=dataset.label, keys=keys)
    chart = _chart(spec, dimensions, measures, order, names, groups)
    return Result(tables=[table], chart=chart, notes=[dataset.description])


def _rows_of_period(dataset: Dataset, filters: Filters):
    if dataset.prepare is not None:
        dataset.prepare(filters)
    rows = dataset.rows().filter(chain_id=filters.chain.pk).filter(dataset.condition(filters))
    if dataset.local_date:
        return rows.filter(
            **{
                f"{dataset.company_prefix}company_id__in": [company.pk for company in filters.companies],
                f"{dataset.time_field}__gte": filters.period.first,
                f"{dataset.time_field}__lte": filters.period.last,
            }
        )
    if dataset.company_prefix is None:
        # Network-wide rows: the period in the zone of the first branch read.
        start, end = _local_bounds(filters.period.first, filters.period.last, filters.companies[0].timezone)
        return rows.filter(**{f"{dataset.time_field}__gte": start, f"{dataset.time_field}__lt": end})
    return rows.filter(periods.in_period(filters.companies, filters.period, dataset.time_field, dataset.company_prefix))


def _aggregates(dataset: Dataset, measures) -> dict:
    needed = {}
    for measure in measures:
        for key in measure.ratio or (measure.key,):
            needed[f"m_{key}"] = dataset.measure(key).aggregate()
    return needed


def _value(dataset: Dataset, measure, row):
    if measure.ratio:
        top, bottom = (row.get(f"m_{key}") or 0 for key in measure.ratio)
        if not bottom:
            return None
        return (Decimal(top) / Decimal(bottom)).quantize(Decimal("0.01"))
    value = row.get(f"m_{measure.key}")
    return value if value is not None else 0


def _zeros(measures):
    return [None if m.ratio else 0 for m in measures]


def _local_date(dataset: Dataset, filters: Filters, grain: str):
    """The first date of the row's day, week or month in its branch's time zone, as a CASE over
    the buckets' UTC bounds (computed here with the zone's rules, summer time included): plain
    comparisons the index already serves, where a per-row time-zone conversion would cost a
    function call per row on SQLite (ten times slower on the benchmark)."""
    path = f"{dataset.company_prefix or ''}{dataset.time_field}"
    if dataset.local_date:
        return _bucket_of_date(path, filters, grain)
    network_wide = dataset.company_prefix is None
    zones = {filters.companies[0].timezone: None} if network_wide else _zones(filters.companies)
    days = periods.buckets(filters.period, grain)
    ends = [*days[1:], filters.period.last + datetime.timedelta(days=1)]
    whens = []
    for zone, ids in zones.items():
        branch = Q(**{f"{dataset.company_prefix}company_id__in": ids}) if len(zones) > 1 else Q()
        for day, end in zip(days, ends, strict=True):
            start, stop = _local_bounds(max(day, filters.period.first), end - datetime.timedelta(days=1), zone)
            whens.append(When(branch & Q(**{f"{path}__gte": start, f"{path}__lt": stop}), then=Value(day)))
    return Case(*whens, output_field=DateField())


def _bucket_of_date(path: str, filters: Filters, grain: str):
    """The first date of the day, week or month of a row dated in its branch's local date already
    (a fact table): the date itself by day, else a CASE over the buckets' first dates."""
    if grain == periods.DAY:
        return F(path)
    days = periods.buckets(filters.period, grain)
    whens = [When(**{f"{path}__gte": day}, then=Value(day)) for day in reversed(days)]
    return Case(*whens, output_field=DateField())


def _key(dimension: Dimension, index: int, row):
    if dimension.is_date:
        value = row[f"_d{index}"]
        # Some backends hand a truncated date back as a datetime.
        return value.date() if hasattr(value, "date") and callable(value.date) else value
    return row[dimension.field]


def _name(dimension: Dimension, value, row) -> str:
    if dimension.label_field and row.get(dimension.label_field):
        return str(row[dimension.label_field])
    return _label(dimension, value)


def _label(dimension: Dimension, value) -> str:
    if value is None or value == "" and not dimension.choices:
        return gettext("Not set")
    if dimension.is_date:
        return periods.bucket_label(value, dimension.grain)
    if dimension.choices is not None:
        return str(dimension.choices.get(value, value))
    return str(value)


def _ordered(dimension: Dimension, names: dict, groups: dict, index: int, filters: Filters) -> list:
    """A dimension's values in the order the table and the chart show them: every date of the
    period (empty ones included, so a time axis has no gaps), else the largest first by the
    first figure, then by name."""
    if dimension.is_date:
        return periods.buckets(filters.period, dimension.grain)
    weight: dict = {}
    for key, figures in groups.items():
        weight[key[index]] = weight.get(key[index], 0) + (figures[0] or 0)
    return sorted(names, key=lambda value: (-weight.get(value, 0), names[value]))


def _chart(spec: Spec, dimensions, measures, order, names, groups) -> Chart | None:
    if spec.chart == TABLE or not dimensions:
        return None
    first = measures[0]
    labels = [names[0].get(value) or _label(dimensions[0], value) for value in order[0]]
    if len(dimensions) == 1:
        shown = [m for m in measures if m.kind == first.kind] if spec.chart != PIE else [first]
        series = [
            Series(m.label, [(groups.get((value,)) or _zeros(measures))[measures.index(m)] for value in order[0]])
            for m in shown
        ]
        return Chart(spec.chart, labels, series, kind_of_values=first.kind)
    seconds = order[1][:MAX_SERIES]
    rest = order[1][MAX_SERIES:]
    stack = "stack" if spec.chart == BAR else None
    series = [
        Series(names[1][second], [(groups.get((value, second)) or [0])[0] for value in order[0]], stack=stack)
        for second in seconds
    ]
    if rest:
        series.append(
            Series(
                gettext("Other"),
                [sum((groups.get((value, second)) or [0])[0] or 0 for second in rest) for value in order[0]],
                stack=stack,
            )
        )
    return Chart(spec.chart, labels, series, kind_of_values=first.kind)
