"""The loyalty events for the notifications module: bonus accrued, status changed, bonuses
expiring soon.

The notifications module's `queue_event(company, client, event_code, context, idempotency_key)`
arrives from another branch of work; until it is there this adapter does nothing, so loyalty
works either way. It is called inside the transaction of the change, so the message (written to
the outbox) exists exactly when the change does."""

from __future__ import annotations

import importlib
import logging

logger = logging.getLogger(__name__)

BONUS_ACCRUED = "loyalty_bonus_accrued"
STATUS_CHANGED = "loyalty_status_changed"
EXPIRING = "loyalty_expiring"

_MODULES = ("frontdesk.notifications.events", "frontdesk.notifications.services", "frontdesk.notifications")


def _queue_event():
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, "queue_event", None)
        if callable(function):
            return function
    return None


def notify(company, client, event_code: str, context: dict, idempotency_key: str) -> bool:
    """Queue the event if the notifications module can take it; True when it was handed over."""
    queue_event = _queue_event()
    if queue_event is None or client is None or company is None:
        return False
    queue_event(company, client, event_code, context, idempotency_key)
    return True
