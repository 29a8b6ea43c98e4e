"""What tenancy tells the modules above it: a new network exists (finance gives it its default
payment items, notifications its message templates). See docs/extensions.md."""

from django.db.models.signals import post_save

from frontdesk.core.events import DomainEvent
from frontdesk.tenancy.models import Chain

chain_created = DomainEvent(
    "tenancy.chain_created",
    payload=("chain",),
    doc=(
        "Sent right after a network's row is inserted, in the transaction that inserts it (sign-up "
        "runs in one): chain. A listener gives the new network what every network starts with, "
        "in the same transaction."
    ),
)


def _chain_saved(sender, instance, created=False, raw=False, **kwargs):
    # Networks are created by sign-up, the demo data and test factories with a plain
    # Chain.objects.create(); the model's own post_save is the one place that sees them all,
    # so tenancy translates it here and nobody above listens to the model itself. Fixtures
    # (raw) bring their rows with them.
    if created and not raw:
        chain_created.send(chain=instance)


def connect() -> None:
    """Announce every new network (TenancyConfig.ready)."""
    post_save.connect(_chain_saved, sender=Chain, dispatch_uid="tenancy_chain_created")
