"""Loyalty on the client card: a block (card, programmes and statuses, discount, bonus balance,
referrals), the bonus operations on the timeline and the status as a badge. Shown only to
members who may see the loyalty section."""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.card import Badge, TimelineEntry
from frontdesk.clients.models import Client
from frontdesk.core.money import format_money
from frontdesk.core.panels import register_panel
from frontdesk.core.siteurl import absolute_url
from frontdesk.loyalty import ledger, rules
from frontdesk.loyalty.models import BonusOperation, Card, Referral

ICONS = {
    "accrual": "plus-circle",
    "redemption": "dash-circle",
    "expiry": "hourglass-bottom",
    "accrual_reversal": "arrow-counterclockwise",
    "redemption_return": "arrow-return-left",
    "manual": "pencil-square",
    "welcome": "gift",
    "birthday": "cake2",
    "referral": "people",
}


def _card(card) -> Card | None:
    if not hasattr(card, "_loyalty_card"):
        card._loyalty_card = (
            Card.objects.filter(client=card.client)
            .prefetch_related("memberships__programme__tiers", "memberships__programme__branches", "memberships__tier")
            .first()
        )
    return card._loyalty_card


def summary(client, card=None) -> dict:
    """What the client's card holds: number, balance, programmes with status and discount."""
    if card is None:
        card = Card.objects.filter(client=client).prefetch_related("memberships__programme__tiers").first()
    if card is None:
        return {"card": None}
    rows = []
    best_discount = None
    for membership in card.memberships.all():
        programme = membership.programme
        if not programme.is_active:
            continue
        where = rules.standing(client, programme) if programme.tiers.all() else None
        tier = where.tier if where else None
        discount = (tier.discount_services or tier.discount_goods) if tier else None
        if discount and (best_discount is None or discount > best_discount):
            best_discount = discount
        rows.append({"programme": programme, "standing": where, "tier": tier, "discount": discount})
    return {
        "card": card,
        "balance": ledger.balance(card),
        "rows": rows,
        "discount": best_discount,
        "referral_discounts": rules.waiting_referrer_discounts(client),
    }


def _card_panel(request, card=None, **kwargs) -> str:
    return _panel(card, request) if card is not None else ""


def _panel(card, request) -> str:
    membership = getattr(request, "membership", None)
    if membership is None or not membership.can(Section.LOYALTY, Level.VIEW):
        return ""
    client = card.client
    context = summary(client, _card(card)) if _card(card) else {"card": None}
    # Whom the client recommended and who recommended the client, in one query.
    found = list(
        Referral.objects.filter(Q(referrer_card__client=client) | Q(newcomer=client)).select_related(
            "newcomer", "referrer_card__client", "discount_sale"
        )[:21]
    )
    context.update(
        client=client,
        request=request,
        can_edit=membership.can(Section.LOYALTY, Level.EDIT),
        referrals=[r for r in found if r.newcomer_id != client.pk][:20],
        referred_by=next((r for r in found if r.newcomer_id == client.pk), None),
    )
    if context["card"] is not None:
        context["referral_link"] = absolute_url(
            f"/book/{request.company.pk}/?ref={context['card'].referral_code}", request
        )
    return render_to_string("loyalty/_client_block.html", context, request=request)


def _my_records_panel(request, company=None, phone="", **kwargs) -> str:
    """The client's «my bookings» page (booking's slot «booking.my_records»): the card's bonuses
    and discount, for the phone the client confirmed."""
    client = Client.objects.filter(chain_id=company.chain_id, phone=phone).first()
    return render_to_string("loyalty/_my_records.html", summary(client) if client is not None else {})


def register() -> None:
    register_panel("clients.card", "loyalty", _card_panel)
    register_panel("booking.my_records", "loyalty", _my_records_panel)


def operations_for_card(card) -> list[TimelineEntry]:
    loyalty_card = _card(card)
    if loyalty_card is None:
        return []
    rows = BonusOperation.objects.filter(card=loyalty_card).select_related("company", "created_by")[:100]
    return [
        TimelineEntry(
            kind="loyalty",
            at=op.created_at,
            title=_("Bonuses: %(operation)s %(amount)s")
            % {
                "operation": op.get_kind_display(),
                "amount": f"{'+' if op.amount > 0 else ''}{format_money(op.amount)}",
            },
            icon=ICONS.get(op.kind, "award"),
            text=op.reason,
            who=op.created_by.name if op.created_by else "",
            branch=op.company.name if op.company else "",
        )
        for op in rows
    ]


def loyalty_badge(card) -> list[Badge]:
    loyalty_card = _card(card)
    if loyalty_card is None:
        return []
    return [
        Badge(m.tier.name, "info", "loyalty-status")
        for m in loyalty_card.memberships.all()
        if m.tier is not None and m.tier.name and m.programme.is_active
    ]
