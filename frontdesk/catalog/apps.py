from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "frontdesk.catalog"
    label = "catalog"
    verbose_name = _("Services")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.catalog import (
            demo,  # noqa: F401  (registers the demo step)
            spreadsheets,  # noqa: F401  (registers its importer for the task worker)
        )
        from frontdesk.core.navigation import SettingsTab, register_settings_tab

        register_settings_tab(SettingsTab("services", _("Services"), "catalog:services", Section.SETTINGS, order=30))
        register_settings_tab(SettingsTab("positions", _("Positions"), "catalog:positions", Section.SETTINGS, order=40))
        register_settings_tab(SettingsTab("resources", _("Resources"), "catalog:resources", Section.SETTINGS, order=50))

        from frontdesk.catalog.first_steps import register_catalog_steps

        register_catalog_steps()

        from frontdesk.catalog import log_labels
        from frontdesk.core.audit_display import register_log_labels

        register_log_labels(log_labels)
