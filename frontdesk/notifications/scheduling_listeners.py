"""What the journal's events (`frontdesk/scheduling/signals.py`) cause in the outbox. Every
listener runs inside the transaction of the change (DESIGN.md invariant 5): the messages are
written with the booking, and are gone if it rolls back.

- booked: the visit's confirmation and reminders (outbox.visit_booked); a booking the client
  made online also tells the staff (events.tell_staff_of_online_booking);
- status changed: completed — the thank-you (events.visit_completed); cancelled — the visit's
  unsent confirmation is dropped or a "cancelled" message written (outbox.visit_cancelled);
  restored to booked or confirmed — confirmed again if it never was (outbox.visit_booked);
- moved to another time or specialist: a "changed" message (outbox.visit_changed);
- after any change of an existing record (status, move, client): the visit's reminders are
  brought in line (outbox.sync_reminders);
- a waiting-list offer: the "waiting list" message to the client (events.queue_event).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from frontdesk.notifications.events import queue_event, tell_staff_of_online_booking, visit_completed
from frontdesk.notifications.outbox import sync_reminders, visit_booked, visit_cancelled, visit_changed
from frontdesk.scheduling.models import RecordSource, RecordStatus
from frontdesk.scheduling.signals import (
    record_booked,
    record_client_changed,
    record_moved,
    record_status_changed,
    waitlist_offered,
)

ONLINE_SOURCES = (RecordSource.ONLINE, RecordSource.WIDGET, RecordSource.API)


def _booked(record) -> None:
    visit_booked(record)
    if record.source in ONLINE_SOURCES and record.status in RecordStatus.UPCOMING:
        tell_staff_of_online_booking(record)


def _status_changed(record, previous_status) -> None:
    if record.status == RecordStatus.COMPLETED:
        visit_completed(record)
    if record.status == RecordStatus.CANCELLED:
        visit_cancelled(record)
    elif record.status in RecordStatus.UPCOMING and previous_status not in RecordStatus.UPCOMING:
        visit_booked(record)  # restored: confirm again only if never confirmed
    sync_reminders(record.visit_id, record.company, record.client)


def _moved(record, previous_start, previous_specialist_id) -> None:
    if previous_start != record.start or previous_specialist_id != record.specialist_id:
        visit_changed(record)
    sync_reminders(record.visit_id, record.company, record.client)


def _client_changed(record, previous_client_id) -> None:
    sync_reminders(record.visit_id, record.company, record.client)


def _waitlist_offered(entry) -> None:
    """The offer goes through the outbox in the offer's transaction: sent once by the worker on
    the branch's channels, with the network's "waiting list" template, retried if the gateway is
    down, and seen in the message log."""
    local = entry.offered_start.astimezone(ZoneInfo(entry.company.timezone))
    queue_event(
        entry.company,
        entry.client,
        "waitlist_offer",
        {"service": entry.service.title, "date": f"{local:%d.%m.%Y}", "time": f"{local:%H:%M}"},
        f"{entry.pk}:{entry.offered_start.isoformat()}",
    )


def connect() -> None:
    """Called once, from NotificationsConfig.ready()."""
    record_booked.listen(_booked)
    record_status_changed.listen(_status_changed)
    record_moved.listen(_moved)
    record_client_changed.listen(_client_changed)
    waitlist_offered.listen(_waitlist_offered)
