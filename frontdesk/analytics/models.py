"""The analytics app's own rows. The builder's live in `builder/models.py` (imported here so
Django finds them)."""

from frontdesk.analytics.builder.models import ReportSubscription, SavedReport

__all__ = ["ReportSubscription", "SavedReport"]
