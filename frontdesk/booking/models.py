"""Online booking: each branch's settings, the links clients use to manage a booking, and where
each online booking came from."""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel, CompanyScopedModel
from frontdesk.core.scopes import ScopedManager


class StepOrder(models.TextChoices):
    SERVICE_FIRST = "service", _("Service, then specialist, then time")
    SPECIALIST_FIRST = "specialist", _("Specialist, then service, then time")
    TIME_FIRST = "time", _("Date and time, then service and specialist")


class OnlineBookingSettings(CompanyScopedModel):
    """How a branch takes bookings from its clients (one row per branch, made on first use)."""

    enabled = models.BooleanField(_("online booking is on"), default=True)
    step = models.PositiveSmallIntegerField(
        _("time step, minutes"),
        default=15,
        help_text=_("0 means the length of the service."),
        choices=[(5, "5"), (10, "10"), (15, "15"), (30, "30"), (60, "60"), (0, _("service length"))],
    )
    min_notice = models.PositiveIntegerField(
        _("book at least, minutes ahead"), default=60, validators=[MaxValueValidator(60 * 24 * 30)]
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("book at most, days ahead"), default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    cancel_deadline = models.PositiveIntegerField(
        _("clients may cancel or move until, minutes before"), default=120, validators=[MaxValueValidator(60 * 24 * 14)]
    )
    phone_confirmation = models.BooleanField(_("confirm the phone with an SMS code"), default=False)
    step_order = models.CharField(
        _("order of steps"), max_length=16, choices=StepOrder.choices, default=StepOrder.SERVICE_FIRST
    )
    show_prices = models.BooleanField(_("show prices"), default=True)
    comment_required = models.BooleanField(_("comment is required"), default=False)
    email_required = models.BooleanField(_("email is required"), default=False)
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#6d28d9")
    welcome_text = models.TextField(_("welcome text"), blank=True)
    confirmation_text = models.TextField(_("text after booking"), blank=True)
    privacy_policy_url = models.URLField(_("privacy policy link"), blank=True)

    class Meta:
        verbose_name = _("online booking settings")
        verbose_name_plural = _("online booking settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="one_booking_settings_per_branch")]

    def __str__(self):
        return f"{self.company}"

    @classmethod
    def for_company(cls, company) -> "OnlineBookingSettings":
        settings = cls.objects.filter(company=company).first()
        if settings is None:
            settings, _created = cls.objects.get_or_create(company=company, defaults={"chain_id": company.chain_id})
        return settings


def _token() -> str:
    return secrets.token_urlsafe(24)


class BookingLink(ChainScopedModel):
    """The secret link in a booking's confirmation: view, cancel or move that visit."""

    visit = models.OneToOneField("scheduling.Visit", on_delete=models.CASCADE, related_name="booking_link")
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_EXCLUDE = ("token",)

    class Meta:
        verbose_name = _("booking link")
        verbose_name_plural = _("booking links")

    def __str__(self):
        return f"visit #{self.visit_id}"


class Channel(models.TextChoices):
    PAGE = "page", _("Booking page")
    WIDGET = "widget", _("Widget on the site")
    SOCIAL = "social", _("Social network link")
    API = "api", _("API")


class BookingSource(ChainScopedModel):
    """Where an online booking came from: the channel and the UTM tags of the link."""

    visit = models.OneToOneField("scheduling.Visit", on_delete=models.CASCADE, related_name="booking_source")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PAGE)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    referrer = models.CharField(_("page"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("booking source")
        verbose_name_plural = _("booking sources")

    def __str__(self):
        return self.get_channel_display()


class PhoneCode(models.Model):
    """An SMS code sent to confirm a client's phone on a branch's booking page. The code is kept
    only as a hash; a row also counts the wrong guesses and is the record the limits against SMS
    pumping count on. Not audited: an attacker's flood of codes does not belong in the event log."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        indexes = [
            models.Index(fields=["chain", "phone", "created_at"]),
            models.Index(fields=["company", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self):
        return self.phone
