from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "frontdesk.tenancy"
    label = "tenancy"
    verbose_name = _("Networks and branches")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.core.navigation import NavItem, SettingsTab, register, register_settings_tab
        from frontdesk.tenancy import signals
        from frontdesk.tenancy.first_steps import register_branch_steps

        signals.connect()
        register_branch_steps()

        register(NavItem("overview", _("Overview"), "speedometer2", "tenancy:dashboard", None, order=0, exact=True))
        register(
            NavItem(
                "settings",
                _("Settings"),
                "gear",
                "tenancy:settings_company",
                Section.SETTINGS,
                order=900,
                also=("settings/", "events/"),
            )
        )
        register_settings_tab(
            SettingsTab("company", _("Branch"), "tenancy:settings_company", Section.SETTINGS, order=0)
        )
        register_settings_tab(
            SettingsTab("network", _("Network and branches"), "tenancy:settings_network", Section.SETTINGS, order=10)
        )
        register_settings_tab(
            SettingsTab("first_steps", _("First steps"), "tenancy:first_steps", Section.SETTINGS, order=15)
        )
        register_settings_tab(SettingsTab("users", _("Users and access"), "tenancy:users", Section.SETTINGS, order=20))
        register_settings_tab(SettingsTab("events", _("Event log"), "tenancy:events", Section.SETTINGS, order=900))
