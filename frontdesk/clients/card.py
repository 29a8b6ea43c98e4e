"""The client card: totals and the timeline.

The timeline is a list of typed entries gathered from several sources. Each source is a function
`source(card) -> list[TimelineEntry]` registered under a key; modules that land later (payments,
loyalty, notifications) register their own source in their AppConfig.ready():

    from frontdesk.clients.card import register_timeline_source
    register_timeline_source("messages", messages_for_card)

Every source runs a fixed number of queries, so the card costs the same for 3 visits or 300.
The records and their totals come from the journal, above the client base (`clients/records.py`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level
from frontdesk.clients.lost import lost_after
from frontdesk.clients.models import Client
from frontdesk.clients.records import CardRecord, Totals, record_reader
from frontdesk.core.audit_display import describe
from frontdesk.core.models import Event, EventAction


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
    # Lines folded under the entry (shown on request): what a grouped entry stands for.
    details: list[str] = field(default_factory=list)


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
        """Every record of the client, newest first, with specialist, branch and service lines."""
        return record_reader().card_records(self.client)

    @cached_property
    def totals(self) -> Totals:
        return record_reader().card_totals(self.records, self.now)

    @cached_property
    def is_lost(self) -> bool:
        # The client base's one rule (clients/lost.py), as the list's "Lost clients" applies it.
        t = self.totals
        moment = lost_after(t.visits, t.first_visit, t.last_visit)
        return moment is not None and self.now > moment

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
def _records_source(card: ClientCard) -> list[TimelineEntry]:
    entries = []
    no_title = _("Record")
    for record in card.records:
        entries.append(
            TimelineEntry(
                kind="record",
                at=record.start,
                title=", ".join(title for title, _price in record.lines) or no_title,
                icon=record.icon,
                text=record.comment,
                status=record.status,
                status_label=record.status_label,
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


# Changes of these fields are shown in the timeline; the rest is internal.
_SHOWN_FIELDS = {
    f.attname for f in Client._meta.concrete_fields if f.editable and f.name not in ("chain", "created_at", "custom")
}


def _changes_source(card: ClientCard) -> list[TimelineEntry]:
    events = (
        Event.objects.filter(object_type="clients.client", object_id=str(card.client.pk))
        # Every opening of the card is logged; those must not crowd the changes out of the 100.
        .exclude(code="client.viewed")
        .select_related("user", "company")
        .order_by("-created_at", "-id")[:100]
    )
    # The event log's one humanizer: labels, choice names, yes/no, money and times as people read them.
    described = describe(
        events, tz=card.tz or timezone.get_current_timezone(), currency=card.client.chain.currency_symbol
    )
    entries = []
    for entry in described:
        event = entry.event
        if event.action == EventAction.CREATED:
            title, icon = _("Card created"), "person-plus"
        elif event.code == "client.merged":
            title, icon = _("A duplicate card was merged into this one"), "union"
        elif event.code == "client.erased":
            title, icon = _("Personal data erased on request"), "eraser"
        elif event.code:
            title, icon = entry.action, "pencil"
        else:
            title, icon = _("Card changed"), "pencil"
        changed = [
            f"{change.label}: {change.old} → {change.new}" if change.old else f"{change.label}: {change.new}"
            for change in entry.changes
            if change.key in _SHOWN_FIELDS or event.code
        ]
        entries.append(
            TimelineEntry(
                kind="change",
                at=entry.at,
                title=title,
                icon=icon,
                text="\n".join(changed) if event.action != EventAction.CREATED else "",
                who=event.user.name if event.user else event.get_source_display(),
            )
        )
    return entries


register_timeline_source("records", _records_source)
register_timeline_source("notes", _notes_source)
register_timeline_source("changes", _changes_source)
