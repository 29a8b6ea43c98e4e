"""Loyalty analytics for a period, per branch or for the network. Sections are registered, so
the prepaid app adds its own (certificates sold vs redeemed, abonement usage) the same way:

    from frontdesk.loyalty.analytics import AnalyticsSection, register_section
    register_section(AnalyticsSection("certificates", _("Certificates"), figures_fn, order=50))

`figures(period) -> list[(label, value)]`; a value is a number, an amount (Decimal) or text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.money import MoneySum, to_money
from frontdesk.finance.models import Sale
from frontdesk.loyalty.models import BonusOperation, Card, OperationKind, Referral


@dataclass
class Period:
    start: datetime.datetime  # inclusive
    end: datetime.datetime  # exclusive
    company_ids: list[int] | None  # None: the whole network


@dataclass(frozen=True)
class AnalyticsSection:
    key: str
    title: str
    figures: Callable[[Period], list[tuple[str, object]]]
    order: int = 100


_sections: dict[str, AnalyticsSection] = {}


def register_section(section: AnalyticsSection) -> None:
    _sections[section.key] = section


def sections(period: Period) -> list[tuple[AnalyticsSection, list]]:
    return [(s, s.figures(period)) for s in sorted(_sections.values(), key=lambda s: (s.order, s.key))]


def _in(period: Period, field: str = "created_at", company_field: str = "company_id") -> Q:
    q = Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})
    if period.company_ids is not None:
        q &= Q(**{f"{company_field}__in": period.company_ids})
    return q


def _sum(queryset) -> Decimal:
    return to_money(queryset.aggregate(t=MoneySum("amount"))["t"] or 0)


def _cards(period: Period):
    issued = Card.objects.filter(_in(period)).count()
    ops = BonusOperation.objects.filter(_in(period))
    active = ops.values("card_id").distinct().count()
    return [(_("Cards issued"), issued), (_("Active members (cards with operations)"), active)]


def _bonuses(period: Period):
    ops = BonusOperation.objects.filter(_in(period))
    earned_kinds = [
        OperationKind.ACCRUAL,
        OperationKind.WELCOME,
        OperationKind.BIRTHDAY,
        OperationKind.REFERRAL,
        OperationKind.MANUAL,
    ]
    accrued = _sum(ops.filter(kind__in=earned_kinds, amount__gt=0))
    spent = -_sum(ops.filter(kind=OperationKind.REDEMPTION)) - _sum(ops.filter(kind=OperationKind.REDEMPTION_RETURN))
    expired = -_sum(ops.filter(kind=OperationKind.EXPIRY))
    reversed_ = -_sum(ops.filter(kind=OperationKind.ACCRUAL_REVERSAL))
    return [
        (_("Bonuses accrued"), accrued),
        (_("Bonuses spent"), to_money(spent)),
        (_("Bonuses expired"), expired),
        (_("Bonuses taken back on refunds"), reversed_),
    ]


def _revenue(period: Period):
    sales = Sale.objects.filter(_in(period), paid__gt=0)
    members = Card.objects.values("client_id")
    by_members = to_money(sales.filter(client__in=members).aggregate(t=MoneySum("paid"))["t"] or 0)
    by_others = to_money(sales.exclude(client__in=members).aggregate(t=MoneySum("paid"))["t"] or 0)
    return [(_("Revenue from members"), by_members), (_("Revenue from other clients"), by_others)]


def _referrals(period: Period):
    came = Referral.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    converted = Referral.objects.filter(rewarded_at__gte=period.start, rewarded_at__lt=period.end)
    if period.company_ids is not None:
        converted = converted.filter(sale__company_id__in=period.company_ids)
    return [(_("Newcomers on a recommendation"), came.count()), (_("Of them came and paid"), converted.count())]


register_section(AnalyticsSection("cards", _("Cards"), _cards, order=10))
register_section(AnalyticsSection("bonuses", _("Bonuses"), _bonuses, order=20))
register_section(AnalyticsSection("revenue", _("Revenue"), _revenue, order=30))
register_section(AnalyticsSection("referrals", _("Referrals"), _referrals, order=40))
