"""The journal's answers to what the client base asks about its clients' records
(`frontdesk/clients/records.py`): the card's records and totals, and the client list's filters by
specialist, branch and service. Registered from SchedulingConfig.ready()."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from frontdesk.clients.records import CardRecord, RecordReader, Totals, register_record_reader
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, is_upcoming

STATUS_ICONS = {
    RecordStatus.BOOKED: "calendar-event",
    RecordStatus.CONFIRMED: "calendar-check",
    RecordStatus.ARRIVED: "door-open",
    RecordStatus.COMPLETED: "check-circle",
    RecordStatus.NO_SHOW: "person-x",
    RecordStatus.CANCELLED: "x-circle",
}


class JournalRecords(RecordReader):
    def card_records(self, client) -> list[CardRecord]:
        """Two queries of the columns shown, whatever the number of visits."""
        labels = dict(RecordStatus.choices)
        records = [
            CardRecord(*row, status_label=labels.get(row[2], row[2]), icon=STATUS_ICONS.get(row[2], "calendar"))
            for row in Record.objects.filter(client=client)
            .order_by("-start", "-id")
            .values_list("id", "visit_id", "status", "start", "comment", "company__name", "specialist__name")
        ]
        by_id = {record.id: record for record in records}
        for record_id, title, price in (
            RecordService.objects.filter(record__client=client)
            .order_by("position", "id")
            .values_list("record_id", "service__title", "price")
        ):
            record = by_id.get(record_id)
            if record is not None:
                record.lines.append((title, price))
        return records

    def card_totals(self, records: list[CardRecord], now: datetime.datetime) -> Totals:
        totals = Totals()
        done = [r for r in records if r.status == RecordStatus.COMPLETED]
        totals.no_shows = sum(r.status == RecordStatus.NO_SHOW for r in records)
        totals.cancelled = sum(r.status == RecordStatus.CANCELLED for r in records)
        totals.upcoming = sum(is_upcoming(r.status, r.start, now) for r in records)
        # A visit may hold several records (two specialists one after the other): count it once,
        # at its first record's start.
        visit_starts: dict[int, datetime.datetime] = {}
        for record in done:
            if record.visit_id not in visit_starts or record.start < visit_starts[record.visit_id]:
                visit_starts[record.visit_id] = record.start
        totals.visits = len(visit_starts)
        totals.spend = sum((price for r in done for _title, price in r.lines), Decimal("0"))
        if totals.visits:
            totals.average_check = (totals.spend / totals.visits).quantize(Decimal("0.01"))
            starts = sorted(visit_starts.values())
            totals.first_visit, totals.last_visit = starts[0], starts[-1]
            gaps = [(b - a).total_seconds() / 86400 for a, b in zip(starts, starts[1:], strict=False)]
            if gaps:
                totals.usual_interval_days = round(statistics.median(gaps), 1)
            specialists = Counter(r.specialist for r in done)
            totals.favourite_specialist = specialists.most_common(1)[0][0]
            services = Counter(title for r in done for title, _price in r.lines)
            totals.favourite_services = [name for name, _n in services.most_common(3)]
        return totals

    def has_record_with(self, user) -> Exists:
        return Exists(Record.objects.filter(client=OuterRef("pk"), specialist__user=user))

    def record_clients(self, *, specialist=None, company=None) -> QuerySet:
        conditions = {"specialist": specialist, "company": company}
        return (
            Record.objects.filter(**{name: value for name, value in conditions.items() if value is not None})
            .order_by()
            .values("client_id")
        )

    def service_clients(self, service) -> tuple[QuerySet, QuerySet]:
        lines = RecordService.objects.filter(service=service).order_by()
        return lines.values("record__client_id"), lines.values("id")


def connect() -> None:
    """Called once, from SchedulingConfig.ready()."""
    register_record_reader(JournalRecords())
