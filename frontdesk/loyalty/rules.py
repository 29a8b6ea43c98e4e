"""Which programme gives what: steps, discounts and cashback rates. Reads only.

THE RULE when a card is in several programmes (shown to the cashier as the offer's label):
- a client gets ONE discount per check: the largest of what the programmes offer (a cumulative
  step, a status, a promotion, the newcomer's referral discount, the referrer's one-time referral
  reward) — the checkout pre-fills the best offer and records its source;
- bonuses accrue in addition, in every bonus programme of the card, unless that programme is
  marked "not combinable": then a check with any discount earns nothing there;
- a programme applies to a client whose card is in it; a programme that issues cards
  automatically on the first paid visit applies to every client of the network.
A programme counts only sales in its branches, and offers nothing in other branches.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.catalog.models import Service
from frontdesk.core.money import MoneySum, format_money, to_money
from frontdesk.finance.models import Sale, SaleLine
from frontdesk.loyalty.models import Basis, Card, Programme, ProgrammeKind, Referral, Tier

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def tier_for(tiers, value) -> Tier | None:
    """The highest step whose threshold the value has reached (thresholds are inclusive)."""
    reached = [t for t in tiers if value >= t.threshold]
    return max(reached, key=lambda t: t.threshold) if reached else None


def _paid_sales(client, programme: Programme, now=None):
    # Visits only: a certificate or an abonement bought at the counter is counted when its money
    # pays for a visit, not a second time when it is bought.
    sales = Sale.objects.filter(client=client, paid__gt=0, visit__isnull=False)
    if not programme.all_branches:
        sales = sales.filter(company__in=[b.pk for b in programme.branches.all()])
    if programme.window_days:
        now = now or timezone.now()
        sales = sales.filter(created_at__gte=now - datetime.timedelta(days=programme.window_days))
    return sales


@dataclass
class Standing:
    """Where a client stands in a programme: the counted value, the step reached and why."""

    value: Decimal
    tier: Tier | None
    lapsed: bool = False
    last_visit: datetime.datetime | None = None


def standing(client, programme: Programme, now=None, exclude_sale=None) -> Standing:
    """Visits (paid sales of a visit) or money paid in the programme's branches over its window;
    the step it reaches; lapsed when the last visit is older than the programme allows."""
    now = now or timezone.now()
    sales = _paid_sales(client, programme, now)
    if exclude_sale is not None:
        sales = sales.exclude(pk=exclude_sale.pk)
    figures = sales.aggregate(
        visits=Count("visit", distinct=True, filter=Q(visit__isnull=False)),
        spend=MoneySum("paid"),
        last=Max("created_at"),
    )
    value = Decimal(figures["visits"] or 0) if programme.basis == Basis.VISITS else to_money(figures["spend"] or 0)
    tiers = list(programme.tiers.all())
    tier = tier_for(tiers, value)
    lapsed = bool(
        programme.lapse_days
        and tier is not None
        and (figures["last"] is None or figures["last"] < now - datetime.timedelta(days=programme.lapse_days))
    )
    return Standing(value, None if lapsed else tier, lapsed, figures["last"])


def card_of(client) -> Card | None:
    if client is None:
        return None
    return Card.objects.filter(client=client).prefetch_related("programmes__branches", "programmes__tiers").first()


def programmes_for(client, company_id, card=None) -> list[Programme]:
    """The active programmes that apply to the client in this branch (see THE RULE)."""
    card = card if card is not None else card_of(client)
    on_card = {p.pk for p in card.programmes.all()} if card else set()
    candidates = Programme.objects.filter(is_active=True).filter(Q(pk__in=on_card) | Q(auto_issue=True))
    return [
        p for p in candidates.prefetch_related("branches", "tiers", "services", "categories") if p.valid_in(company_id)
    ]


@dataclass
class Offer:
    source: str
    label: str
    amount: Decimal


def _percent_of(amount, percent) -> Decimal:
    return to_money(Decimal(amount) * Decimal(percent) / HUNDRED)


def _line_service(line):
    return getattr(line, "service_id", None)


def _categories(service_ids) -> dict[int, int]:
    return dict(Service.objects.filter(pk__in=[s for s in service_ids if s]).values_list("pk", "category_id"))


def _in_scope(programme: Programme, service_id, category_id) -> bool:
    services = {s.pk for s in programme.services.all()}
    categories = {c.pk for c in programme.categories.all()}
    if not services and not categories:
        return service_id is not None
    return service_id in services or category_id in categories


def _is_goods(line) -> bool:
    return getattr(line, "kind", "service") == "goods"


def _is_service(line) -> bool:
    return getattr(line, "kind", "service") == "service"


def tier_discount(lines, tier: Tier) -> Decimal:
    amount = ZERO
    for line in lines:
        if _is_service(line) and tier.discount_services:
            amount += _percent_of(line.price, tier.discount_services)
        elif _is_goods(line) and tier.discount_goods:
            amount += _percent_of(line.price, tier.discount_goods)
    return amount


def _qualifying_visits(client, programme: Programme, exclude_sale=None) -> int:
    rows = SaleLine.objects.filter(sale__client=client, sale__paid__gt=0, sale__visit__isnull=False)
    if exclude_sale is not None:
        rows = rows.exclude(sale=exclude_sale)
    if not programme.all_branches:
        rows = rows.filter(sale__company__in=[b.pk for b in programme.branches.all()])
    services = [s.pk for s in programme.services.all()]
    categories = [c.pk for c in programme.categories.all()]
    if services or categories:
        rows = rows.filter(Q(service__in=services) | Q(service__category__in=categories))
    return rows.values("sale__visit").distinct().count()


def offers(draft, now=None) -> list[Offer]:
    """Every discount the client's programmes offer on this draft, each with its reason."""
    client = getattr(draft, "client", None)
    if client is None or not draft.lines:
        return []
    company_id = draft.company.pk
    card = card_of(client)
    found: list[Offer] = []
    categories = _categories([_line_service(line) for line in draft.lines])
    exclude = getattr(draft, "sale", None)
    for programme in programmes_for(client, company_id, card):
        if programme.kind in (ProgrammeKind.CUMULATIVE, ProgrammeKind.BONUS) and programme.tiers.all():
            where = standing(client, programme, now, exclude_sale=exclude)
            if where.tier is None:
                continue
            amount = tier_discount(draft.lines, where.tier)
            if amount > 0:
                found.append(Offer(f"loyalty:{programme.pk}", _tier_label(programme, where), amount))
        elif programme.kind == ProgrammeKind.EVERY_NTH and programme.nth:
            qualifying = [
                line
                for line in draft.lines
                if _in_scope(programme, _line_service(line), categories.get(_line_service(line)))
            ]
            if not qualifying:
                continue
            before = _qualifying_visits(client, programme, exclude)
            if (before + 1) % programme.nth == 0:
                cheapest = min(line.price for line in qualifying)
                if cheapest > 0:
                    label = _("“%(programme)s”: visit %(n)s is free — the cheapest service at 100%%") % {
                        "programme": programme.title,
                        "n": before + 1,
                    }
                    found.append(Offer(f"loyalty:{programme.pk}", label, to_money(cheapest)))
        elif programme.kind == ProgrammeKind.FIRST_VISIT and programme.percent:
            qualifying = [
                line
                for line in draft.lines
                if _in_scope(programme, _line_service(line), categories.get(_line_service(line)))
            ]
            if not qualifying or _qualifying_visits(client, programme, exclude):
                continue
            amount = sum((_percent_of(line.price, programme.percent) for line in qualifying), ZERO)
            if amount > 0:
                label = _("“%(programme)s”: %(percent)s%% off the first visit") % {
                    "programme": programme.title,
                    "percent": _plain_percent(programme.percent),
                }
                found.append(Offer(f"loyalty:{programme.pk}", label, amount))
    found.extend(_newcomer_offer(client, company_id, draft, exclude))
    found.extend(_referrer_offer(client, company_id, draft, exclude))
    total = getattr(draft, "subtotal", None)
    if total is not None:
        for offer in found:
            offer.amount = min(offer.amount, to_money(total))
    return [offer for offer in found if offer.amount > 0]


def _newcomer_offer(client, company_id, draft, exclude) -> list[Offer]:
    """A newcomer who came on a recommendation gets the programme's discount on the first paid visit."""
    referral = Referral.objects.filter(newcomer=client, rewarded_at__isnull=True).first()
    if referral is None:
        return []
    paid = Sale.objects.filter(client=client, paid__gt=0, visit__isnull=False)
    if exclude is not None:
        paid = paid.exclude(pk=exclude.pk)
    if paid.exists():
        return []
    best = max(
        (p for p in Programme.objects.filter(is_active=True, newcomer_discount__gt=0) if p.valid_in(company_id)),
        key=lambda p: p.newcomer_discount,
        default=None,
    )
    if best is None:
        return []
    amount = sum((_percent_of(line.price, best.newcomer_discount) for line in draft.lines), ZERO)
    label = _("Recommended by a client: %(percent)s%% off the first visit") % {
        "percent": _plain_percent(best.newcomer_discount)
    }
    return [Offer("loyalty:referral", label, amount)]


REFERRER_SOURCE = "loyalty:referrer:"


def waiting_referrer_discounts(client, sale=None) -> list[Referral]:
    """The referral discounts the client earned by recommending others and has not used yet (a
    discount used by `sale` still counts as waiting for it), the largest first."""
    referrals = (
        Referral.objects.filter(referrer_card__client=client, rewarded_at__isnull=False, referrer_discount__gt=0)
        .select_related("newcomer", "discount_sale", "discount_programme")
        .prefetch_related("discount_programme__branches")
        .order_by("-referrer_discount", "rewarded_at", "id")
    )
    return [r for r in referrals if r.discount_waiting_for(sale)]


def _referrer_offer(client, company_id, draft, exclude) -> list[Offer]:
    """A client whose recommendation brought a paying newcomer gets the programme's discount on a
    later visit, once (the sale that applies it uses it: see services.use_referrer_discount)."""
    for referral in waiting_referrer_discounts(client, exclude):
        programme = referral.discount_programme
        if programme is not None and not programme.valid_in(company_id):
            continue
        amount = sum((_percent_of(line.price, referral.referrer_discount) for line in draft.lines), ZERO)
        label = _("Referral reward: %(percent)s%% (recommended %(name)s)") % {
            "percent": _plain_percent(referral.referrer_discount),
            "name": referral.newcomer.name or referral.newcomer.phone,
        }
        return [Offer(f"{REFERRER_SOURCE}{referral.pk}", label, amount)]
    return []


def _plain_percent(value) -> str:
    value = Decimal(value).normalize()
    return f"{value:f}"


def _tier_label(programme: Programme, where: Standing) -> str:
    tier = where.tier
    percent = _plain_percent(tier.discount_services or tier.discount_goods)
    if programme.basis == Basis.VISITS:
        reason = _("%(n)s paid visits") % {"n": int(where.value)}
    else:
        reason = _("%(amount)s spent") % {"amount": format_money(where.value)}
    if tier.name:
        return _("“%(programme)s”, status %(status)s: %(percent)s%% (%(reason)s)") % {
            "programme": programme.title,
            "status": tier.name,
            "percent": percent,
            "reason": reason,
        }
    return _("“%(programme)s”: %(percent)s%% (%(reason)s)") % {
        "programme": programme.title,
        "percent": percent,
        "reason": reason,
    }


def best(found: list[Offer]) -> Offer | None:
    return max(found, key=lambda o: o.amount, default=None)


def accrual_rate(programme: Programme, tier: Tier | None, lines, categories: dict[int, int]) -> Decimal:
    """The programme's cashback on these lines as one rate (a fraction of the check): the status's
    own %, else a category's own %, else the programme's %, weighted by each line's price."""
    rates = {r.category_id: r.accrual_percent for r in programme.category_rates.all()}
    subtotal = sum((Decimal(line.price) for line in lines), ZERO)
    if subtotal <= 0:
        return ZERO
    weighted = ZERO
    for line in lines:
        if tier is not None and tier.accrual_percent is not None:
            percent = tier.accrual_percent
        else:
            percent = rates.get(categories.get(_line_service(line)), programme.accrual_percent)
        weighted += Decimal(line.price) * Decimal(percent)
    return weighted / subtotal / HUNDRED
