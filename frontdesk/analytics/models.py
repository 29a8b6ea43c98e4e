"""The analytics app's own rows: the network's analytics settings here; the builder's saved reports
and subscriptions live in `builder/models.py` (imported here so Django finds them). It changes no
other app's rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.analytics.builder.models import ReportSubscription, SavedReport
from frontdesk.core.models import ChainScopedModel

__all__ = ["AnalyticsSettings", "ReportSubscription", "SavedReport"]


class AnalyticsSettings(ChainScopedModel):
    """A network's choices for its reports, one row per network (created when first saved).

    `advertising_item`: the finance payment item whose expense rows are the advertising spend in
    the LTV formula. Empty: the network's default «Advertising» item (finance's code
    "advertising"). An item deleted or archived later simply stops counting — SET_NULL keeps the
    settings row."""

    advertising_item = models.ForeignKey(
        "finance.PaymentItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advertising spend item"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")
        constraints = [models.UniqueConstraint(fields=["chain"], name="analytics_settings_once_per_network")]

    def __str__(self):
        return str(_("Analytics settings"))
