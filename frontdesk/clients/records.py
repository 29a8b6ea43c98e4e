"""What the client base asks about its clients' records, and the shapes of the answers.

The records belong to the journal (`frontdesk.scheduling`), which sits above the client base in the
stack (`frontdesk/core/layers.py`), so the client base may not read them itself. The journal
answers instead: it registers a `RecordReader` from its AppConfig.ready()
(`frontdesk/scheduling/client_records.py`):

    from frontdesk.clients.records import register_record_reader
    register_record_reader(JournalRecords())

Until one is registered (an app set without the journal) every client has no records. Each
answer costs a fixed number of queries, or is a subquery the caller puts into its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Q, QuerySet

from frontdesk.clients.models import Client


@dataclass(slots=True)
class CardRecord:
    """A record as the card shows it: plain values rather than model instances, since a regular's
    card reads hundreds of records with their lines and builds nothing it does not show."""

    id: int
    visit_id: int
    status: str
    start: datetime.datetime
    comment: str
    branch: str
    specialist: str
    lines: list[tuple[str, Decimal]] = field(default_factory=list)  # (service title, price)
    status_label: str = ""
    icon: str = "calendar"  # the timeline's Bootstrap icon for the status

    @property
    def total(self) -> Decimal:
        return sum((price for _title, price in self.lines), Decimal("0"))


@dataclass
class Totals:
    visits: int = 0
    no_shows: int = 0
    cancelled: int = 0
    spend: Decimal = Decimal("0")
    average_check: Decimal | None = None
    first_visit: datetime.datetime | None = None
    last_visit: datetime.datetime | None = None
    usual_interval_days: float | None = None
    favourite_specialist: str = ""
    favourite_services: list[str] = field(default_factory=list)
    upcoming: int = 0


class RecordReader:
    """The questions, answered as for a client base without records; the journal's reader
    overrides each."""

    def card_records(self, client) -> list[CardRecord]:
        """Every record of the client, newest first, with its service lines (the card, the
        client's data export)."""
        return []

    def card_totals(self, records: list[CardRecord], now: datetime.datetime) -> Totals:
        """What the card's records add up to (visits, spend, favourites…)."""
        return Totals()

    def has_record_with(self, user) -> Q | Exists:
        """A condition on `Client`: the client has a record with the specialist linked to this
        login (a member who sees only their own clients)."""
        return Q(pk__in=[])

    def record_clients(self, *, specialist=None, company=None) -> QuerySet:
        """The client ids of the records of this specialist and/or branch: a subquery of one
        value per record, and the rows the list counts to tell a broad filter from a narrow one."""
        return Client.objects.none().values("pk")

    def service_clients(self, service) -> tuple[QuerySet, QuerySet]:
        """(the client ids of the records with this service, the service lines to count)."""
        return Client.objects.none().values("pk"), Client.objects.none()


_reader = RecordReader()


def register_record_reader(reader: RecordReader) -> None:
    global _reader
    _reader = reader


def record_reader() -> RecordReader:
    return _reader
