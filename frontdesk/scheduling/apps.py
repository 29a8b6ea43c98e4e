from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "frontdesk.scheduling"
    label = "scheduling"
    verbose_name = _("Journal")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.scheduling import demo  # noqa: F401  (registers the demo step)
        from frontdesk.scheduling.classes_menu import register_menu

        register(NavItem("journal", _("Journal"), "calendar3", "journal:page", Section.JOURNAL, order=10))
        register_menu()
