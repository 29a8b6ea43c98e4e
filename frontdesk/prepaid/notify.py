"""“Expiring soon” messages (`certificate_expiring`, `abonement_expiring`) through the
notifications module's event queue. The expiry itself never depends on a message being sent."""

from __future__ import annotations

from frontdesk.notifications.events import queue_event


def notify(company, client, event_code: str, context: dict, idempotency_key: str) -> bool:
    """Queue one message for the client (in the caller's transaction); False when there is nobody
    to tell. The queue writes one message per key, however often the daily run asks."""
    if client is None:
        return False
    queue_event(company, client, event_code, context, idempotency_key)
    return True
