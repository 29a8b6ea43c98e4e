"""A specialist's schedule as an iCalendar feed (RFC 5545) at a secret address, so that staff
can subscribe on their phones. The feed holds the specialist's records that hold time and their
classes, 30 days back to 180 days ahead, in UTC; a record keeps its UID, so a moved record moves
in the phone's calendar instead of appearing twice."""

from __future__ import annotations

import datetime
import secrets

import icalendar
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.scheduling.classes import with_seats
from frontdesk.scheduling.models import (
    CalendarFeed,
    GroupEvent,
    GroupEventStatus,
    Record,
    RecordService,
    RecordStatus,
    overlapping,
)

DAYS_BACK = 30
DAYS_AHEAD = 180
UID_DOMAIN = "frontdesk"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_for(specialist) -> CalendarFeed:
    """The specialist's feed, created on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(
        specialist=specialist, defaults={"chain_id": specialist.chain_id, "token": _new_token()}
    )
    return feed


def regenerate_feed(specialist) -> CalendarFeed:
    """A new secret address; the old one stops working at once (404)."""
    with transaction.atomic():
        feed = feed_for(specialist)
        feed.token = _new_token()
        feed.save()
    return feed


def _first_name(client) -> str:
    if client is None:
        return ""
    return (client.name or "").split()[0] if client.name else ""


def _location(company) -> str:
    return ", ".join(part for part in (company.name, company.address, company.city) if part)


def render_feed(feed: CalendarFeed, now: datetime.datetime | None = None) -> bytes:
    """The feed's calendar as bytes. Four queries whatever the number of records."""
    now = now or timezone.now()
    since, until = now - datetime.timedelta(days=DAYS_BACK), now + datetime.timedelta(days=DAYS_AHEAD)
    specialist = feed.specialist
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Frontdesk//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", specialist.name)

    records = (
        overlapping(
            Record.objects.filter(specialist=specialist, status__in=RecordStatus.HOLDING, group_event__isnull=True),
            since,
            until,
        )
        .select_related("client", "company")
        .prefetch_related(Prefetch("lines", queryset=RecordService.objects.select_related("service")))
        .order_by("start", "id")
    )
    for record in records:
        services = ", ".join(line.service.title for line in record.lines.all())
        name = _first_name(record.client)
        event = icalendar.Event()
        event.add("uid", f"record-{record.pk}@{UID_DOMAIN}")
        event.add("dtstamp", record.updated_at or now)
        event.add("dtstart", record.start.astimezone(datetime.UTC))
        event.add("dtend", record.end.astimezone(datetime.UTC))
        event.add("summary", f"{name} — {services}" if name and services else name or services or _("Record"))
        event.add("location", _location(record.company))
        if record.comment:
            event.add("description", record.comment)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)

    classes = with_seats(
        overlapping(
            GroupEvent.objects.filter(specialist=specialist, status=GroupEventStatus.SCHEDULED), since, until
        ).select_related("service", "company", "resource")
    ).order_by("start", "id")
    for group in classes:
        event = icalendar.Event()
        event.add("uid", f"class-{group.pk}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", group.start.astimezone(datetime.UTC))
        event.add("dtend", group.end.astimezone(datetime.UTC))
        event.add(
            "summary",
            _("%(service)s (class, %(taken)d of %(capacity)d places)")
            % {"service": group.service.title, "taken": group.seats_taken, "capacity": group.capacity},
        )
        location = _location(group.company)
        event.add("location", f"{location} — {group.resource.title}" if group.resource else location)
        calendar.add_component(event)
    return calendar.to_ical()
