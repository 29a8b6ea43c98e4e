"""Records (appointments) and visits. Times are stored in UTC; the journal shows them in the
branch's time zone. `block_start`/`block_end` add the services' preparation and clean-up time:
that is the span no other record of the same specialist may overlap (invariant 1)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Resource, Service
from frontdesk.core.models import ChainScopedModel, CompanyScopedModel
from frontdesk.core.money import MoneyField
from frontdesk.staff.models import Specialist


class RecordStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    ARRIVED = "arrived", _("Arrived")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")

    # The groups of statuses (HOLDING, TAKING_A_SEAT, UNFINISHED, UPCOMING, LOST) are set right
    # below the class, where its members exist; code uses them instead of lists of its own.


# A record in one of these holds its time: the specialist's and the resources' (invariant 1).
RecordStatus.HOLDING = (RecordStatus.BOOKED, RecordStatus.CONFIRMED, RecordStatus.ARRIVED, RecordStatus.COMPLETED)
# A participant of a class in one of these takes a place, also one who did not come.
RecordStatus.TAKING_A_SEAT = (*RecordStatus.HOLDING, RecordStatus.NO_SHOW)
# Not over yet: the client is still to come or is here. Such a record may still be moved.
RecordStatus.UNFINISHED = (RecordStatus.BOOKED, RecordStatus.CONFIRMED, RecordStatus.ARRIVED)
# The client is still to come.
RecordStatus.UPCOMING = (RecordStatus.BOOKED, RecordStatus.CONFIRMED)
# The visit does not take place: cancelled, or the client did not come. Nothing is sold or
# prepaid for such a record.
RecordStatus.LOST = (RecordStatus.CANCELLED, RecordStatus.NO_SHOW)


def is_upcoming(status: str, start: datetime.datetime, now: datetime.datetime) -> bool:
    """The one meaning of "upcoming" on every screen and count: the client is still to come
    (RecordStatus.UPCOMING) and the time is ahead. A cancelled visit next week is not upcoming."""
    return status in RecordStatus.UPCOMING and start > now


def upcoming_q(now: datetime.datetime) -> Q:
    """is_upcoming as a filter on records."""
    return Q(status__in=RecordStatus.UPCOMING, start__gt=now)


# No record or class is longer than this (the services refuse longer ones). It bounds from below
# the index range a "what overlaps this window" query scans, which would otherwise run from the
# first record ever.
MAX_LENGTH = datetime.timedelta(hours=28)


def overlapping(queryset, start, end):
    """The rows of `queryset` (records or classes, with `start`/`end`) that overlap [start, end)."""
    return queryset.filter(start__gte=start - MAX_LENGTH, start__lt=end, end__gt=start)


class RecordSource(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ONLINE = "online", _("Online booking")
    WIDGET = "widget", _("Widget")
    API = "api", _("API")
    PHONE = "phone", _("Phone call")


class CancelReason(models.TextChoices):
    """Why a visit did not take place: what a salon asks when a record is cancelled, set by
    itself for a no-show, a client's own cancellation and an unpaid prepayment."""

    CLIENT_ASKED = "client_asked", _("The client asked")
    NO_SHOW = "no_show", _("The client did not come")
    RESCHEDULED = "rescheduled", _("The salon rescheduled")
    SPECIALIST_ILL = "specialist_ill", _("The specialist is ill")
    DUPLICATE = "duplicate", _("Duplicate record")
    UNPAID = "unpaid", _("Prepayment not made")
    CLASS_CANCELLED = "class_cancelled", _("The class was cancelled")
    OTHER = "other", _("Other")


# What the administrator may pick in the journal (the rest are set by the product itself).
CancelReason.CHOSEN = (
    CancelReason.CLIENT_ASKED,
    CancelReason.RESCHEDULED,
    CancelReason.SPECIALIST_ILL,
    CancelReason.DUPLICATE,
    CancelReason.OTHER,
)


class CancelledBy(models.TextChoices):
    CLIENT = "client", _("The client, online")
    SALON = "salon", _("The salon")
    SYSTEM = "system", _("Automatically")


# As in YCLIENTS: what the administrator booked is green, what the client booked is purple.
SOURCE_COLOURS = {
    RecordSource.ADMIN: "#22c55e",
    RecordSource.PHONE: "#16a34a",
    RecordSource.ONLINE: "#8b5cf6",
    RecordSource.WIDGET: "#a855f7",
    RecordSource.API: "#0ea5e9",
}


class Visit(CompanyScopedModel):
    """One client's visit: the records booked together (possibly with several specialists)."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("client"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self):
        return f"#{self.pk}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("Every N days")
    WEEKLY = "weekly", _("Every N weeks")


class RecordSeries(CompanyScopedModel):
    """A repeating booking: every N days or weeks, until a date or N times."""

    frequency = models.CharField(_("repeat"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("times"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series of records")
        verbose_name_plural = _("series of records")

    def __str__(self):
        return f"{self.get_frequency_display()} ×{self.interval}"


class GroupEventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class GroupEvent(CompanyScopedModel):
    """A class (yoga, a workshop): one specialist, maybe a room, up to `capacity` clients. The
    event itself holds the specialist's time and the room; its participants are records that
    point to it and hold no individual time."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="group_events", verbose_name=_("service")
    )
    specialist = models.ForeignKey(
        Specialist, on_delete=models.PROTECT, related_name="group_events", verbose_name=_("specialist")
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="group_events", verbose_name=_("room")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveIntegerField(_("places"), default=10)
    status = models.CharField(
        _("status"), max_length=16, choices=GroupEventStatus.choices, default=GroupEventStatus.SCHEDULED
    )
    comment = models.TextField(_("comment"), blank=True)
    series = models.ForeignKey(
        RecordSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="group_events"
    )

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("group event")
        verbose_name_plural = _("group events")
        indexes = [models.Index(fields=["specialist", "start"]), models.Index(fields=["company", "start"])]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="group_event_start_before_end")]

    def __str__(self):
        return f"{self.service} {self.start:%Y-%m-%d %H:%M}"


class Record(CompanyScopedModel):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="records", verbose_name=_("visit"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("client"),
    )
    specialist = models.ForeignKey(
        Specialist, on_delete=models.PROTECT, related_name="records", verbose_name=_("specialist")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    block_start = models.DateTimeField()
    block_end = models.DateTimeField()
    status = models.CharField(_("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.BOOKED)
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices, default=RecordSource.ADMIN)
    comment = models.TextField(_("comment"), blank=True)
    prepaid = models.BooleanField(_("prepayment required"), default=False)
    # An administrator may put a record over another one on purpose; such a record holds no time
    # for the no-double-booking rule, and the choice is in the event log.
    overbooked = models.BooleanField(_("overbooking"), default=False)
    series = models.ForeignKey(RecordSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="records")
    group_event = models.ForeignKey(
        GroupEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="records", verbose_name=_("class")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why a cancelled or no-show record did not take place, who cancelled it and when; empty for
    # any other status (`mark_status` keeps them in step with the status). Records cancelled
    # before these fields existed have no reason ("not stated" in the reports).
    cancel_reason = models.CharField(_("cancellation reason"), max_length=16, choices=CancelReason.choices, blank=True)
    cancel_comment = models.CharField(_("cancellation comment"), max_length=500, blank=True)
    cancelled_by = models.CharField(_("cancelled by"), max_length=8, choices=CancelledBy.choices, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("record")
        verbose_name_plural = _("records")
        indexes = [
            # Led by the tenancy key, which every query carries (and Citus would distribute by).
            models.Index(fields=["chain", "specialist", "block_start"], name="record_chain_spec_block"),
            models.Index(fields=["company", "start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="record_start_before_end"),
            models.CheckConstraint(
                condition=Q(block_start__lte=F("start")) & Q(block_end__gte=F("end")), name="record_block_covers_record"
            ),
        ]

    def __str__(self):
        return f"{self.specialist} {self.start:%Y-%m-%d %H:%M}"

    @property
    def holds_time(self) -> bool:
        return self.status in RecordStatus.HOLDING and not self.overbooked and self.group_event_id is None

    @property
    def colour(self) -> str:
        return SOURCE_COLOURS.get(self.source, "#64748b")

    def mark_status(
        self,
        status: str,
        *,
        reason: str = "",
        comment: str = "",
        by: str = CancelledBy.SALON,
        now: datetime.datetime | None = None,
    ) -> None:
        """Set the status (not saved) and keep the cancellation fields in step with it: a
        cancelled record gets the reason given (none: not stated), a no-show always "the client
        did not come"; both get who and when; any other status clears them (a restored record
        has not been cancelled). Every path that cancels or marks a no-show goes through here."""
        self.status = status
        if status in RecordStatus.LOST:
            self.cancel_reason = CancelReason.NO_SHOW if status == RecordStatus.NO_SHOW else reason
            self.cancel_comment = comment.strip()[:500]
            self.cancelled_by = by
            self.cancelled_at = now or timezone.now()
        else:
            self.cancel_reason = self.cancel_comment = self.cancelled_by = ""
            self.cancelled_at = None


class RecordService(ChainScopedModel):
    """A service line of a record, with its price and duration at the time of booking."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service"))
    start = models.DateTimeField(_("start"))
    duration = models.PositiveIntegerField(_("duration, minutes"))
    price = MoneyField(_("price"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["record", "position"]
        verbose_name = _("service line")
        verbose_name_plural = _("service lines")

    def __str__(self):
        return f"{self.service} ({self.duration} min)"


class ResourceBooking(ChainScopedModel):
    """A resource (room, chair) held by a record for its block; at most `capacity` at once."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="resource_bookings")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    block_start = models.DateTimeField()
    block_end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["resource", "block_start"])]

    def __str__(self):
        return f"{self.resource} {self.block_start:%Y-%m-%d %H:%M}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered a time")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class WaitlistEntry(CompanyScopedModel):
    """A client who wants a service (maybe with a given specialist) in a window of days and hours
    («лист ожидания»); offered a time when one frees."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("client")
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", verbose_name=_("service"))
    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("specialist")
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    time_from = models.TimeField(_("not earlier than"), null=True, blank=True)
    time_to = models.TimeField(_("not later than"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offered_start = models.DateTimeField(_("offered time"), null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        constraints = [models.CheckConstraint(condition=Q(date_from__lte=F("date_to")), name="waitlist_dates_ordered")]

    def __str__(self):
        return f"{self.client} — {self.service}"


class CalendarFeed(ChainScopedModel):
    """A specialist's secret iCalendar address (/calendar/<token>.ics) for their phone's
    calendar. Whoever knows the token reads the schedule, so it can be regenerated."""

    specialist = models.OneToOneField(Specialist, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_EXCLUDE = ("updated_at", "password", "token")  # a secret stays out of the event log

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.specialist)
