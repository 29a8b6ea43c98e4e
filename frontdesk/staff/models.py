"""Who does the work, what they do, and when they work."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import MAX_DURATION_MINUTES, Position, Service
from frontdesk.core.models import ChainScopedModel, CompanyScopedModel
from frontdesk.core.money import MoneyField


class Specialist(ChainScopedModel):
    """A master, trainer or doctor. Belongs to the network and works in one or more branches, so
    that one person can never be booked in two branches at once."""

    name = models.CharField(_("name"), max_length=150)
    companies = models.ManyToManyField("tenancy.Company", related_name="specialists", verbose_name=_("branches"))
    position = models.ForeignKey(
        Position,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="specialists",
        verbose_name=_("position"),
    )
    specialization = models.CharField(_("specialisation"), max_length=255, blank=True)
    description = models.TextField(_("about"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="staff/", blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    rating = models.DecimalField(
        _("rating"), max_digits=3, decimal_places=2, default=0, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    hidden_online = models.BooleanField(_("hidden from online booking"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="specialist_profiles",
        verbose_name=_("login"),
    )
    services = models.ManyToManyField(
        Service, through="SpecialistService", related_name="specialists", verbose_name=_("services")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_dismissed = models.BooleanField(_("dismissed"), default=False)
    dismissed_on = models.DateField(_("dismissed on"), null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "name", "id"]
        verbose_name = _("specialist")
        verbose_name_plural = _("specialists")
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "user"], condition=Q(user__isnull=False), name="specialist_one_per_login_in_chain"
            )
        ]

    def __str__(self):
        return self.name


class SpecialistService(ChainScopedModel):
    """A service a specialist performs, with their own duration and price if they differ."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="service_links")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="specialist_links")
    duration = models.PositiveIntegerField(
        _("own duration, minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    price_min = MoneyField(_("own price from"), null=True, blank=True, validators=[MinValueValidator(0)])
    price_max = MoneyField(_("own price to"), null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("specialist's service")
        verbose_name_plural = _("specialists' services")
        constraints = [
            models.UniqueConstraint(fields=["specialist", "service"], name="specialist_service_once"),
        ]

    def __str__(self):
        return f"{self.specialist} — {self.service}"

    @property
    def effective_duration(self) -> int:
        return self.duration or self.service.duration


class WorkInterval(CompanyScopedModel):
    """One working interval of a specialist on one local date in one branch. A day's breaks are
    the gaps between its intervals. Times are the branch's wall-clock times; the scheduling engine
    turns them into UTC with the branch's time zone, so DST days come out right."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="work_intervals")
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("working interval")
        verbose_name_plural = _("working intervals")
        indexes = [models.Index(fields=["company", "date"]), models.Index(fields=["specialist", "date"])]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="work_interval_start_before_end")]

    def __str__(self):
        return f"{self.specialist} {self.date} {self.start:%H:%M}–{self.end:%H:%M}"


class AbsenceKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    VACATION = "vacation", _("Vacation")
    SICK = "sick", _("Sick leave")
    OTHER = "other", _("Other")


class Absence(ChainScopedModel):
    """Days a specialist does not work whatever the schedule says (vacation, sick leave)."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("kind"), max_length=16, choices=AbsenceKind.choices, default=AbsenceKind.DAY_OFF)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    comment = models.CharField(_("comment"), max_length=255, blank=True)

    class Meta:
        ordering = ["date_from"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [models.CheckConstraint(condition=Q(date_from__lte=F("date_to")), name="absence_dates_ordered")]

    def __str__(self):
        return f"{self.specialist}: {self.get_kind_display()} {self.date_from}–{self.date_to}"


class TemplateKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    CYCLE = "cycle", _("Shift cycle")


class ScheduleTemplate(ChainScopedModel):
    """A reusable work pattern of the network: a week (7 days, Monday first) or a cycle of N work
    days and M days off. `days` is a list of days, each a list of ["HH:MM", "HH:MM"] intervals;
    an empty day is a day off. A cycle is anchored at the first date it is applied from."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=TemplateKind.choices, default=TemplateKind.CYCLE)
    days = models.JSONField(_("days"), default=list)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("schedule template")
        verbose_name_plural = _("schedule templates")

    def __str__(self):
        return self.name
