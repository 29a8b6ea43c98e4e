"""Services demand: per service and per category, how often it was booked, its revenue
(`reports/sold.py`) and the growth of both against the previous period of the same length."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.overview import Period, _in_period, change
from frontdesk.analytics.reports import base, sold
from frontdesk.core.money import to_money
from frontdesk.scheduling.models import RecordService, RecordStatus

TOP = 10

# A service is in demand when it is booked: cancelled records are not counted, no-shows are.
DEMANDED = (*RecordStatus.HOLDING, RecordStatus.NO_SHOW)


def booked_services(filters: base.Filters, period: Period) -> dict[tuple, int]:
    """{(service title, category title): service lines} of records not cancelled (class places
    included), by the record's start's local date. Across a network the same title of two branches
    is one service. One query."""
    lines = RecordService.objects.filter(
        _in_period(filters.companies, period, "start", prefix="record__"), record__status__in=DEMANDED
    )
    if filters.specialist is not None:
        lines = lines.filter(record__specialist_id=filters.specialist.pk)
    if filters.category is not None:
        lines = lines.filter(Q(service__category__title=filters.category.title))
    rows = lines.values("service__title", "service__category__title").annotate(n=Count("id")).order_by()
    return {(row["service__title"], row["service__category__title"] or ""): row["n"] for row in rows}


def _money(filters: base.Filters, period: Period) -> dict[tuple, sold.Sold]:
    """{(service title, category title or ""): Sold}. One query."""
    rows = sold.sold_by(
        filters.companies,
        period,
        "service__title",
        "service__category__title",
        specialist=filters.specialist,
        category_title=filters.category.title if filters.category is not None else None,
    )
    return {(title, category or ""): figures for (title, category), figures in rows.items()}


@base.register
class ServicesDemand(base.Report):
    key = "services"
    title = _("Services demand")
    description = _(
        "How often each service and category was booked and what it brought in, against the previous period."
    )
    group = "services"
    order = 10
    filters = frozenset({base.SPECIALIST, base.CATEGORY})

    def build(self, filters: base.Filters) -> base.Result:
        previous = filters.period.previous()
        now_count, before_count = booked_services(filters, filters.period), booked_services(filters, previous)
        now_money, before_money = _money(filters, filters.period), _money(filters, previous)
        keys = set(now_count) | set(now_money)
        figures = {key: _figures(key, now_count, before_count, now_money, before_money) for key in keys}
        order = sorted(keys, key=lambda key: (-figures[key][2], -figures[key][0], key[0]))
        services = base.Table(
            _columns(base.Column("service", _("Service")), with_category=True),
            [[key[0], key[1], *_row(figures[key])] for key in order],
            totals=[_("Total"), "", *_row(_sum(figures.values()))],
            title=_("Services"),
            keys=[key[0] for key in order],
        )
        by_category: dict = defaultdict(lambda: [0, 0, to_money(0), to_money(0)])
        for key, values in figures.items():
            bucket = by_category[key[1]]
            for index in range(4):
                bucket[index] += values[index]
        category_order = sorted(by_category, key=lambda title: (-by_category[title][2], title))
        categories = base.Table(
            _columns(base.Column("category", _("Category"))),
            [[title or _("No category"), *_row(by_category[title])] for title in category_order],
            totals=[_("Total"), *_row(_sum(by_category.values()))],
            title=_("Categories"),
            keys=category_order,
        )
        top = order[:TOP]
        return base.Result(
            tables=[services, categories],
            chart=base.Chart(
                base.Chart.BAR,
                [key[0] for key in top],
                [base.Series(_("Revenue"), [figures[key][2] for key in top])],
                kind_of_values=base.MONEY,
                horizontal=True,
            ),
            notes=[
                _(
                    "Count: services in records that were not cancelled, by the day of the visit. Revenue: "
                    "the price charged less the check's discount; refunded checks are not counted."
                ),
                _("Growth: against the previous %(days)d days.") % {"days": filters.period.days},
            ],
        )


def _figures(key, now_count, before_count, now_money, before_money) -> list:
    zero = sold.Sold()
    return [
        now_count.get(key, 0),
        before_count.get(key, 0),
        now_money.get(key, zero).money,
        before_money.get(key, zero).money,
    ]


def _sum(values) -> list:
    out = [0, 0, to_money(0), to_money(0)]
    for value in values:
        for index in range(4):
            out[index] += value[index]
    return out


def _row(values) -> list:
    count, count_before, money, money_before = values
    return [count, change(count, count_before), money, change(money, money_before)]


def _columns(first: base.Column, with_category: bool = False) -> list[base.Column]:
    return [
        first,
        *([base.Column("category", _("Category"))] if with_category else []),
        base.Column("count", _("Booked"), base.COUNT),
        base.Column("count_growth", _("Growth of bookings"), base.SHARE),
        base.Column("revenue", _("Revenue"), base.MONEY),
        base.Column("revenue_growth", _("Revenue growth"), base.SHARE),
    ]
