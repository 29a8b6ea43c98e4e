"""Reads for the electronic journal: the columns (specialists), the records and the shaded
off-hours of a range of days, a cheap "has anything changed" token, and the client search.

Every function here runs a constant number of queries whatever the number of specialists or
records, so that the day view of a big branch stays fast. Times go to the browser as the
branch's wall-clock times without an offset ("floating"), so the journal shows the branch's
time wherever the administrator's computer is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from frontdesk.clients.models import Client
from frontdesk.clients.selectors import phone_digits, quick_search
from frontdesk.core.money import format_money
from frontdesk.core.phones import format_phone
from frontdesk.scheduling.models import (
    SOURCE_COLOURS,
    GroupEvent,
    GroupEventStatus,
    Record,
    RecordService,
    RecordSource,
    RecordStatus,
    overlapping,
)
from frontdesk.scheduling.services import TRANSITIONS
from frontdesk.staff.models import Absence, Specialist, SpecialistService, WorkInterval

# The longest range one request may ask for (a month view plus its spill-over weeks).
MAX_RANGE_DAYS = 42
SEARCH_LIMIT = 10

STATUS_COLOURS = {
    RecordStatus.BOOKED: "#6366f1",
    RecordStatus.CONFIRMED: "#0ea5e9",
    RecordStatus.ARRIVED: "#16a34a",
    RecordStatus.COMPLETED: "#64748b",
    RecordStatus.NO_SHOW: "#ef4444",
    RecordStatus.CANCELLED: "#a1a1aa",
}

# Sources an administrator may choose when booking by hand.
MANUAL_SOURCES = [RecordSource.ADMIN, RecordSource.PHONE]


@dataclass(frozen=True)
class Viewer:
    """Who looks at the journal: everybody's records, or only the own column of a specialist."""

    own_only: bool
    specialist_id: int | None  # the Specialist card linked to this login in this network

    def sees_specialist(self, specialist_id) -> bool:
        return not self.own_only or (self.specialist_id is not None and specialist_id == self.specialist_id)


def viewer_for(request) -> Viewer:
    membership = request.membership
    specialist_id = (
        Specialist.objects.filter(user=request.user, is_dismissed=False).values_list("pk", flat=True).first()
    )
    return Viewer(own_only=bool(membership.own_records_only), specialist_id=specialist_id)


def local_iso(moment: datetime.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S")


def day_bounds(company, day_from: datetime.date, day_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The UTC span of the local days [day_from, day_to] inclusive."""
    tz = ZoneInfo(company.timezone)
    start = datetime.datetime.combine(day_from, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(day_to + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


def branch_specialists(company, viewer: Viewer):
    """Specialists who may be booked in this branch (and whom this viewer may see)."""
    qs = Specialist.objects.filter(companies=company, is_dismissed=False)
    if viewer.own_only:
        qs = qs.filter(pk=viewer.specialist_id) if viewer.specialist_id else qs.none()
    return qs


def _records_in(company, start, end):
    return overlapping(Record.objects.filter(company=company), start, end)


def column_specialists(company, day_from, day_to, viewer: Viewer, everyone: bool = False) -> list[Specialist]:
    """The journal's columns: who works in this branch in these days or has records here then.
    With nobody at work (no schedules yet) every specialist of the branch is shown, so that the
    administrator still sees where to book. One query."""
    start, end = day_bounds(company, day_from, day_to)
    base = branch_specialists(company, viewer)
    if viewer.own_only:
        # A specialist always sees their own column, even on a day off.
        return list(Specialist.objects.filter(pk__in=base.values("pk")).select_related("position"))
    working = WorkInterval.objects.filter(company=company, date__gte=day_from, date__lte=day_to).values("specialist_id")
    booked = _records_in(company, start, end).exclude(status=RecordStatus.CANCELLED).values("specialist_id")
    wanted = Q(pk__in=working) | Q(pk__in=booked)
    if everyone:
        wanted |= Q(pk__gte=0)
    # A dismissed specialist's column stays while they still have records on these days.
    shown = Specialist.objects.filter(companies=company).filter(wanted).filter(Q(is_dismissed=False) | Q(pk__in=booked))
    specialists = list(shown.select_related("position"))
    if not specialists and not everyone:
        specialists = list(base.select_related("position"))
    return specialists


def _absences(specialist_ids, day_from, day_to) -> dict[int, list[Absence]]:
    found = defaultdict(list)
    for absence in Absence.objects.filter(
        specialist_id__in=specialist_ids, date_from__lte=day_to, date_to__gte=day_from
    ).order_by("date_from"):
        found[absence.specialist_id].append(absence)
    return found


def journal_resources(company, day_from, day_to, viewer: Viewer, everyone: bool = False) -> list[dict]:
    """The columns for the resource view (2 queries)."""
    specialists = column_specialists(company, day_from, day_to, viewer, everyone)
    absences = _absences([s.pk for s in specialists], day_from, day_to)
    resources = []
    for specialist in specialists:
        away = absences.get(specialist.pk, [])
        resources.append(
            {
                "id": specialist.pk,
                "title": specialist.name,
                "extendedProps": {
                    "position": specialist.position.title if specialist.position else "",
                    "absence": away[0].get_kind_display() if away else "",
                },
            }
        )
    return resources


def _days(day_from, day_to):
    day = day_from
    while day <= day_to:
        yield day
        day += datetime.timedelta(days=1)


def _off_hours(company, specialist_ids, day_from, day_to) -> list[dict]:
    """Background events: the time of each local day outside the specialist's working intervals,
    and whole days of absence (2 queries). Wall-clock times of the branch go out as they are."""
    work = defaultdict(list)
    for specialist_id, day, start, end in WorkInterval.objects.filter(
        company=company, specialist_id__in=specialist_ids, date__gte=day_from, date__lte=day_to
    ).values_list("specialist_id", "date", "start", "end"):
        work[(specialist_id, day)].append((start, end))
    absences = _absences(specialist_ids, day_from, day_to)
    events = []
    for specialist_id in specialist_ids:
        for day in _days(day_from, day_to):
            away = next((a for a in absences.get(specialist_id, ()) if a.date_from <= day <= a.date_to), None)
            day_start = datetime.datetime.combine(day, datetime.time())
            day_end = day_start + datetime.timedelta(days=1)
            if away is not None:
                events.append(
                    _background(specialist_id, day_start, day_end, "fd-absence", away.get_kind_display(), day)
                )
                continue
            cursor = day_start
            for start, end in sorted(work.get((specialist_id, day), ())):
                opens = datetime.datetime.combine(day, start)
                if opens > cursor:
                    events.append(_background(specialist_id, cursor, opens, "fd-off", "", day))
                cursor = max(cursor, datetime.datetime.combine(day, end))
            if cursor < day_end:
                events.append(_background(specialist_id, cursor, day_end, "fd-off", "", day))
    return events


def _background(specialist_id, start, end, css, title, day) -> dict:
    return {
        "id": f"bg-{specialist_id}-{day:%Y%m%d}-{start:%H%M}",
        "resourceIds": [specialist_id],
        "start": start.strftime("%Y-%m-%dT%H:%M:%S"),
        "end": end.strftime("%Y-%m-%dT%H:%M:%S"),
        "display": "background",
        "classNames": [css],
        "title": title,
        "extendedProps": {"kind": "off", "specialist_id": specialist_id},
    }


def journal_records(company, day_from, day_to, viewer: Viewer, specialist_id=None, cancelled=False):
    start, end = day_bounds(company, day_from, day_to)
    records = (
        _records_in(company, start, end)
        .filter(group_event__isnull=True)
        .select_related("client", "specialist")
        .prefetch_related(
            Prefetch("lines", queryset=RecordService.objects.select_related("service").order_by("position"))
        )
        .order_by("start", "id")
    )
    if not cancelled:
        records = records.exclude(status=RecordStatus.CANCELLED)
    if viewer.own_only:
        records = records.filter(specialist_id=viewer.specialist_id) if viewer.specialist_id else records.none()
    if specialist_id is not None:
        records = records.filter(specialist_id=specialist_id)
    return records


def record_event(record: Record, tz: ZoneInfo, can_edit: bool) -> dict:
    lines = list(record.lines.all())
    client = record.client
    return {
        "id": f"r{record.pk}",
        "resourceIds": [record.specialist_id],
        "start": local_iso(record.start, tz),
        "end": local_iso(record.end, tz),
        "title": (client.name or format_phone(client.phone)) if client else _("No client"),
        "editable": can_edit and record.status in RecordStatus.UNFINISHED,
        "classNames": [f"fd-status-{record.status}"] + (["fd-overbooked"] if record.overbooked else []),
        "extendedProps": {
            "kind": "record",
            "record_id": record.pk,
            "client": client.name if client else "",
            "phone": format_phone(client.phone) if client else "",
            "services": [line.service.title for line in lines],
            "status": record.status,
            "status_label": RecordStatus(record.status).label,
            "source": record.source,
            "source_label": RecordSource(record.source).label,
            "colour_status": STATUS_COLOURS.get(record.status, "#64748b"),
            "colour_source": SOURCE_COLOURS.get(record.source, "#64748b"),
            "comment": record.comment,
            "overbooked": record.overbooked,
            "prepaid": record.prepaid,
            "series": record.series_id,
            "specialist": record.specialist.name,
        },
    }


def _group_events(company, day_from, day_to, viewer: Viewer, specialist_id=None) -> list[dict]:
    """Classes hold their specialist's time; the journal shows them with the number of places
    taken. Their participants are managed on the classes' own pages."""
    tz = ZoneInfo(company.timezone)
    start, end = day_bounds(company, day_from, day_to)
    qs = (
        overlapping(GroupEvent.objects.filter(company=company, status=GroupEventStatus.SCHEDULED), start, end)
        .select_related("service")
        .annotate(taken=Count("records", filter=Q(records__status__in=RecordStatus.HOLDING)))
    )
    if viewer.own_only:
        qs = qs.filter(specialist_id=viewer.specialist_id) if viewer.specialist_id else qs.none()
    if specialist_id is not None:
        qs = qs.filter(specialist_id=specialist_id)
    return [
        {
            "id": f"g{event.pk}",
            "resourceIds": [event.specialist_id],
            "start": local_iso(event.start, tz),
            "end": local_iso(event.end, tz),
            "title": event.service.title,
            "editable": False,
            "classNames": ["fd-class"],
            "backgroundColor": "#f59e0b",
            "extendedProps": {
                "kind": "class",
                "event_id": event.pk,
                "taken": event.taken,
                "capacity": event.capacity,
            },
        }
        for event in qs
    ]


def journal_events(
    company, day_from, day_to, viewer: Viewer, *, can_edit: bool, specialist_id=None, cancelled=False
) -> list[dict]:
    """Records, classes and shaded off-hours for the days (constant number of queries)."""
    tz = ZoneInfo(company.timezone)
    events = [
        record_event(record, tz, can_edit)
        for record in journal_records(company, day_from, day_to, viewer, specialist_id, cancelled)
    ]
    events += _group_events(company, day_from, day_to, viewer, specialist_id)
    if specialist_id is not None:
        shaded = [specialist_id]
    else:
        shaded = [s.pk for s in column_specialists(company, day_from, day_to, viewer)]
    events += _off_hours(company, shaded, day_from, day_to)
    return events


def changes_token(company, day_from, day_to, viewer: Viewer) -> str:
    """Changes whenever a record of these days is created, changed, moved away or deleted
    (one aggregate query): the journal polls it and refetches only when it differs."""
    start, end = day_bounds(company, day_from, day_to)
    records = _records_in(company, start, end)
    if viewer.own_only:
        records = records.filter(specialist_id=viewer.specialist_id) if viewer.specialist_id else records.none()
    totals = records.aggregate(last=Max("updated_at"), count=Count("id"), top=Max("id"))
    last = totals["last"].isoformat() if totals["last"] else "-"
    return f"{totals['count']}:{totals['top'] or 0}:{last}"


def search_clients(query: str, viewer: Viewer, limit: int = SEARCH_LIMIT) -> list[Client]:
    """Clients by a few digits of the phone or by a part of the name, at most `limit`: the client
    base's quick search (`clients.selectors.quick_search`, served by the word and trigram
    indexes). A specialist who sees only their own column finds only clients with a record of
    theirs."""
    text = (query or "").strip()
    digits = phone_digits(text)
    if (digits and len(digits) < 3) or len(text) < 2:
        return []
    clients = Client.objects.all()
    if viewer.own_only:
        if viewer.specialist_id is None:
            return []
        clients = clients.filter(
            Exists(Record.objects.filter(client=OuterRef("pk"), specialist_id=viewer.specialist_id))
        )
    return quick_search(clients, text, limit)


def client_row(client: Client) -> dict:
    return {"id": client.pk, "name": client.name, "phone": format_phone(client.phone)}


def specialist_services(company, specialist_id) -> list[dict]:
    """The branch's services this specialist performs, with their own duration and price."""
    links = (
        SpecialistService.objects.filter(
            specialist_id=specialist_id,
            service__company=company,
            service__is_archived=False,
            service__is_group=False,
        )
        .select_related("service")
        .order_by("service__sort_order", "service__title", "service_id")
    )
    return [
        {
            "id": link.service_id,
            "title": link.service.title,
            "duration": link.duration or link.service.duration,
            # Shown in the booking dialog as it is: a price as the price list writes it.
            "price": format_money(
                link.price_min if link.price_min is not None else link.service.price_min,
                company.chain.currency_symbol,
                whole=True,
            ),
        }
        for link in links
    ]


def status_actions(record: Record) -> list[tuple[str, str, str]]:
    """(target status, button label, Bootstrap colour) the record may go to from the journal.
    Completion comes with checkout at the cash desk, so it is not offered here."""
    labels = {
        RecordStatus.CONFIRMED: (_("Confirm"), "primary"),
        RecordStatus.ARRIVED: (_("Client arrived"), "success"),
        RecordStatus.NO_SHOW: (_("No-show"), "warning"),
        RecordStatus.CANCELLED: (_("Cancel the record"), "danger"),
    }
    actions = []
    for status in TRANSITIONS.get(record.status, ()):
        if status == RecordStatus.COMPLETED:
            continue
        if status == RecordStatus.BOOKED:
            if record.status in RecordStatus.LOST:
                label, colour = _("Restore"), "secondary"
            else:
                label, colour = _("Back to “booked”"), "secondary"
        elif status == RecordStatus.CONFIRMED and record.status != RecordStatus.BOOKED:
            label, colour = (
                (_("Undo the arrival") if record.status == RecordStatus.ARRIVED else _("Restore as confirmed")),
                ("secondary"),
            )
        else:
            label, colour = labels[status]
        actions.append((status, label, colour))
    order = [RecordStatus.CONFIRMED, RecordStatus.ARRIVED, RecordStatus.BOOKED, RecordStatus.NO_SHOW]
    order.append(RecordStatus.CANCELLED)
    return sorted(actions, key=lambda a: order.index(a[0]) if a[0] in order else 99)
