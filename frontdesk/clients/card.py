"""The client card: totals and the timeline.

The timeline is a list of typed entries gathered from several sources. Each source is a function
`source(card) -> list[TimelineEntry]` registered under a key; modules that land later (payments,
loyalty, notifications) register their own source in their AppConfig.ready():

    from frontdesk.clients.card import register_timeline_source
    register_timeline_source("messages", messages_for_card)

Every source runs a fixed number of queries, so the card costs the same for 3 visits or 300.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level
from frontdesk.clients.models import Client
from frontdesk.core.models import Event, EventAction
from frontdesk.scheduling.models import Record, RecordService, RecordStatus


@dataclass
class TimelineEntry:
    kind: str  # "record", "note", "change", and later "payment", "message", "loyalty"
    at: datetime.datetime
    title: str
    icon: str = "dot"
    text: str = ""
    status: str = ""
    status_label: str = ""
    who: str = ""  # the specialist of a record, the author of a comment or change
    lines: list[tuple[str, Decimal]] = field(default_factory=list)
    total: Decimal | None = None
    branch: str = ""


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


# key -> (source, the section whose VIEW right a reader needs to see what it adds, or None)
_sources: dict[str, tuple[Callable[[ClientCard], list[TimelineEntry]], str | None]] = {}


def register_timeline_source(
    key: str, source: Callable[[ClientCard], list[TimelineEntry]], section: str | None = None
) -> None:
    """`section`: what the entries reveal (loyalty's bonuses, finance's money); a reader without
    the right to view that section does not get them (the card's `viewer` says who reads)."""
    _sources[key] = (source, section)


@dataclass
class Badge:
    """A mark next to the client's name that another module adds (the cash desk: a debt)."""

    text: str
    colour: str = "secondary"  # a Bootstrap colour
    key: str = ""


_badge_sources: dict[str, tuple[Callable[[ClientCard], list[Badge]], str | None]] = {}


def register_badge_source(key: str, source: Callable[[ClientCard], list[Badge]], section: str | None = None) -> None:
    _badge_sources[key] = (source, section)


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

    @property
    def status_label(self) -> str:
        return RecordStatus(self.status).label if self.status in RecordStatus.values else self.status

    @property
    def total(self) -> Decimal:
        return sum((price for _title, price in self.lines), Decimal("0"))


class ClientCard:
    """`viewer`: the membership reading the card; what other modules add is shown only to a
    reader with the right to view their section (None: everything, as for the client's own data
    export)."""

    def __init__(self, client: Client, *, now: datetime.datetime, tz=None, viewer=None):
        self.client = client
        self.now = now
        self.tz = tz
        self.viewer = viewer

    @cached_property
    def records(self) -> list[CardRecord]:
        """Every record of the client, newest first, with specialist, branch and service lines:
        two queries of the columns shown, whatever the number of visits."""
        records = [
            CardRecord(*row)
            for row in Record.objects.filter(client=self.client)
            .order_by("-start", "-id")
            .values_list("id", "visit_id", "status", "start", "comment", "company__name", "specialist__name")
        ]
        by_id = {record.id: record for record in records}
        for record_id, title, price in (
            RecordService.objects.filter(record__client=self.client)
            .order_by("position", "id")
            .values_list("record_id", "service__title", "price")
        ):
            record = by_id.get(record_id)
            if record is not None:
                record.lines.append((title, price))
        return records

    @cached_property
    def totals(self) -> Totals:
        totals = Totals()
        done = [r for r in self.records if r.status == RecordStatus.COMPLETED]
        totals.no_shows = sum(r.status == RecordStatus.NO_SHOW for r in self.records)
        totals.cancelled = sum(r.status == RecordStatus.CANCELLED for r in self.records)
        totals.upcoming = sum(r.start > self.now and r.status not in RecordStatus.LOST for r in self.records)
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

    @cached_property
    def is_lost(self) -> bool:
        t = self.totals
        if t.visits < 3 or not t.usual_interval_days or not t.last_visit:
            return False
        since = (self.now - t.last_visit).total_seconds() / 86400
        return since > 1.5 * t.usual_interval_days

    def may_see(self, section: str | None) -> bool:
        return section is None or self.viewer is None or self.viewer.can(section, Level.VIEW)

    def badges(self) -> list[Badge]:
        return [badge for source, section in _badge_sources.values() if self.may_see(section) for badge in source(self)]

    def timeline(self) -> list[TimelineEntry]:
        entries: list[TimelineEntry] = []
        for source, section in _sources.values():
            if not self.may_see(section):
                continue
            entries.extend(source(self))
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries


# ---------------------------------------------------------------- the sources
STATUS_ICONS = {
    RecordStatus.BOOKED: "calendar-event",
    RecordStatus.CONFIRMED: "calendar-check",
    RecordStatus.ARRIVED: "door-open",
    RecordStatus.COMPLETED: "check-circle",
    RecordStatus.NO_SHOW: "person-x",
    RecordStatus.CANCELLED: "x-circle",
}


def _records_source(card: ClientCard) -> list[TimelineEntry]:
    entries = []
    labels = dict(RecordStatus.choices)
    no_title = _("Record")
    for record in card.records:
        entries.append(
            TimelineEntry(
                kind="record",
                at=record.start,
                title=", ".join(title for title, _price in record.lines) or no_title,
                icon=STATUS_ICONS.get(record.status, "calendar"),
                text=record.comment,
                status=record.status,
                status_label=labels.get(record.status, record.status),
                who=record.specialist,
                lines=record.lines,
                total=record.total,
                branch=record.branch,
            )
        )
    return entries


def _notes_source(card: ClientCard) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            kind="note",
            at=note.created_at,
            title=_("Comment"),
            icon="chat-left-text",
            text=note.text,
            who=note.author.name if note.author else "",
        )
        for note in card.client.notes.select_related("author")[:200]
    ]


# Changes of these fields are shown in the timeline under their labels; the rest is internal.
_SHOWN_FIELDS = {
    f.attname: f.verbose_name
    for f in Client._meta.concrete_fields
    if f.editable and f.name not in ("chain", "created_at", "custom")
}


def _changes_source(card: ClientCard) -> list[TimelineEntry]:
    events = (
        Event.objects.filter(object_type="clients.client", object_id=str(card.client.pk))
        # Every opening of the card is logged; those must not crowd the changes out of the 100.
        .exclude(code="client.viewed")
        .select_related("user")
        .order_by("-created_at", "-id")[:100]
    )
    entries = []
    for event in events:
        if event.action == EventAction.CREATED:
            title, icon = _("Card created"), "person-plus"
        elif event.code == "client.merged":
            title, icon = _("A duplicate card was merged into this one"), "union"
        elif event.code == "client.erased":
            title, icon = _("Personal data erased on request"), "eraser"
        else:
            title, icon = _("Card changed"), "pencil"
        changed = [str(_SHOWN_FIELDS[name]) for name in (event.changes or {}) if name in _SHOWN_FIELDS]
        entries.append(
            TimelineEntry(
                kind="change",
                at=event.created_at,
                title=title,
                icon=icon,
                text=", ".join(changed) if event.action == EventAction.CHANGED else "",
                who=event.user.name if event.user else event.get_source_display(),
            )
        )
    return entries


register_timeline_source("records", _records_source)
register_timeline_source("notes", _notes_source)
register_timeline_source("changes", _changes_source)
