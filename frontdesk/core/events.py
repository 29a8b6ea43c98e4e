"""Domain events: how a lower layer tells the layers above it what happened, without importing them.

A lower app declares its events in its own `signals.py`, one `DomainEvent` each with the names of
its payload and a docstring-like description; it sends them from the service that made the change.
A higher app listens in its `AppConfig.ready()`:

    from frontdesk.scheduling.signals import record_cancelled

    record_cancelled.listen(tell_the_client)                     # inside the sender's transaction
    record_cancelled.listen(post_a_webhook, after_commit=True)   # once it has committed

Two kinds of listener, chosen by the listener, not by the event:

- **inside the transaction** (the default): rows that must exist exactly when the change does —
  outbox messages, ledger operations, cached totals. The listener runs in the sender's
  transaction, in the order listeners were added; an exception rolls the whole change back.
- **after commit** (`after_commit=True`): anything that talks to the network or must not run for
  a change that rolls back. It runs once the outermost transaction commits (never, if it rolls
  back); an exception there is logged and does not undo the change.

The payload is checked against the declaration on every send: a missing or unknown name is a
programming error and raises `TypeError`, so a listener can rely on what the event promises.

Every event of the product is listed, with its payload and when it fires, in
`docs/extensions.md`; a test fails when a declared event is missing there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger("frontdesk.events")

_declared: dict[str, DomainEvent] = {}


class DomainEvent:
    """Something that happened in a lower layer, heard by higher ones."""

    def __init__(self, name: str, *, payload: tuple[str, ...], doc: str) -> None:
        if name in _declared:
            raise ValueError(f"The event {name!r} is declared twice.")
        self.name = name
        self.payload = tuple(payload)
        self.doc = doc
        self._listeners: dict[str, tuple[Callable[..., object], bool]] = {}
        _declared[name] = self

    def __repr__(self) -> str:
        return f"<DomainEvent {self.name}>"

    def listen(self, listener: Callable[..., object], *, after_commit: bool = False) -> Callable[..., object]:
        """Call `listener(**payload)` every time the event is sent. Adding the same function twice
        (a second `ready()` in tests) keeps one. Returns the listener, so it works as a decorator."""
        key = f"{listener.__module__}.{listener.__qualname__}"
        self._listeners[key] = (listener, after_commit)
        return listener

    def forget(self, listener: Callable[..., object]) -> None:
        """Stop calling `listener` (tests that check a path without one listener)."""
        self._listeners.pop(f"{listener.__module__}.{listener.__qualname__}", None)

    def listeners(self) -> list[tuple[Callable[..., object], bool]]:
        return list(self._listeners.values())

    def send(self, **payload) -> None:
        """Announce the event to its listeners (see the module's docstring for when each runs)."""
        given, declared = set(payload), set(self.payload)
        if given != declared:
            missing, unknown = sorted(declared - given), sorted(given - declared)
            raise TypeError(f"{self.name}: missing {missing}, unknown {unknown}")
        for listener, after_commit in list(self._listeners.values()):
            if after_commit:
                transaction.on_commit(_AfterCommit(self.name, listener, payload))
            else:
                listener(**payload)


class _AfterCommit:
    """One after-commit call of a listener, waiting in the transaction's on-commit list (where
    `waiting` finds it). `taken`: it ran, or `waiting` has handed out its payload."""

    def __init__(self, name: str, listener: Callable[..., object], payload: dict) -> None:
        self.name, self.listener, self.payload = name, listener, payload
        self.taken = False

    def __call__(self) -> None:
        self.taken = True
        try:
            self.listener(**self.payload)
        except Exception:  # the change is committed; a failing listener must not hide it
            logger.exception("A listener of %s failed after commit", self.name)


def waiting(listener: Callable[..., object]) -> list[dict]:
    """The payloads the after-commit `listener` will be called with when the current transaction
    commits (sent in it, on this thread's connection; none outside a transaction, where after-commit
    listeners run at once), oldest first — each returned once: a second call leaves out what the
    first returned. For a reader that must see, inside the same transaction, what the listener
    will bring up to date after it (the analytics overview's per-client facts). No query."""
    found = []
    for _savepoints, call, _robust in transaction.get_connection().run_on_commit:
        # A call that ran stays listed when a test ran it early (captureOnCommitCallbacks).
        if isinstance(call, _AfterCommit) and call.listener is listener and not call.taken:
            call.taken = True
            found.append(call.payload)
    return found


def declared_events() -> dict[str, DomainEvent]:
    """Every event declared so far (all of them once the apps are loaded), by name."""
    return dict(_declared)
