"""What certificates and abonements show on other modules' pages: the client card's badges and
timeline, the journal's record dialog, the public booking pages. All read-only."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.accounts.permissions import Level, Section
from frontdesk.booking.phone_codes import confirmed_phone
from frontdesk.clients.card import Badge, TimelineEntry
from frontdesk.clients.models import Client
from frontdesk.core.money import format_money
from frontdesk.core.panels import register_panel
from frontdesk.prepaid import services
from frontdesk.prepaid.models import (
    Abonement,
    AbonementKind,
    AbonementOperation,
    Certificate,
    CertificateOperation,
)


def connect() -> None:
    """Register the panels (core.panels)."""
    register_panel("journal.record", "prepaid", record_panel)
    register_panel("booking.visit", "prepaid", booking_visit_panel)
    register_panel("booking.client", "prepaid", booking_client_panel)
    register_panel("clients.card", "prepaid", client_card_panel)
    register_panel("finance.sale", "prepaid", sale_panel)


def left_text(abonement, balance, currency="") -> str:
    if abonement.type.kind == AbonementKind.VISITS:
        return ngettext("%(count)d visit left", "%(count)d visits left", balance.visits) % {"count": balance.visits}
    return _("%(amount)s left") % {"amount": format_money(balance.amount, currency)}


# ---------------------------------------------------------------- the client card
def _holdings(client):
    """The client's certificates and abonements with their balances, read once per page: the
    badges, the timeline and the panel of one card share it (two queries for a client with
    none, a few more for one with some, whatever the number)."""
    cached = getattr(client, "_prepaid_holdings", None)
    if cached is not None:
        return cached
    certificates = list(Certificate.objects.filter(client=client).select_related("type").order_by("-created_at")[:50])
    abonements = list(
        Abonement.objects.filter(client=client)
        .select_related("type", "company")
        .prefetch_related("type__companies", "freezes")
        .order_by("-created_at")[:50]
    )
    cert_balances = services.certificate_balances(certificates) if certificates else {}
    ab_balances = services.abonement_balances(abonements) if abonements else {}
    cached = (
        [(c, cert_balances[c.pk]) for c in certificates],
        [(a, ab_balances[a.pk]) for a in abonements],
    )
    client._prepaid_holdings = cached
    return cached


def _live(abonement, balance, today) -> bool:
    ended = abonement.expired_at or (abonement.ends_on is not None and today > abonement.ends_on)
    return not ended and services.abonement_left(abonement, balance) > 0


def client_badges(card) -> list:
    certificates, abonements = _holdings(card.client)
    if not certificates and not abonements:
        return []
    badges = []
    currency = card.client.chain.currency_symbol if card.client.chain_id else ""
    today = timezone.localdate()
    for abonement, balance in abonements:
        if _live(abonement, balance, today):
            badges.append(
                Badge(
                    _("%(title)s: %(left)s")
                    % {"title": abonement.type.title, "left": left_text(abonement, balance, currency)},
                    "info",
                    f"abonement-{abonement.pk}",
                )
            )
    for certificate, balance in certificates:
        if services.certificate_status(certificate, balance, today) == services.CertificateStatus.ACTIVE:
            badges.append(
                Badge(
                    _("Certificate %(amount)s") % {"amount": format_money(balance, currency)},
                    "success",
                    f"certificate-{certificate.pk}",
                )
            )
    return badges


def client_timeline(card) -> list:
    certificates, abonements = _holdings(card.client)
    entries = []
    if certificates:
        for op in (
            CertificateOperation.objects.filter(certificate__in=[c for c, _b in certificates])
            .select_related("certificate", "company")
            .order_by("-created_at")[:100]
        ):
            entries.append(
                TimelineEntry(
                    kind="prepaid",
                    at=op.created_at,
                    title=f"{op.certificate}: {op.get_kind_display()}",
                    icon="gift",
                    total=abs(op.amount),
                    branch=op.company.name if op.company else "",
                )
            )
    if abonements:
        for op in (
            AbonementOperation.objects.filter(abonement__in=[a for a, _b in abonements])
            .select_related("abonement__type", "company", "service")
            .order_by("-created_at")[:100]
        ):
            entries.append(
                TimelineEntry(
                    kind="prepaid",
                    at=op.created_at,
                    title=f"{op.abonement.type.title}: {op.get_kind_display()}",
                    icon="ticket-perforated",
                    text=op.service.title if op.service else "",
                    branch=op.company.name if op.company else "",
                )
            )
    return entries


def client_card_panel(request, client=None, **kwargs) -> str:
    if client is None or request is None or not getattr(request, "membership", None):
        return ""
    if not request.membership.can(Section.LOYALTY, Level.VIEW):
        return ""
    held, abonements = _holdings(client)
    if not held and not abonements:
        return ""
    today = services.local_today(request.company)
    currency = request.chain.currency_symbol
    certificates = [(c, b, services.certificate_status(c, b, today)) for c, b in held[:20]]
    live = [(a, left_text(a, b, currency)) for a, b in abonements if _live(a, b, today)]
    if not certificates and not live:
        return ""
    return render_to_string(
        "prepaid/_client_panel.html",
        {
            "certificates": certificates,
            "abonements": live,
            "client": client,
            "company": request.company,
            "currency": currency,
        },
        request=request,
    )


# ---------------------------------------------------------------- the journal and booking pages
def _covering_for_lines(client_id, company, lines):
    """[(abonement, left text)] of the client's abonements that cover any of these service lines."""
    if not client_id:
        return []
    today = services.local_today(company)
    found = {}
    for abonement, balance in services.live_abonements(client_id, today=today):
        if services.abonement_refusal(abonement, company, today) is not None:
            continue
        if any(services.covers(abonement.type, line.service_id, line.service.category_id) for line in lines):
            found[abonement.pk] = (abonement, balance)
    return [(a, left_text(a, b, company.chain.currency_symbol)) for a, b in found.values()]


def record_panel(request, record=None, lines=None, **kwargs) -> str:
    if record is None or not record.client_id:
        return ""
    lines = lines if lines is not None else list(record.lines.select_related("service"))
    covering = _covering_for_lines(record.client_id, record.company, lines)
    if not covering:
        return ""
    can_open = False
    membership = getattr(request, "membership", None)
    if membership is not None:
        can_open = membership.can(Section.LOYALTY, Level.VIEW)
    return render_to_string(
        "prepaid/_record_panel.html",
        {"covering": covering, "can_open": can_open, "company": record.company},
        request=request,
    )


def booking_visit_panel(request, visit=None, lines=None, **kwargs) -> str:
    if visit is None or not visit.client_id:
        return ""
    lines = lines if lines is not None else []
    covering = _covering_for_lines(visit.client_id, visit.company, lines)
    if not covering:
        return ""
    return render_to_string("prepaid/_booking_panel.html", {"covering": covering}, request=request)


def booking_client_panel(request, company=None, phone_token=None, **kwargs) -> str:
    """The client's abonements on «My bookings», once the phone is confirmed by SMS."""
    if company is None or not phone_token:
        return ""
    phone = confirmed_phone(company.chain_id, phone_token)
    if not phone:
        return ""

    client = Client.objects.filter(chain_id=company.chain_id, phone=phone).first()
    if client is None:
        return ""
    today = services.local_today(company)
    rows = [
        (a, left_text(a, b, company.chain.currency_symbol), a.ends_on)
        for a, b in services.live_abonements(client.pk, today=today)
    ]
    if not rows:
        return ""
    return render_to_string("prepaid/_booking_abonements.html", {"rows": rows}, request=request)


def sale_panel(request, sale=None, **kwargs) -> str:
    """On a counter sale's page: the certificates and abonements it issued, with the card to print."""
    if sale is None or sale.visit_id:
        return ""
    certificates = list(Certificate.objects.filter(sale=sale).order_by("id"))
    abonements = list(Abonement.objects.filter(sale=sale).select_related("type").order_by("id"))
    if not certificates and not abonements:
        return ""
    balances = services.certificate_balances(certificates)
    return render_to_string(
        "prepaid/_sale_panel.html",
        {
            "certificates": [(c, balances[c.pk]) for c in certificates],
            "abonements": abonements,
            "company": request.company if request is not None else sale.company,
            "currency": sale.chain.currency_symbol,
        },
        request=request,
    )
