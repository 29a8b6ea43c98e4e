from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "frontdesk.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.clients.card import register_timeline_source
        from frontdesk.core.navigation import NavItem, SettingsTab, register, register_settings_tab
        from frontdesk.core.panels import register_panel
        from frontdesk.notifications import (
            demo,  # noqa: F401  (registers the demo step)
            outbox,
            scheduling_listeners,
            templating,
        )
        from frontdesk.notifications.timeline import channels_panel, messages_for_card
        from frontdesk.payments.online import awaits_prepayment
        from frontdesk.payments.signals import prepayment_held, prepayment_paid
        from frontdesk.tenancy.signals import chain_created

        scheduling_listeners.connect()
        outbox.register_gate(awaits_prepayment)
        prepayment_held.listen(outbox.on_prepayment_held)
        prepayment_paid.listen(outbox.on_prepayment_paid)
        chain_created.listen(templating.give_default_templates)
        register(NavItem("messages", _("Messages"), "chat-dots", "notifications:log", Section.CLIENTS, order=25))
        register_settings_tab(
            SettingsTab("notifications", _("Notifications"), "notifications:settings", Section.SETTINGS, order=40)
        )
        register_timeline_source("messages", messages_for_card)
        register_panel("clients.card_details", "notifications", channels_panel)
        from frontdesk.core.periodic import register_hourly
        from frontdesk.notifications.events import queue_daily_messages

        register_hourly("notifications.daily_messages", queue_daily_messages)
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.notifications import log_labels

        register_log_labels(log_labels)
