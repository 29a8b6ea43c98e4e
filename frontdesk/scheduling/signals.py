"""What the journal announces to the layers above it (notifications, payments, loyalty, analytics):
a record booked, moved, its status or client changed, its service lines changed, deleted, and a
waiting-list offer made. Each is a `frontdesk.core.events.DomainEvent`; docs/extensions.md lists
them with their payloads and listeners.

Every record event is sent from ONE place, below: the `Record` and `RecordService` model signals,
turned into events here. A record changes along many paths — the journal's services, online
booking, the API, classes, series, the waiting list, checkout, the demo data, the test factories
— and not all of them go through a service, but all of them save the model. So a listener hears
every change, in the transaction of the save, without knowing the paths. Nobody outside this app
connects to the model signals of `Record` or `RecordService`. A queryset `update()` sends no model
signal, so it sends no event: the code that moves records that way (the client merge) announces
its own event.

A save that changes several things sends one event for each, in this order: status, moved,
client. A save that changes none of them (a comment, the prepayment flag) sends nothing.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save

from frontdesk.core.events import DomainEvent
from frontdesk.scheduling.models import Record, RecordService

record_booked = DomainEvent(
    "scheduling.record_booked",
    payload=("record",),
    doc="A record was created (booked in the journal, online, by the API, a class place, a series).",
)
record_moved = DomainEvent(
    "scheduling.record_moved",
    payload=("record", "previous_start", "previous_specialist_id"),
    doc="A record's start, end, specialist or visit changed (dragged, resized, given other services).",
)
record_status_changed = DomainEvent(
    "scheduling.record_status_changed",
    payload=("record", "previous_status"),
    doc="A record's status changed: confirmed, arrived, completed, no-show, cancelled, restored.",
)
record_client_changed = DomainEvent(
    "scheduling.record_client_changed",
    payload=("record", "previous_client_id"),
    doc="A record was given to another client (or to none).",
)
record_lines_changed = DomainEvent(
    "scheduling.record_lines_changed",
    payload=("line",),
    doc="A service line of a record was added, deleted, or changed its service, price or record.",
)
record_deleted = DomainEvent(
    "scheduling.record_deleted",
    payload=("record",),
    doc="A record was deleted (the instance as it was; the row is gone).",
)
waitlist_offered = DomainEvent(
    "scheduling.waitlist_offered",
    payload=("entry",),
    doc="A waiting-list entry was offered a freed time (`entry.offered_start`).",
)


# ---------------------------------------------------------------- model saves -> events
# The record's values as loaded (or as last saved), to tell what a save changed.
RECORD_FIELDS = ("status", "start", "end", "specialist_id", "visit_id", "client_id")
MOVE_FIELDS = {"start", "end", "specialist_id", "visit_id"}
# A line save that changes only its time or length is part of a move: not a change of what was sold.
LINE_FIELDS = {"service", "service_id", "price", "record", "record_id"}


def _remember(sender, instance, **kwargs):
    # Deferred fields are missing from __dict__: read as None, so a save of them counts as a change.
    instance._scheduling_was = {name: instance.__dict__.get(name) for name in RECORD_FIELDS}


def _saved_fields(update_fields) -> tuple[str, ...]:
    if update_fields is None:
        return RECORD_FIELDS
    named = set(update_fields)
    return tuple(name for name in RECORD_FIELDS if name in named or name.removesuffix("_id") in named)


def _record_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:  # fixtures: the row is loaded, nothing happened
        return
    was = getattr(instance, "_scheduling_was", {})
    saved = _saved_fields(update_fields)
    changed = {name for name in saved if was.get(name) != getattr(instance, name)}
    instance._scheduling_was = {**was, **{name: getattr(instance, name) for name in saved}}
    if created:
        record_booked.send(record=instance)
        return
    if "status" in changed:
        record_status_changed.send(record=instance, previous_status=was.get("status"))
    if changed & MOVE_FIELDS:
        record_moved.send(
            record=instance, previous_start=was.get("start"), previous_specialist_id=was.get("specialist_id")
        )
    if "client_id" in changed:
        record_client_changed.send(record=instance, previous_client_id=was.get("client_id"))


def _record_deleted(sender, instance, **kwargs):
    record_deleted.send(record=instance)


def _line_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not LINE_FIELDS & set(update_fields)):
        return
    record_lines_changed.send(line=instance)


def _line_deleted(sender, instance, **kwargs):
    record_lines_changed.send(line=instance)


def connect() -> None:
    """Called once, from SchedulingConfig.ready()."""
    post_init.connect(_remember, sender=Record, dispatch_uid="scheduling_record_remember")
    post_save.connect(_record_saved, sender=Record, dispatch_uid="scheduling_record_saved")
    post_delete.connect(_record_deleted, sender=Record, dispatch_uid="scheduling_record_deleted")
    post_save.connect(_line_saved, sender=RecordService, dispatch_uid="scheduling_line_saved")
    post_delete.connect(_line_deleted, sender=RecordService, dispatch_uid="scheduling_line_deleted")
