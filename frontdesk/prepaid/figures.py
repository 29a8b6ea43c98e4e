"""Figures for the loyalty analytics: certificates sold vs redeemed, abonement usage.
`prepaid_figures` is what the analytics page's registry plugs in; the lists' headers show the
same figures until that page exists."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.core.money import MoneySum, to_money
from frontdesk.core.scopes import current_chain_id
from frontdesk.loyalty.analytics import AnalyticsSection, register_section
from frontdesk.prepaid.models import (
    Abonement,
    AbonementOperation,
    AbonementOpKind,
    CertificateOperation,
    CertificateOpKind,
)


def _money(value) -> Decimal:
    return to_money(value or 0)


def prepaid_figures(
    chain, company=None, start: datetime.datetime | None = None, end: datetime.datetime | None = None
) -> dict:
    """Certificates and abonements of a network (or of one branch: sold there, or redeemed there)
    between `start` and `end` (aware datetimes, end excluded; None = unbounded).

    Keys: certificates_sold (count), certificates_sold_amount, certificates_redeemed_amount (net of
    refunds), certificates_expired_amount, abonements_sold (count), abonements_sold_amount,
    abonement_visits_used (net of refunds), abonement_money_used, abonements_active."""
    chain_id = getattr(chain, "pk", chain)
    company_id = getattr(company, "pk", company)

    def period(qs, field="created_at"):
        if start is not None:
            qs = qs.filter(**{f"{field}__gte": start})
        if end is not None:
            qs = qs.filter(**{f"{field}__lt": end})
        return qs

    cert_ops = period(CertificateOperation.objects.filter(chain_id=chain_id))
    if company_id:
        cert_ops = cert_ops.filter(company_id=company_id)
    sold = cert_ops.filter(kind=CertificateOpKind.ISSUE).aggregate(n=Count("id"), total=MoneySum("amount"))
    redeemed = cert_ops.filter(kind__in=[CertificateOpKind.REDEEM, CertificateOpKind.GIVE_BACK]).aggregate(
        total=MoneySum("amount")
    )
    expired = period(CertificateOperation.objects.filter(chain_id=chain_id, kind=CertificateOpKind.EXPIRE))
    if company_id:
        expired = expired.filter(certificate__company_id=company_id)
    expired_total = expired.aggregate(total=MoneySum("amount"))

    abonements = period(Abonement.objects.filter(chain_id=chain_id))
    if company_id:
        abonements = abonements.filter(company_id=company_id)
    ab_sold = abonements.aggregate(n=Count("id"), total=MoneySum("price"))
    ab_ops = period(
        AbonementOperation.objects.filter(chain_id=chain_id, kind__in=[AbonementOpKind.USE, AbonementOpKind.GIVE_BACK])
    )
    if company_id:
        ab_ops = ab_ops.filter(company_id=company_id)
    used = ab_ops.aggregate(visits=Sum("visits"), amount=MoneySum("amount"))
    active = Abonement.objects.filter(chain_id=chain_id, expired_at__isnull=True)
    if company_id:
        active = active.filter(company_id=company_id)
    active = active.annotate(v=Sum("operations__visits"), m=MoneySum("operations__amount")).filter(
        Q(v__gt=0) | Q(m__gt=0)
    )
    return {
        "certificates_sold": sold["n"] or 0,
        "certificates_sold_amount": _money(sold["total"]),
        "certificates_redeemed_amount": -_money(redeemed["total"]),
        "certificates_expired_amount": -_money(expired_total["total"]),
        "abonements_sold": ab_sold["n"] or 0,
        "abonements_sold_amount": _money(ab_sold["total"]),
        "abonement_visits_used": -int(used["visits"] or 0),
        "abonement_money_used": -_money(used["amount"]),
        "abonements_active": active.count(),
    }


# ---------------------------------------------------------------- the loyalty analytics page
def _period_figures(period) -> list[dict]:
    companies = [None] if period.company_ids is None else list(period.company_ids)
    return [prepaid_figures(current_chain_id(), company, period.start, period.end) for company in companies]


def _total(rows: list[dict], key: str):
    return sum((row[key] for row in rows), type(rows[0][key])(0)) if rows else 0


def certificates_section(period) -> list[tuple[str, object]]:
    rows = _period_figures(period)
    return [
        (_("Certificates sold"), _total(rows, "certificates_sold")),
        (_("Certificates sold, amount"), _total(rows, "certificates_sold_amount")),
        (_("Paid with certificates"), _total(rows, "certificates_redeemed_amount")),
        (_("Left unused on expired certificates"), _total(rows, "certificates_expired_amount")),
    ]


def abonements_section(period) -> list[tuple[str, object]]:
    rows = _period_figures(period)
    return [
        (_("Abonements sold"), _total(rows, "abonements_sold")),
        (_("Abonements sold, amount"), _total(rows, "abonements_sold_amount")),
        (_("Abonement visits used"), _total(rows, "abonement_visits_used")),
        (_("Paid from abonement money"), _total(rows, "abonement_money_used")),
    ]


def register_analytics() -> None:
    register_section(
        AnalyticsSection("certificates", gettext_lazy("Gift certificates"), certificates_section, order=50)
    )
    register_section(AnalyticsSection("abonements", gettext_lazy("Abonements"), abonements_section, order=60))
