"""The rows a booking queues on. Every change that places a record or a class in time — a new
booking, a move, a change of services, a class — locks them through here, so all of them take
the same rows in the same order: specialists, then resources, each table in primary-key order
(`frontdesk.core.locking`), and two bookings can never wait for each other in a circle."""

from __future__ import annotations

from django.db.models import QuerySet

from frontdesk.core.locking import lock_keys


def queue_bookings(specialists: QuerySet, resources: QuerySet | None = None) -> None:
    """Queue concurrent bookings of the same specialists and resources behind each other on
    PostgreSQL; its exclusion constraint stays the last line of defence for the specialists'
    time. SQLite needs nothing: the transaction began with the write lock, and the querysets are
    not even run there."""
    lock_keys(specialists)
    if resources is not None:
        lock_keys(resources)
