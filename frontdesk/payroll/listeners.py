"""What payroll hears from below: a change to a visit that a closed period already paid for. The
listeners run inside the sender's transaction and mark the visit (`Touched`), so the mark exists
exactly when the change does; the next calculation that carries adjustments re-reads only the
marked visits. Two queries per event, one more insert when the visit is on a closed day."""

from __future__ import annotations

from django.db.models import Min
from django.utils import timezone

from frontdesk.finance.models import Sale
from frontdesk.payroll.models import Period, Touched
from frontdesk.scheduling.models import Record


def _mark(company_id: int, chain_id: int, visit_id: int, tz) -> None:
    first = Record.objects.filter(visit_id=visit_id).aggregate(first=Min("start"))["first"]
    if first is None:
        return
    day = timezone.localtime(first, tz).date()
    if Period.objects.filter(company_id=company_id, end__gte=day).exists():
        Touched.objects.bulk_create([Touched(company_id=company_id, chain_id=chain_id, visit_id=visit_id)])


def sale_settled(sale, kind, **_):
    """Money taken or given back on a visit's sale (a checkout, a debt paid, a refund)."""
    if sale.visit_id:
        _mark(sale.company_id, sale.chain_id, sale.visit_id, sale.company.tz)


def record_moved(record, previous_start, previous_specialist_id, **_):
    """A checked-out record given to another specialist moves its pay."""
    if record.specialist_id != previous_specialist_id and Sale.objects.filter(visit_id=record.visit_id).exists():
        _mark(record.company_id, record.chain_id, record.visit_id, record.company.tz)
