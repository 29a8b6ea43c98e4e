"""Loyalty: the key figures of the loyalty analytics (`frontdesk/loyalty/analytics.py` — cards,
bonuses, members' revenue, referrals, and the sections other apps register there, such as
certificates and abonements) for the report's period and branches, read through that module's
own functions, not recomputed; the full page is one link away.

The loyalty analytics take one span of time: the period's local dates in the zone of the first
branch read (the branch the page is opened in, or the network's first branch)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.overview import _local_bounds
from frontdesk.analytics.reports.base import (
    COUNT,
    MONEY,
    TEXT,
    Chart,
    Column,
    Filters,
    Report,
    Result,
    Series,
    Table,
    register,
)
from frontdesk.loyalty import analytics as loyalty_analytics


@register
class Loyalty(Report):
    key = "loyalty"
    title = _("Loyalty")
    description = _("Cards, bonuses, members' revenue and referrals: the key figures of the loyalty analytics.")
    group = "loyalty"
    order = 10

    def build(self, filters: Filters) -> Result:
        start, end = _local_bounds(filters.period.first, filters.period.last, filters.companies[0].timezone)
        period = loyalty_analytics.Period(
            start=start, end=end, company_ids=None if filters.network else filters.company_ids
        )
        rows, keys, chart = [], [], None
        for section, figures in loyalty_analytics.sections(period):
            for n, (label, value) in enumerate(figures):
                if isinstance(value, Decimal):
                    rows.append([section.title, label, None, value])
                elif isinstance(value, int):
                    rows.append([section.title, label, value, None])
                else:
                    rows.append([section.title, f"{label}: {value}", None, None])
                keys.append(f"{section.key}:{n}")
            if section.key == "revenue" and chart is None:
                chart = Chart(
                    Chart.DOUGHNUT,
                    [label for label, _value in figures],
                    [Series(section.title, [value for _label, value in figures])],
                    kind_of_values=MONEY,
                )
        page = reverse("loyalty:analytics", args=[filters.companies[0].pk]) + "?" + filters.page_query()
        return Result(
            tables=[
                Table(
                    [
                        Column("section", _("Section"), TEXT),
                        Column("figure", _("Figure"), TEXT),
                        Column("count", _("Number"), COUNT),
                        Column("amount", _("Amount"), MONEY),
                    ],
                    rows,
                    title=_("Loyalty"),
                    keys=keys,
                )
            ],
            chart=chart,
            notes=[_("The same figures as the loyalty analytics page, for the same dates and branches.")],
            links=[(_("Loyalty analytics"), page)],
        )
