from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "frontdesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from frontdesk.core import (
            audit,  # noqa: F401  (connects the event-log signals)
            siteurl,  # noqa: F401  (registers the deploy check of the site address)
        )
        from frontdesk.core.periodic import register_hourly
        from frontdesk.core.spreadsheets.background import forget_old_jobs

        register_hourly("core.forget_old_import_jobs", forget_old_jobs)
