"""“Expiring soon” messages through the notifications module's event queue.

The queue (`queue_event(company, client, event_code, context, idempotency_key)`, events
`certificate_expiring` and `abonement_expiring`) is being added to frontdesk.notifications by
another branch. Until it is there, this adapter finds nothing and does nothing: the expiry itself
never depends on a message being sent."""

from __future__ import annotations

import importlib

# Where the queue may live once it lands; the first module that has it wins.
_CANDIDATES = (
    "frontdesk.notifications.events",
    "frontdesk.notifications.services",
    "frontdesk.notifications.outbox",
)


def _queue_event():
    for name in _CANDIDATES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        queue = getattr(module, "queue_event", None)
        if callable(queue):
            return queue
    return None


def notify(company, client, event_code: str, context: dict, idempotency_key: str) -> bool:
    """Queue one message; False when the notifications module cannot queue events (yet)."""
    queue = _queue_event()
    if queue is None or client is None:
        return False
    queue(company, client, event_code, context, idempotency_key)
    return True
