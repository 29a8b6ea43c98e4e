"""The money a client still has open in a branch, for the client card: visits that happened but
were not checked out, and sales not paid in full (debts). Each row links to the page that closes
it, with a `next` back to the card (checked by frontdesk.core.redirects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core.money import to_money
from frontdesk.core.panels import render_panels
from frontdesk.finance.models import Sale, SaleStatus
from frontdesk.scheduling.models import Record, RecordStatus

SHOWN = 50  # a client with more open visits than this has a problem the reports show better


@dataclass
class OpenVisit:
    visit_id: int
    start: object
    specialists: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    total: Decimal = Decimal(0)


def visits_to_check_out(client, company, now) -> list[OpenVisit]:
    """The client's visits in the branch that took place (a record arrived or completed, or its
    time is past) and have no sale yet; cancelled and no-show records are not sold. Two queries."""
    records = (
        Record.objects.filter(company=company, client=client, visit__sale__isnull=True)
        .exclude(status__in=RecordStatus.LOST)
        .filter(~Q(status__in=RecordStatus.UPCOMING) | Q(start__lt=now))
        .select_related("specialist")
        .prefetch_related("lines__service")
        .order_by("-start", "-id")
    )
    visits: dict[int, OpenVisit] = {}
    for record in records[: SHOWN * 4]:
        row = visits.get(record.visit_id)
        if row is None:
            if len(visits) >= SHOWN:
                continue
            row = visits[record.visit_id] = OpenVisit(record.visit_id, record.start)
        row.start = min(row.start, record.start)
        if record.specialist.name not in row.specialists:
            row.specialists.append(record.specialist.name)
        for line in record.lines.all():
            row.services.append(line.service.title)
            row.total += line.price
    for row in visits.values():
        row.total = to_money(row.total)
    return sorted(visits.values(), key=lambda v: v.start, reverse=True)


def open_sales(client, company) -> list[Sale]:
    """The client's sales in the branch with money still due, oldest first (paid first)."""
    return list(
        Sale.objects.filter(
            company=company, client=client, status__in=[SaleStatus.UNPAID, SaleStatus.PARTLY_PAID]
        ).order_by("created_at", "id")[:SHOWN]
    )


def client_money_panel(request, client=None, **kwargs) -> str:
    """The client card's panel (slot «clients.card_money») of open money in this branch: visits
    to check out and debts, each with its button for whoever may take payments (the pages check
    it again), and the rows other modules add in the slot «finance.client_money»."""
    membership = getattr(request, "membership", None)
    company = getattr(request, "company", None)
    if client is None or membership is None or company is None or not membership.can(Section.FINANCE, Level.VIEW):
        return ""
    context = {
        "visits": visits_to_check_out(client, company, timezone.now()),
        "sales": open_sales(client, company),
        "more": render_panels("finance.client_money", request, client=client),
        "can_edit": membership.can(Section.FINANCE, Level.EDIT),
        "here": request.get_full_path(),
        "currency": request.chain.currency_symbol,
    }
    return render_to_string("finance/_client_money.html", context, request=request)
