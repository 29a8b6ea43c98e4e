"""What tenancy tells the modules above it: a new network exists (finance gives it its default
payment items, notifications its message templates); a branch moved to another time zone
(analytics re-dates its daily facts). See docs/extensions.md."""

from django.db.models.signals import post_init, post_save

from frontdesk.core.events import DomainEvent
from frontdesk.tenancy.models import Chain, Company

chain_created = DomainEvent(
    "tenancy.chain_created",
    payload=("chain",),
    doc=(
        "Sent right after a network's row is inserted, in the transaction that inserts it (sign-up "
        "runs in one): chain. A listener gives the new network what every network starts with, "
        "in the same transaction."
    ),
)

company_zone_changed = DomainEvent(
    "tenancy.company_zone_changed",
    payload=("company", "previous_timezone"),
    doc=(
        "Sent inside the transaction that saved a branch with another time zone: company (saved), "
        "previous_timezone. Every local date of the branch's past moments may have moved."
    ),
)


def _chain_saved(sender, instance, created=False, raw=False, **kwargs):
    # Networks are created by sign-up, the demo data and test factories with a plain
    # Chain.objects.create(); the model's own post_save is the one place that sees them all,
    # so tenancy translates it here and nobody above listens to the model itself. Fixtures
    # (raw) bring their rows with them.
    if created and not raw:
        chain_created.send(chain=instance)


def _company_loaded(sender, instance, **kwargs):
    instance._tenancy_zone_was = instance.__dict__.get("timezone")


def _company_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    # The settings form, the admin and the tests all save the model: its post_save sees them all.
    if update_fields is not None and "timezone" not in update_fields:
        return
    was = getattr(instance, "_tenancy_zone_was", None)
    instance._tenancy_zone_was = instance.timezone
    if created or raw or was is None or was == instance.timezone:
        return
    company_zone_changed.send(company=instance, previous_timezone=was)


def connect() -> None:
    """Announce every new network and every branch's change of time zone (TenancyConfig.ready)."""
    post_save.connect(_chain_saved, sender=Chain, dispatch_uid="tenancy_chain_created")
    post_init.connect(_company_loaded, sender=Company, dispatch_uid="tenancy_company_remember")
    post_save.connect(_company_saved, sender=Company, dispatch_uid="tenancy_company_zone")
