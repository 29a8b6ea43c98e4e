"""What staff tells the modules above it: a branch's work schedule changed (analytics keeps the
scheduled minutes of its daily facts by it). See docs/extensions.md."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save

from frontdesk.core.events import DomainEvent
from frontdesk.staff.models import WorkInterval

schedule_changed = DomainEvent(
    "staff.schedule_changed",
    payload=("company", "specialist_ids", "dates"),
    doc=(
        "Sent inside the transaction that wrote a branch's working intervals: company, "
        "specialist_ids and dates (the local dates whose intervals were replaced, added or deleted)."
    ),
)


def announce(company, specialist_ids: Iterable[int], dates: Iterable) -> None:
    """Send `schedule_changed`; the services' bulk writes (`services.set_days`) call this, since a
    bulk insert and a raw delete send no model signals."""
    dates = sorted(set(dates))
    if dates:
        schedule_changed.send(company=company, specialist_ids=sorted(set(specialist_ids)), dates=dates)


def _interval_changed(sender, instance, raw=False, **kwargs):
    # A single interval saved or deleted outside the services (the admin, test factories, a
    # cascade from a deleted specialist): the model's own signal is the one place that sees them.
    if not raw:
        announce(instance.company, [instance.specialist_id], [instance.date])


def connect() -> None:
    """Called once, from StaffConfig.ready()."""
    post_save.connect(_interval_changed, sender=WorkInterval, dispatch_uid="staff_interval_saved")
    post_delete.connect(_interval_changed, sender=WorkInterval, dispatch_uid="staff_interval_deleted")
