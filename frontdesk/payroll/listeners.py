"""What payroll hears from below: a change to a visit that a closed period already paid for. The
listeners run inside the sender's transaction and mark the visit (`Touched`), so the mark exists
exactly when the change does; the next calculation that carries adjustments re-reads only the
marked visits and sales. A visit is marked when its first record lies on a closed day (its
services); a sale with goods when it was made on a closed day (its goods count on that date) —
money taken or given back and goods brought back (a refund) all end in `finance.sale_settled`.
Up to four queries per event, one more insert per mark."""

from __future__ import annotations

from django.db.models import Min
from django.utils import timezone

from frontdesk.finance.models import LineKind, Sale, SaleLine
from frontdesk.payroll.models import Period, Touched
from frontdesk.scheduling.models import Record


def _mark(company_id: int, chain_id: int, visit_id: int, tz) -> None:
    first = Record.objects.filter(visit_id=visit_id).aggregate(first=Min("start"))["first"]
    if first is None:
        return
    day = timezone.localtime(first, tz).date()
    if Period.objects.filter(company_id=company_id, end__gte=day).exists():
        Touched.objects.bulk_create([Touched(company_id=company_id, chain_id=chain_id, visit_id=visit_id)])


def _mark_goods(sale) -> None:
    day = timezone.localtime(sale.created_at, sale.company.tz).date()
    if (
        Period.objects.filter(company_id=sale.company_id, end__gte=day).exists()
        and SaleLine.objects.filter(sale_id=sale.pk, kind=LineKind.GOODS).exists()
    ):
        Touched.objects.bulk_create([Touched(company_id=sale.company_id, chain_id=sale.chain_id, sale_id=sale.pk)])


def sale_settled(sale, kind, **_):
    """Money taken or given back on a sale (a checkout, a counter sale, a debt paid, a refund with
    or without goods brought back)."""
    if sale.visit_id:
        _mark(sale.company_id, sale.chain_id, sale.visit_id, sale.company.tz)
    _mark_goods(sale)


def record_moved(record, previous_start, previous_specialist_id, **_):
    """A checked-out record given to another specialist moves its pay."""
    if record.specialist_id != previous_specialist_id and Sale.objects.filter(visit_id=record.visit_id).exists():
        _mark(record.company_id, record.chain_id, record.visit_id, record.company.tz)
