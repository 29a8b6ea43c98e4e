"""Base classes for every business model, and the event log they all write to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.context import Source
from frontdesk.core.scopes import ScopedManager


class AuditedModel(models.Model):
    """A model whose creates, changes and deletes are written to the event log (core.audit)."""

    # Fields never copied into the event log, in any model.
    AUDIT_EXCLUDE: tuple[str, ...] = ("updated_at", "password")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember what was loaded, so that a later save can tell what it changed.
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance


class ChainScopedModel(AuditedModel):
    """Business data of one chain (network). The chain is the tenancy and distribution key."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+", verbose_name=_("network"))

    objects = ScopedManager()
    # Plain manager for code that has already proved access (e.g. the middleware resolving a URL).
    unscoped = models.Manager()

    class Meta:
        abstract = True


class CompanyScopedModel(ChainScopedModel):
    """Business data of one branch; carries the chain too, so that tenancy stays one filter."""

    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.company_id and not self.chain_id:
            self.chain_id = self.company.chain_id
        super().save(*args, **kwargs)


class EventAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    OTHER = "other", _("Action")


class Event(models.Model):
    """One line of the event log («События»): who did what to which object, when and from where."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "tenancy.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("branch")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.SYSTEM)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=EventAction.choices)
    # A dotted code for actions that are not a plain create/change/delete, e.g. "record.overbooked".
    code = models.CharField(max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=64, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["chain", "-created_at"]),
            models.Index(fields=["chain", "object_type", "object_id"]),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the task worker")
    CHECKING = "checking", _("Checking the file")
    CHECKED = "checked", _("Checked")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(CompanyScopedModel):
    """A large spreadsheet import run by the task worker (`core.spreadsheets.background`): the
    file, which importer reads it, how far it has got, and the dry run's verdict."""

    kind = models.CharField(_("what is imported"), max_length=40)
    filename = models.CharField(_("file"), max_length=200)
    data = models.BinaryField()
    options = models.JSONField(_("import options"), default=dict)  # the importer's own choices made with the upload
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    # The dry run: counts, and the bad rows as [number, label, [reasons]] (the first ones only).
    result = models.JSONField(default=dict)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_EXCLUDE = ("updated_at", "data", "result", "percent")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("file import")
        verbose_name_plural = _("file imports")

    def __str__(self):
        return self.filename

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.APPLYING)


class RateCounter(models.Model):
    """One fixed window of one rate limit (core.ratelimit), kept in the database so that every
    worker process and every app server counts the same hits. Not tenant data: the key already
    says whose hits they are (an address, a token hash, a phone)."""

    key = models.CharField(max_length=255, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    # Unix time after which the window is over and the row may be deleted.
    expires_at = models.FloatField(db_index=True)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")

    def __str__(self):
        return f"{self.key}: {self.hits}"
