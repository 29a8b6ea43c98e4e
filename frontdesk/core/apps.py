from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "frontdesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from frontdesk.core import (
            audit,  # connects the event-log signals
            siteurl,  # noqa: F401  (registers the deploy check of the site address)
        )
        from frontdesk.core.periodic import register_hourly
        from frontdesk.core.spreadsheets.background import forget_old_jobs
        from frontdesk.core.sqlite_stats import refresh_after_migrate

        # Every app's models are loaded before any ready() runs: each audited one gets its receiver.
        audit.connect_deletes()
        register_hourly("core.forget_old_import_jobs", forget_old_jobs)
        # Once per migrate run (core is the one sender), not once per app.
        post_migrate.connect(refresh_after_migrate, sender=self, dispatch_uid="core.sqlite_stats")
