"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_object_url


def register() -> None:
    register_action("loyalty.card_issued", _("Loyalty card issued"))
    register_action("loyalty.bonus_adjusted", _("Bonuses adjusted by hand"))
    register_action("loyalty.status_changed", _("Loyalty status changed"))
    register_action("loyalty.referral_discount_granted", _("Referral discount granted"))
    register_action("loyalty.referral_discount_used", _("Referral discount used"))
    register_object_url("loyalty.card", page_by_url_name("loyalty:card", "card_id"))
    register_object_url("loyalty.programme", page_by_url_name("loyalty:programme", "programme_id"))
