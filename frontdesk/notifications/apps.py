from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "frontdesk.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from frontdesk.notifications import outbox

        outbox.connect()
