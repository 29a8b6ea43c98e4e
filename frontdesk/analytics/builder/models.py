"""Saved reports of the builder and their email subscriptions (issue 14, Salesap's «конструктор
отчётов»). A saved report stores the choice — dataset, figures, groupings, filters, period,
chart — never figures: it is run afresh whenever it is opened, pinned or emailed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.builder.engine import CHART_TYPES, TABLE, Spec
from frontdesk.core.models import CompanyScopedModel


class SavedReport(CompanyScopedModel):
    """`company` is the branch the report was made in; opened in another branch, "this branch"
    means the branch it is opened in. A private report is seen by its author only; a shared one
    by every member of the network who may view analytics."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    name = models.CharField(_("name"), max_length=150)
    shared = models.BooleanField(_("shared within the network"), default=False)
    dataset = models.CharField(_("data"), max_length=32)
    measures = models.JSONField(_("figures"), default=list)
    dimensions = models.JSONField(_("grouped by"), default=list)
    # The report filters: {"scope": "network"|"", "specialist": id, "category": id, "source": str,
    # "client_category": id}; missing keys are not filtered on.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # A quick period ("month", "last_12" …, read on the day the report runs) or fixed dates.
    preset = models.CharField(_("period"), max_length=16, blank=True, default="month")
    first = models.DateField(_("from"), null=True, blank=True)
    last = models.DateField(_("to"), null=True, blank=True)
    chart = models.CharField(_("shown as"), max_length=8, choices=CHART_TYPES, default=TABLE)
    pinned = models.BooleanField(_("pinned to the overview"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        indexes = [models.Index(fields=["chain", "pinned"], name="saved_report_pinned")]

    def __str__(self):
        return self.name

    @property
    def spec(self) -> Spec:
        return Spec(self.dataset, tuple(self.measures), tuple(self.dimensions), self.chart)


def visible_reports(queryset, user):
    """The saved reports a member sees: shared ones and their own."""
    return queryset.filter(Q(shared=True) | Q(author=user))


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week, on Monday, for the week before")
    MONTHLY = "monthly", _("Every month, on the 1st, for the month before")


class ReportSubscription(CompanyScopedModel):
    """A saved report (or, with none, the overview) emailed every week or month to chosen
    members and addresses, through the notifications outbox. `sent_for` is the first date of the
    last period sent: the job sends a period only by moving it forward with a compare-and-set,
    so a period goes out once however many jobs run."""

    # `sent_for` and `last_sent_at` are the job's bookkeeping, not anybody's change to the
    # subscription: they stay out of the event log.
    AUDIT_EXCLUDE = ("updated_at", "password", "sent_for", "last_sent_at")

    report = models.ForeignKey(
        SavedReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("report"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    frequency = models.CharField(_("how often"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    members = models.ManyToManyField(
        "accounts.Membership", blank=True, related_name="+", verbose_name=_("members of the staff")
    )
    emails = models.TextField(_("other addresses"), blank=True, help_text=_("Separated by commas."))
    sent_for = models.DateField(null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self):
        return f"{self.report or _('Overview')} · {self.get_frequency_display()}"

    @property
    def addresses(self) -> list[str]:
        return [part.strip() for part in self.emails.replace(";", ",").split(",") if part.strip()]


def last_complete_period(frequency: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last whole week (Monday–Sunday) or month before `today`, in local dates."""
    if frequency == Frequency.MONTHLY:
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return last.replace(day=1), last
    monday = today - datetime.timedelta(days=today.weekday())
    return monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1)
