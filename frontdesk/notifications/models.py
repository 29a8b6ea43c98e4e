"""Notifications: how each network or branch reaches its clients (channel settings), what it says
(templates per event, channel and language) and every message it sends (the outbox).

The outbox (`Message`) is the source of truth: a row is written in the same transaction as the
change that causes it, and the worker (worker.py) delivers it. Messages are not written to the
event log: they have their own log, and a mass of reminders would drown the changes people made.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel, CompanyScopedModel
from frontdesk.core.money import MoneyField
from frontdesk.core.scopes import ScopedManager
from frontdesk.core.siteurl import current_base_url


class ChannelKind(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    TELEGRAM = "telegram", _("Telegram")


class SmsProvider(models.TextChoices):
    SYSTEM = "system", _("Server default (console or test adapter)")
    SMSRU = "smsru", "SMS.ru"
    SMSC = "smsc", "SMSC.ru"


class MessageEvent(models.TextChoices):
    BOOKED = "booked", _("Booking created")
    CHANGED = "changed", _("Booking changed")
    CANCELLED = "cancelled", _("Booking cancelled")
    REMINDER = "reminder", _("Reminder before the visit")
    THANKS = "thanks", _("Thank you and review request")
    BIRTHDAY = "birthday", _("Birthday greeting")
    WINBACK = "winback", _("Win-back of a lost client")
    STAFF_BOOKED = "staff_booked", _("Online booking (to the staff)")
    WAITLIST_OFFER = "waitlist_offer", _("Waiting list: a time has freed up")
    LOYALTY_BONUS_ACCRUED = "loyalty_bonus_accrued", _("Loyalty: bonuses accrued")
    LOYALTY_STATUS_CHANGED = "loyalty_status_changed", _("Loyalty: status changed")
    LOYALTY_EXPIRING = "loyalty_expiring", _("Loyalty: bonuses expiring")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
    ABONEMENT_EXPIRING = "abonement_expiring", _("Abonement expiring")
    MAILING = "mailing", _("Mass mailing")
    NOTICE = "notice", _("Service notice about a booking")
    TEST = "test", _("Test message")
    REPORT = "report", _("Scheduled report (to the staff)")


# The events a template exists for (a test message and a mailing carry their own text).
TEMPLATE_EVENTS = [
    MessageEvent.BOOKED,
    MessageEvent.CHANGED,
    MessageEvent.CANCELLED,
    MessageEvent.REMINDER,
    MessageEvent.THANKS,
    MessageEvent.BIRTHDAY,
    MessageEvent.WINBACK,
    MessageEvent.STAFF_BOOKED,
    MessageEvent.WAITLIST_OFFER,
    MessageEvent.LOYALTY_BONUS_ACCRUED,
    MessageEvent.LOYALTY_STATUS_CHANGED,
    MessageEvent.LOYALTY_EXPIRING,
    MessageEvent.CERTIFICATE_EXPIRING,
    MessageEvent.ABONEMENT_EXPIRING,
]
# Marketing: sent only to clients who agreed to marketing on the channel (the card's consent
# boxes; an email carries an unsubscribe link). Everything else is a service message: it
# follows the booking and stops only when the client opted out of the channel altogether.
MARKETING_EVENTS = frozenset({MessageEvent.MAILING, MessageEvent.BIRTHDAY, MessageEvent.WINBACK})
# Events other code raises with `queue_event` (loyalty, the waiting list): no visit behind them,
# their variables come with the call.
CALLED_EVENTS = frozenset(
    {
        MessageEvent.WAITLIST_OFFER,
        MessageEvent.LOYALTY_BONUS_ACCRUED,
        MessageEvent.LOYALTY_STATUS_CHANGED,
        MessageEvent.LOYALTY_EXPIRING,
        MessageEvent.CERTIFICATE_EXPIRING,
        MessageEvent.ABONEMENT_EXPIRING,
    }
)
# Events about a visit (the template sees the visit's date, time, specialist…).
VISIT_EVENTS = frozenset(
    {
        MessageEvent.BOOKED,
        MessageEvent.CHANGED,
        MessageEvent.CANCELLED,
        MessageEvent.REMINDER,
        MessageEvent.THANKS,
        MessageEvent.STAFF_BOOKED,
    }
)
# Events whose subject and text are written with the message (no template): a test, a report
# emailed to the staff. They go out as written, at once (no quiet hours).
CARRIED_TEXT_EVENTS = frozenset({MessageEvent.TEST, MessageEvent.REPORT})
# What goes out whatever the branch's channel switches say: only a test, which tries a gateway on
# purpose. A switch is the branch's channel, not the clients' alone: with «send email» off the
# salon sends no email — not the staff's notice of an online booking, not a scheduled report.
SWITCH_FREE_EVENTS = frozenset({MessageEvent.TEST})
EVENT_LENGTH = 32


class StaffNotice(models.TextChoices):
    NONE = "none", _("Nobody")
    SPECIALIST = "specialist", _("The specialist")
    ADMINS = "admins", _("The branch's administrators")
    BOTH = "both", _("The specialist and the administrators")


TEMPLATE_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def parse_hours(value: str) -> list[int]:
    """'24, 2' -> [24, 2]: the hours before a visit at which reminders go out."""
    hours = []
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 24 * 14:
            raise ValidationError(_("Enter whole hours from 1 to 336, separated by commas, e.g. “24, 2”."))
        hours.append(int(part))
    if len(set(hours)) > 5:
        raise ValidationError(_("At most five reminders."))
    return sorted(set(hours), reverse=True)


def validate_hours(value: str) -> None:
    parse_hours(value)


class ChannelSettings(ChainScopedModel):
    """How a network (company empty) or one branch sends messages. A branch without a row of its
    own uses the network's; a network without one uses the defaults below."""

    company = models.ForeignKey(
        "tenancy.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("branch")
    )
    language = models.CharField(
        _("language of messages"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    sms_enabled = models.BooleanField(_("send SMS"), default=True)
    sms_provider = models.CharField(
        _("SMS gateway"), max_length=16, choices=SmsProvider.choices, default=SmsProvider.SYSTEM
    )
    sms_login = models.CharField(_("login (SMSC)"), max_length=100, blank=True)
    sms_secret = models.CharField(
        _("API key (SMS.ru) or password (SMSC)"), max_length=200, blank=True, help_text=_("Stored as entered.")
    )
    sms_sender = models.CharField(_("sender name"), max_length=11, blank=True)
    email_enabled = models.BooleanField(_("send email"), default=False)
    email_from = models.CharField(
        _("from address"), max_length=200, blank=True, help_text=_("Empty: the server's default address.")
    )
    telegram_enabled = models.BooleanField(_("use Telegram"), default=False)
    telegram_token = models.CharField(_("bot token"), max_length=200, blank=True)
    telegram_chat_id = models.CharField(
        _("chat for test messages"), max_length=64, blank=True, help_text=_("A chat id the bot may write to.")
    )
    reminder_hours = models.CharField(
        _("reminders, hours before the visit"),
        max_length=40,
        default="24",
        blank=True,
        validators=[validate_hours],
        help_text=_("Several allowed, e.g. “24, 2”. Empty: no reminders."),
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True, default=datetime.time(21))
    quiet_to = models.TimeField(_("quiet hours until"), null=True, blank=True, default=datetime.time(9))
    sms_price = MoneyField(
        _("price of one SMS part"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("For the cost estimate of mailings."),
    )
    mailing_rate = models.PositiveIntegerField(
        _("mailing speed, messages per minute"), default=60, validators=[MinValueValidator(1), MaxValueValidator(6000)]
    )
    thanks_enabled = models.BooleanField(_("thank the client after the visit"), default=False)
    thanks_hours = models.PositiveSmallIntegerField(
        _("hours after the visit"), default=2, validators=[MinValueValidator(0), MaxValueValidator(72)]
    )
    birthday_enabled = models.BooleanField(_("birthday greetings"), default=False)
    birthday_hour = models.PositiveSmallIntegerField(
        _("greeting hour (branch time)"), default=10, validators=[MaxValueValidator(23)]
    )
    winback_enabled = models.BooleanField(_("win back lost clients"), default=False)
    winback_gap_days = models.PositiveSmallIntegerField(
        _("not more often than once in, days"), default=90, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    staff_notice = models.CharField(
        _("tell about online bookings"), max_length=16, choices=StaffNotice.choices, default=StaffNotice.SPECIALIST
    )
    telegram_bot_name = models.CharField(
        _("bot username"), max_length=64, blank=True, help_text=_("Without @; clients link their chats through it.")
    )

    AUDIT_EXCLUDE = ("updated_at", "password", "sms_secret", "telegram_token")

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["chain", "company"], name="notify_settings_one_per_branch"),
            models.UniqueConstraint(
                fields=["chain"], condition=Q(company__isnull=True), name="notify_settings_one_per_network"
            ),
        ]

    def __str__(self):
        return str(self.company or self.chain)

    @property
    def reminder_list(self) -> list[int]:
        try:
            return parse_hours(self.reminder_hours)
        except ValidationError:
            return []

    def in_quiet_hours(self, local_time: datetime.time) -> bool:
        if self.quiet_from is None or self.quiet_to is None or self.quiet_from == self.quiet_to:
            return False
        if self.quiet_from < self.quiet_to:
            return self.quiet_from <= local_time < self.quiet_to
        return local_time >= self.quiet_from or local_time < self.quiet_to

    def channels(self) -> list[str]:
        return [
            kind
            for kind, on in (
                (ChannelKind.SMS, self.sms_enabled),
                (ChannelKind.EMAIL, self.email_enabled),
                (ChannelKind.TELEGRAM, self.telegram_enabled),
            )
            if on
        ]


class MessageTemplate(ChainScopedModel):
    """What a network says for one event on one channel in one language. Rendered by Django's
    template engine over a plain dictionary of strings (see templating.py)."""

    event = models.CharField(_("event"), max_length=EVENT_LENGTH, choices=MessageEvent.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=ChannelKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject (email)"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=2000)
    is_active = models.BooleanField(_("send"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "channel", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "event", "channel", "language"], name="notify_template_one_per_event"
            )
        ]

    def __str__(self):
        return f"{self.get_event_display()} · {self.get_channel_display()} · {self.language}"


def _new_key() -> str:
    return uuid.uuid4().hex


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")
    CANCELLED = "cancelled", _("Cancelled")
    # No gateway is set up: the text went to the server's console, not to the client.
    CONSOLE = "console", _("Not sent: no gateway — shown in the console")


class DeliveryState(models.TextChoices):
    UNKNOWN = "", _("Not reported")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")


class Message(models.Model):
    """One message in the outbox. `idempotency_key` names the message for its whole life: the
    worker passes it to the gateway (Message-ID of a letter, a header on HTTP calls), and the
    tests count deliveries by it."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("client"),
    )
    visit = models.ForeignKey(
        "scheduling.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    event = models.CharField(_("event"), max_length=EVENT_LENGTH, choices=MessageEvent.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=ChannelKind.choices)
    mailing = models.ForeignKey(
        "notifications.Mailing", on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    # The variables of an event raised by other code (queue_event), plain strings.
    context = models.JSONField(default=dict, blank=True)
    # A message to a member of the staff (the recipient is theirs, not the client's).
    to_staff = models.BooleanField(default=False)
    recipient = models.CharField(_("to"), max_length=255)
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    due_at = models.DateTimeField(_("due"))
    # The start of the visit the message was written for: a reminder whose visit has moved
    # since is stale and is not sent.
    visit_start = models.DateTimeField(null=True, blank=True)
    reminder_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, default=_new_key, editable=False)
    # The address of the request that wrote the message ("" when none did): the worker builds the
    # message's links on it, so they work where the booking was made (core.siteurl).
    site_url = models.CharField(max_length=200, blank=True, default=current_base_url, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=32, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    cost = MoneyField(_("cost"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the SMS gateway later says of a sent message (asked by worker.check_deliveries).
    delivery = models.CharField(_("delivery"), max_length=16, choices=DeliveryState.choices, blank=True, default="")
    delivery_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # What the worker asks: due messages in order.
            models.Index(fields=["status", "due_at"], name="notify_message_due"),
            models.Index(fields=["company", "-created_at"], name="notify_message_branch_log"),
            models.Index(fields=["client", "-created_at"], name="notify_message_client"),
            models.Index(fields=["visit", "event"], name="notify_message_visit"),
            models.Index(fields=["mailing", "status"], name="notify_message_mailing"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient}"


class MessageAttachment(models.Model):
    """A file a letter carries (a report's workbook): written with its message, attached by the
    email channel when the letter is sent. Other channels carry no files."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.filename


class OptOut(models.Model):
    """A client who asked not to get messages on a channel (booking messages included)."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=16, choices=ChannelKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "channel"], name="notify_opt_out_once")]

    def __str__(self):
        return f"{self.client_id} {self.channel}"


class ClientTelegram(models.Model):
    """The Telegram chat of a client, linked by the client through the bot's deep link."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="telegram")
    chat_id = models.CharField(max_length=64)
    linked_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    def __str__(self):
        return f"{self.client_id} → {self.chat_id}"


class AudienceKind(models.TextChoices):
    SEGMENT = "segment", _("A segment of the client base")
    DAY = "day", _("Everyone booked on a day")
    SPECIALIST_DAY = "specialist_day", _("Everyone booked with a specialist on a day")
    CLASS = "class", _("Everyone booked in a class")
    CLIENTS = "clients", _("Clients chosen in the client list")


class MailingKind(models.TextChoices):
    """What a mailing is, chosen by its sender: the law asks for consent to advertising only.
    A service notice speaks of the client's own booking ("we open at 12:00 tomorrow"), so it
    goes without marketing consent — which is why its audience is fixed to bookings."""

    SERVICE = "service", _("Service notice about their booking")
    MARKETING = "marketing", _("Advertising or promotion")


# The audiences a service notice may have: people booked in the chosen days or class, each
# told about their own booking. A segment or a hand-picked list has no booking behind it.
SERVICE_AUDIENCES = frozenset({AudienceKind.DAY, AudienceKind.SPECIALIST_DAY, AudienceKind.CLASS})
# The longest range of days one service notice covers (a closure for a holiday week, a move).
MAX_NOTICE_DAYS = 31


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Mailing(CompanyScopedModel):
    """A mass mailing of one branch: a text on one channel to an audience. Sending writes one
    outbox message per recipient (their idempotency key names the mailing and the client), due
    one after another at the branch's mailing speed; the worker sends them like any other."""

    name = models.CharField(_("name"), max_length=150)
    # Existing mailings were all treated as marketing: the safe reading for rows made before.
    kind = models.CharField(_("kind"), max_length=16, choices=MailingKind.choices, default=MailingKind.MARKETING)
    channel = models.CharField(_("channel"), max_length=16, choices=ChannelKind.choices, default=ChannelKind.SMS)
    subject = models.CharField(_("subject (email)"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=2000)
    audience = models.CharField(_("to whom"), max_length=16, choices=AudienceKind.choices, default=AudienceKind.SEGMENT)
    segment = models.ForeignKey(
        "clients.Segment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("segment")
    )
    day = models.DateField(_("day"), null=True, blank=True)
    day_to = models.DateField(_("until (inclusive)"), null=True, blank=True)
    specialist = models.ForeignKey(
        "staff.Specialist",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("specialist"),
    )
    group_event = models.ForeignKey(
        "scheduling.GroupEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("class"),
    )
    # The client list's choice ("Send a message" there): {"ids": [...]} ticked clients, or
    # {"params": {...}} everyone its filters find (read when the mailing is queued, like a segment).
    selection = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=MailingStatus.choices, default=MailingStatus.DRAFT)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    excluded = models.PositiveIntegerField(_("excluded"), default=0)
    estimated_cost = MoneyField(_("estimated cost"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        indexes = [models.Index(fields=["status", "send_at"], name="notify_mailing_due")]

    def __str__(self):
        return self.name

    @property
    def is_service(self) -> bool:
        return self.kind == MailingKind.SERVICE

    @property
    def message_event(self) -> str:
        """The outbox event of its messages: a notice is not marketing, so the worker does not
        ask for marketing consent (`MARKETING_EVENTS`)."""
        return MessageEvent.NOTICE if self.is_service else MessageEvent.MAILING

    @property
    def last_day(self):
        return self.day_to or self.day
