from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "frontdesk.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.clients import spreadsheets  # noqa: F401  (registers its importer for the task worker)
        from frontdesk.core.navigation import NavItem, register

        register(NavItem("clients", _("Clients"), "person-lines-fill", "clients:list", Section.CLIENTS, order=20))
        from frontdesk.clients import log_labels
        from frontdesk.core.audit_display import register_log_labels

        register_log_labels(log_labels)
