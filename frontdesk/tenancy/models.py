"""The tenants: a Chain (network, «сеть») owns Companies (branches, «филиалы»)."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import AuditedModel, ChainScopedModel


class BusinessType(models.TextChoices):
    BEAUTY_SALON = "beauty_salon", _("Beauty salon")
    BARBERSHOP = "barbershop", _("Barbershop")
    NAILS = "nails", _("Nail studio")
    COSMETOLOGY = "cosmetology", _("Cosmetology")
    MASSAGE_SPA = "massage_spa", _("Massage and spa")
    FITNESS = "fitness", _("Fitness")
    YOGA = "yoga", _("Yoga studio")
    CLINIC = "clinic", _("Clinic")
    DENTISTRY = "dentistry", _("Dentistry")
    CAR_SERVICE = "car_service", _("Car service")
    EDUCATION = "education", _("Education")
    PHOTO_STUDIO = "photo_studio", _("Photo studio")
    OTHER = "other", _("Other")


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble (₽)")
    KZT = "KZT", _("Kazakhstani tenge (₸)")
    BYN = "BYN", _("Belarusian rouble (Br)")
    UAH = "UAH", _("Ukrainian hryvnia (₴)")
    EUR = "EUR", _("Euro (€)")
    USD = "USD", _("US dollar ($)")


CURRENCY_SYMBOLS = {"RUB": "₽", "KZT": "₸", "BYN": "Br", "UAH": "₴", "EUR": "€", "USD": "$"}


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone “%(tz)s”."), params={"tz": value})


class Chain(AuditedModel):
    """A network of branches under one owner. Clients and loyalty are shared across it."""

    name = models.CharField(_("network name"), max_length=120)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self):
        return self.name

    @property
    def currency_symbol(self) -> str:
        return CURRENCY_SYMBOLS.get(self.currency, self.currency)


class Company(ChainScopedModel):
    """A branch: where records, schedules, cash desks and stock live, in its own time zone."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="companies", verbose_name=_("network"))
    name = models.CharField(_("branch name"), max_length=120)
    business_type = models.CharField(
        _("business type"), max_length=32, choices=BusinessType.choices, default=BusinessType.BEAUTY_SALON
    )
    country = models.CharField(_("country"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_timezone])
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("Main phone, in international format."))
    phone_extra = models.CharField(_("additional phones"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    site = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # «First steps» leave the overview when walked; a branch that never takes bookings online can
    # also put them away by hand (Settings → First steps brings them back).
    first_steps_hidden = models.BooleanField(_("first steps hidden from the overview"), default=False)
    onboarded = models.BooleanField(_("onboarding completed"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self):
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(ChainScopedModel):
    """A branch's working hours on one weekday, in its local time. No row: closed that day."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["company", "weekday"], name="opening_hours_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opening_hours_opens_before_closes"
            ),
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def save(self, *args, **kwargs):
        if self.company_id and not self.chain_id:
            self.chain_id = self.company.chain_id
        super().save(*args, **kwargs)
