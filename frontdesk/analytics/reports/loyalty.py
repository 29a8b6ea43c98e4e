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
from frontdesk.analytics.reports import base
from frontdesk.loyalty import analytics as loyalty_analytics


@base.register
class Loyalty(base.Report):
    key = "loyalty"
    title = _("Loyalty")
    description = _("Cards, bonuses, members' revenue and referrals: the key figures of the loyalty analytics.")
    group = "loyalty"
    order = 10

    def build(self, filters: base.Filters) -> base.Result:
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
                chart = base.Chart(
                    base.Chart.DOUGHNUT,
                    [label for label, _value in figures],
                    [base.Series(section.title, [value for _label, value in figures])],
                    kind_of_values=base.MONEY,
                )
        page = reverse("loyalty:analytics", args=[filters.companies[0].pk]) + "?" + filters.page_query()
        return base.Result(
            tables=[
                base.Table(
                    [
                        base.Column("section", _("Section"), base.TEXT),
                        base.Column("figure", _("Figure"), base.TEXT),
                        base.Column("count", _("Number"), base.COUNT),
                        base.Column("amount", _("Amount"), base.MONEY),
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
