"""The waiting list («лист ожидания»): clients who want a service, maybe with a given specialist,
in a window of days and hours. When a record or a class gives its time back (cancelled, moved
away), the oldest matching entry that now fits is offered that time: the offer is announced
(`scheduling.waitlist_offered`) in its transaction, and the notifications app writes the message
to the client into its outbox (SMS, or the branch's other channels).

The offer is a suggestion, not a hold: the time stays free for anyone until the administrator
books it for the client (`book_offer`), which goes through `book_visit` like every booking.
"""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Query, Segment, ServiceUnavailable, find_slots, to_minute
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import Record, RecordSource, WaitlistEntry, WaitlistStatus
from frontdesk.scheduling.services import book_visit
from frontdesk.scheduling.signals import waitlist_offered

logger = logging.getLogger("frontdesk.waitlist")

# How many waiting entries one freed time is tried against (oldest first).
MAX_CANDIDATES = 50


def add_entry(
    *,
    company,
    client,
    service,
    date_from: datetime.date,
    date_to: datetime.date,
    specialist=None,
    time_from: datetime.time | None = None,
    time_to: datetime.time | None = None,
    comment: str = "",
) -> WaitlistEntry:
    """Put a client on the waiting list of this branch."""
    if service.company_id != company.pk or service.is_archived:
        raise ValidationError(_("This service cannot be booked here."))
    if specialist is not None and not specialist.companies.filter(pk=company.pk).exists():
        raise ValidationError(_("This specialist does not work in this branch."))
    if date_to < date_from:
        raise ValidationError(_("The last day must not be before the first day."))
    if date_to < timezone.now().astimezone(ZoneInfo(company.timezone)).date():
        raise ValidationError(_("These dates have already passed."))
    if time_from and time_to and time_to <= time_from:
        raise ValidationError(_("“Not later than” must be after “not earlier than”."))
    return WaitlistEntry.objects.create(
        company=company,
        chain_id=company.chain_id,
        client=client,
        service=service,
        specialist=specialist,
        date_from=date_from,
        date_to=date_to,
        time_from=time_from,
        time_to=time_to,
        comment=comment.strip(),
    )


def offer_freed_time(
    record: Record,
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    specialist_id: int | None = None,
) -> WaitlistEntry | None:
    """Called after a record gave its time back (by default its own block; a moved record
    passes where it was). Never raises: the change that freed the time is already committed."""
    return offer_freed_span(
        record.company,
        specialist_id or record.specialist_id,
        start or record.block_start,
        end or record.block_end,
    )


def offer_freed_span(company, specialist_id: int, start: datetime.datetime, end: datetime.datetime):
    try:
        with scope(company.chain_id):
            return _offer(company, specialist_id, start, end)
    except Exception:  # the caller's change is committed; a failed offer must not turn it into an error
        logger.exception("Could not offer freed time of specialist %s to the waiting list", specialist_id)
        return None


def _fitting_start(entry: WaitlistEntry, specialist_id: int, start, end, tz) -> datetime.datetime | None:
    """The earliest free start for the entry's service with this specialist that uses some of
    the freed time and lies in the entry's hours."""
    day_from = start.astimezone(tz).date()
    day_to = (end - datetime.timedelta(seconds=1)).astimezone(tz).date()
    day_from, day_to = max(day_from, entry.date_from), min(day_to, entry.date_to)
    if day_to < day_from:
        return None
    try:
        slots = find_slots(
            Query(
                company=entry.company,
                segments=[Segment(entry.service_id, specialist_id)],
                date_from=day_from,
                date_to=day_to,
            )
        )
    except ServiceUnavailable:
        return None
    low, high = to_minute(start), to_minute(end)
    # The freed time itself first (a start inside it), then starts that only overlap it.
    overlapping = [slot for slot in slots if slot.start < high and low < slot.end]
    overlapping.sort(key=lambda slot: (not (low <= slot.start and slot.end <= high), slot.start))
    for slot in overlapping:
        local_start = slot.start_at.astimezone(tz)
        local_end = datetime.datetime.fromtimestamp(slot.end * 60, tz=tz)
        if entry.time_from and local_start.time() < entry.time_from:
            continue
        if entry.time_to and (local_end.date() > local_start.date() or local_end.time() > entry.time_to):
            continue
        return slot.start_at
    return None


def _offer(company, specialist_id, start, end) -> WaitlistEntry | None:
    tz = ZoneInfo(company.timezone)
    if end <= timezone.now():
        return None
    first_day = start.astimezone(tz).date()
    last_day = (end - datetime.timedelta(seconds=1)).astimezone(tz).date()
    entries = WaitlistEntry.objects.filter(
        Q(specialist_id=specialist_id) | Q(specialist__isnull=True),
        company=company,
        status=WaitlistStatus.WAITING,
        date_from__lte=last_day,
        date_to__gte=first_day,
    )
    for entry in entries.select_related("company", "client", "service").order_by("created_at", "id")[:MAX_CANDIDATES]:
        offered = _fitting_start(entry, specialist_id, start, end, tz)
        if offered is None:
            continue
        with transaction.atomic():
            # The branch's, client's and service's rows too: an offer queues behind the changes
            # of the branch's records, which lock the branch's row.
            entry = lock_row(
                WaitlistEntry.objects.select_related("company", "client", "service"),
                entry.pk,
                of=("self", "company", "client", "service"),
            )
            if entry.status != WaitlistStatus.WAITING:
                continue  # someone else offered or cancelled it meanwhile
            entry.status = WaitlistStatus.OFFERED
            entry.offered_start = offered
            entry.offered_at = timezone.now()
            entry.save()
            log_action(entry, code="waitlist.offered", changes={"offered_start": offered.isoformat()})
            waitlist_offered.send(entry=entry)
        return entry
    return None


def book_offer(entry: WaitlistEntry, *, created_by=None) -> list[Record]:
    """Book the offered time for the client in one click. If the time was taken meanwhile the
    entry goes back to waiting and BookingError explains why."""
    with transaction.atomic():
        # The branch's and the client's rows too: the booking queues behind the changes of the
        # branch's records, which lock the branch's row.
        entry = lock_row(
            WaitlistEntry.objects.select_related("company", "client"), entry.pk, of=("self", "company", "client")
        )
        if entry.status != WaitlistStatus.OFFERED or entry.offered_start is None:
            raise ValidationError(_("This entry has no offered time to book."))
        try:
            records = book_visit(
                company=entry.company,
                segments=[Segment(entry.service_id, entry.specialist_id)],
                start=entry.offered_start,
                client=entry.client,
                source=RecordSource.ADMIN,
                comment=entry.comment,
                created_by=created_by,
            )
        except BookingError:
            # The entry waits again (committed), and the caller shows why the time is gone.
            entry.status = WaitlistStatus.WAITING
            entry.offered_start = None
            entry.save()
            taken = True
        else:
            taken = False
            entry.status = WaitlistStatus.BOOKED
            entry.save()
    if taken:
        raise BookingError("slot_taken")
    return records


def cancel_entry(entry: WaitlistEntry) -> WaitlistEntry:
    with transaction.atomic():
        entry = lock_row(WaitlistEntry.objects, entry.pk)
        if entry.status in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
            entry.status = WaitlistStatus.CANCELLED
            entry.save()
        return entry
