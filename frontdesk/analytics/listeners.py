"""The domain events that make daily facts stale (docs/analytics.md, «The data path»).

Every listener runs inside the sender's transaction and only marks the (branch, local date) pairs
the change touched (`facts.mark`, one upsert): the facts of a day are recomputed from the raw
tables by the next reader, never incremented here, so a listener cannot make them wrong — only
late, and only until that read. A change that sends no event (a queryset `update()`, a restore,
an import with raw SQL) needs `manage.py rebuild_analytics`.

`scheduling.record_client_changed` is not listened to: no daily fact depends on a record's client
(new and returning clients are read from the records), so a mark would only cost a write.
`finance.refund_posted` neither: its refund rows are the `money_moved` rows of the same refund.
"""

from __future__ import annotations

from frontdesk.analytics import facts
from frontdesk.finance.models import Transaction
from frontdesk.finance.signals import money_moved, sale_settled
from frontdesk.scheduling.models import Record
from frontdesk.scheduling.signals import (
    record_booked,
    record_deleted,
    record_lines_changed,
    record_moved,
    record_status_changed,
)
from frontdesk.staff.signals import schedule_changed
from frontdesk.tenancy.models import Company
from frontdesk.tenancy.signals import company_zone_changed


def _record_day(record, **kwargs):
    company = record.company
    facts.mark(company, [record.start.astimezone(company.tz).date()])


def _record_moved(record, previous_start, previous_specialist_id, **kwargs):
    company = record.company
    moments = [record.start] + ([previous_start] if previous_start else [])
    if previous_specialist_id is not None and previous_specialist_id != record.specialist_id:
        # The money parts carry the specialist of a sale's service lines: a record given to
        # another specialist after its checkout moves its money to them on every date the sale
        # took money on. One query, only when the specialist changed.
        moments += Transaction.objects.filter(sale__lines__record_service__record_id=record.pk).values_list(
            "occurred_at", flat=True
        )
    facts.mark(company, [moment.astimezone(company.tz).date() for moment in moments])


def _line_changed(line, **kwargs):
    # Booked minutes count by the record's start. A line deleted with its record finds no record:
    # record_deleted has marked the day already.
    row = (
        Record.objects.filter(pk=line.record_id)
        .values_list("start", "company_id", "company__chain_id", "company__timezone")
        .first()
    )
    if row is not None:
        start, company_id, chain_id, zone = row
        company = Company(pk=company_id, chain_id=chain_id, timezone=zone)
        facts.mark(company, [start.astimezone(company.tz).date()])


def _money_moved(sale, transactions, **kwargs):
    company = sale.company
    facts.mark(company, [row.occurred_at.astimezone(company.tz).date() for row in transactions])


def _sale_settled(sale, **kwargs):
    # Every date the sale has money on: a prepayment attached to the sale at its checkout sends no
    # money_moved of its own, and it may move the date of the sale's first payment (its check).
    company = sale.company
    moments = Transaction.objects.filter(sale=sale).values_list("occurred_at", flat=True)
    facts.mark(company, [moment.astimezone(company.tz).date() for moment in moments])


def _schedule_changed(company, specialist_ids, dates, **kwargs):
    facts.mark(company, dates)


def _zone_changed(company, previous_timezone, **kwargs):
    facts.mark_everything(company)


def connect() -> None:
    """Called once, from AnalyticsConfig.ready()."""
    for event in (record_booked, record_status_changed, record_deleted):
        event.listen(_record_day)
    record_moved.listen(_record_moved)
    record_lines_changed.listen(_line_changed)
    money_moved.listen(_money_moved)
    sale_settled.listen(_sale_settled)
    schedule_changed.listen(_schedule_changed)
    company_zone_changed.listen(_zone_changed)
