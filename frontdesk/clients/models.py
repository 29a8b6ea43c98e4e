"""The network's client base. One person, one card: the phone (E.164) is the identity."""

import datetime
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.files import RASTER_TYPES
from frontdesk.core.models import ChainScopedModel
from frontdesk.core.money import MoneyField
from frontdesk.core.phones import format_phone

# Uploads on a client card: photos before/after, signed contracts, scans.
MAX_FILE_SIZE = 10 * 1024 * 1024


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Importance(models.TextChoices):
    """VIP statuses, as in YCLIENTS: none, bronze, silver, gold."""

    NONE = "", _("No status")
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


class ClientSource(models.TextChoices):
    """How the client found us."""

    UNKNOWN = "", _("Not known")
    RECOMMENDATION = "recommendation", _("Recommendation")
    WALK_IN = "walk_in", _("Walked by")
    INTERNET = "internet", _("Internet search")
    SOCIAL = "social", _("Social networks")
    MAPS = "maps", _("Maps")
    ADVERTISING = "advertising", _("Advertising")
    ONLINE_BOOKING = "online_booking", _("Online booking")
    OTHER = "other", _("Other")


class ClientCategory(ChainScopedModel):
    """A label a client may carry («категория клиента»), shown in its colour."""

    title = models.CharField(_("title"), max_length=80)
    colour = models.CharField(_("colour"), max_length=7, default="#6d28d9")

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("client category")
        verbose_name_plural = _("client categories")
        constraints = [models.UniqueConstraint(fields=["chain", "title"], name="client_category_title_unique")]

    def __str__(self):
        return self.title


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice from a list")


class CustomField(ChainScopedModel):
    """A field of the client card that the network adds for itself (e.g. «Тип кожи»). Values are
    kept in `Client.custom` under the field's `key` and validated against this definition."""

    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=80)
    kind = models.CharField(_("type"), max_length=8, choices=FieldKind.choices, default=FieldKind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [models.UniqueConstraint(fields=["chain", "key"], name="client_custom_field_key_unique")]

    def __str__(self):
        return self.label


class Client(ChainScopedModel):
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Lower-cased name for search: SQLite's LIKE folds case for ASCII only, not for Cyrillic.
    name_search = models.CharField(max_length=150, blank=True, editable=False)
    extra_phones = models.JSONField(_("additional phones"), default=list, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    # month * 100 + day, so that "birthdays from 20 Dec to 10 Jan" is an indexable range query.
    birthday_md = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    categories = models.ManyToManyField(
        ClientCategory, blank=True, related_name="clients", verbose_name=_("categories")
    )
    importance = models.CharField(_("importance"), max_length=8, choices=Importance.choices, blank=True)
    discount = models.DecimalField(
        _("personal discount, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(_("source"), max_length=16, choices=ClientSource.choices, blank=True)
    source_note = models.CharField(_("source, details"), max_length=150, blank=True)
    referrer = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("recommended by"),
    )
    sms_consent = models.BooleanField(_("agrees to SMS marketing"), default=False)
    email_consent = models.BooleanField(_("agrees to email marketing"), default=False)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    # What an import from another system said about the history there (not our own records).
    imported_visits = models.PositiveIntegerField(_("visits before Frontdesk"), default=0)
    imported_spend = MoneyField(_("spend before Frontdesk"), default=0)
    erased_at = models.DateTimeField(_("erased on request"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            # The database, not a check in Python, keeps two cards from sharing a phone: two
            # bookings racing with the same number end up on one card.
            models.UniqueConstraint(fields=["chain", "phone"], condition=~Q(phone=""), name="client_phone_unique"),
        ]
        indexes = [
            models.Index(fields=["chain", "name"]),
            models.Index(fields=["chain", "name_search"], name="client_chain_name_search"),
            models.Index(fields=["chain", "email"], name="client_chain_email"),
            models.Index(fields=["chain", "birthday_md"], name="client_chain_birthday_md"),
        ]

    def __str__(self):
        return self.name or format_phone(self.phone)

    def save(self, *args, **kwargs):
        self.name_search = (self.name or "").lower()
        self.birthday_md = self.birthday.month * 100 + self.birthday.day if self.birthday else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_search", "birthday_md"}
        loaded = getattr(self, "_loaded_values", {})
        if "name_search" in loaded and loaded["name_search"] == self.name_search and loaded.get("name") == self.name:
            super().save(*args, **kwargs)
            return
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            write_words(self, replace=not adding)
        self._loaded_values = {**loaded, "name": self.name, "name_search": self.name_search}

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


def _private_storage():
    # Client files are personal data: kept outside MEDIA_ROOT (which the embedded set-up serves
    # to anyone) and handed out only by a view that checks access to the card.
    root = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.MEDIA_ROOT).parent / "private"
    return FileSystemStorage(location=root)


def _client_file_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:10]
    return f"clients/{instance.chain_id}/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class FileKind(models.TextChoices):
    BEFORE = "before", _("Photo before")
    AFTER = "after", _("Photo after")
    CONTRACT = "contract", _("Contract")
    OTHER = "other", _("Other")


class ClientFile(ChainScopedModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="files", verbose_name=_("client"))
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices, default=FileKind.OTHER)
    title = models.CharField(_("title"), max_length=150, blank=True)
    file = models.FileField(_("file"), upload_to=_client_file_path, storage=_private_storage, max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("client file")
        verbose_name_plural = _("client files")

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def is_image(self) -> bool:
        """A picture shown as a thumbnail: the type save_file found in the content (files kept
        before it did are checked again when served, by core.files)."""
        return self.content_type in RASTER_TYPES.values()


class ClientNote(ChainScopedModel):
    """A comment staff leave on the card's timeline («комментарий к клиенту»)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes", verbose_name=_("client"))
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("comment on a client")
        verbose_name_plural = _("comments on clients")

    def __str__(self):
        return self.text[:60]


class Segment(ChainScopedModel):
    """A saved filter of the client list («сегмент»): the list's query parameters with a name."""

    name = models.CharField(_("name"), max_length=100)
    params = models.JSONField(_("filters"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="client_segment_name_unique")]

    def __str__(self):
        return self.name


class ImportStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    UPLOADED = "uploaded", _("Uploaded")
    CHECKED = "checked", _("Checked")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")


class DuplicatePolicy(models.TextChoices):
    UPDATE = "update", _("Update the existing card")
    SKIP = "skip", _("Skip the row")


class ClientImport(ChainScopedModel):
    """One import of a client file: the parsed rows, the column mapping and how far it has got.
    Rows are imported in chunks, so a large file shows progress and can be resumed."""

    filename = models.CharField(max_length=200)
    headers = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # column index (str) -> target field
    on_duplicate = models.CharField(
        _("when the phone is already in the base"),
        max_length=8,
        choices=DuplicatePolicy.choices,
        default=DuplicatePolicy.UPDATE,
    )
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    position = models.PositiveIntegerField(default=0)  # rows done
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [[row number, reason], ...]
    # Index in `rows` (as str) -> why some cells of that row could not be read; such a row is bad.
    unreadable = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_EXCLUDE = ("updated_at", "password", "rows", "headers", "errors")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def percent(self) -> int:
        return int(100 * self.position / self.total) if self.total else 100


class ClientStats(models.Model):
    """A cache of each client's totals from our own records, so that the list can filter and sort
    by them through indexes instead of adding up two million records on every page.

    Kept in the same transaction as the change by the journal, which owns the records
    (`frontdesk.scheduling.client_stats`: its record events and `clients.client_merged`), and
    checked by `manage.py verify_client_stats`.
    Not a business record of its own: no event log, no scoped manager (read through `Client`)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    visits = models.PositiveIntegerField(default=0)  # completed visits
    no_shows = models.PositiveIntegerField(default=0)
    spend = MoneyField(default=0)  # the lines of completed records
    first_visit = models.DateTimeField(null=True)
    last_visit = models.DateTimeField(null=True)
    interval_days = models.FloatField(null=True)  # mean gap between visits
    # When a regular counts as lost (the one rule: clients/lost.py).
    lost_after = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["chain", "visits"], name="client_stats_visits"),
            models.Index(fields=["chain", "spend"], name="client_stats_spend"),
            models.Index(fields=["chain", "last_visit"], name="client_stats_last_visit"),
            models.Index(fields=["chain", "lost_after"], name="client_stats_lost_after"),
        ]

    def __str__(self):
        return f"{self.client_id}: {self.visits}"


class ClientWord(models.Model):
    """Each word of a client's lower-cased name, so that "starts with" search reads an index in
    order: the first ten clients with a word beginning "попов" are the first ten entries of the
    range, however many thousand Popovs the network has (`selectors.quick_search`).

    Rewritten by `Client.save` when the name changes; code that bulk-creates clients writes their
    words too (migration 0009, bench/clients.py).
    On PostgreSQL the word column is collated "C" (migration 0009), so that the range and the
    order are by code point, as on SQLite. Not a business record: read through `Client`."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="words")
    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+", db_index=False)
    word = models.CharField(max_length=150)
    name = models.CharField(max_length=150)  # the client's name, to list a word's clients by name

    class Meta:
        indexes = [models.Index(fields=["chain", "word", "name", "client"], name="client_word_lookup")]

    def __str__(self):
        return self.word


def name_words(name_search: str) -> list[str]:
    """The distinct words of a lower-cased name, in order."""
    return list(dict.fromkeys(name_search.split()))


def write_words(client: Client, *, replace: bool = True) -> None:
    if replace:
        ClientWord.objects.filter(client_id=client.pk).delete()
    ClientWord.objects.bulk_create(
        ClientWord(client_id=client.pk, chain_id=client.chain_id, word=word, name=client.name)
        for word in name_words(client.name_search)
    )
