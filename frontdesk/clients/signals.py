"""What the client base announces to the layers above it. Each is a
`frontdesk.core.events.DomainEvent`; docs/extensions.md lists them with their payloads and
listeners."""

from __future__ import annotations

from frontdesk.core.events import DomainEvent

client_merged = DomainEvent(
    "clients.client_merged",
    payload=("client", "merged_client_id"),
    doc="A duplicate card was merged into `client` and deleted; every row that pointed to it now "
    "points to `client`, moved with queryset updates (which send no model signals).",
)
