"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "loyalty.card_issued": _("Loyalty card issued"),
    "loyalty.bonus_adjusted": _("Bonuses adjusted by hand"),
    "loyalty.status_changed": _("Loyalty status changed"),
    "loyalty.referral_discount_granted": _("Referral discount granted"),
    "loyalty.referral_discount_used": _("Referral discount used"),
}
PAGES = {
    "loyalty.card": ("loyalty:card", "card_id"),
    "loyalty.programme": ("loyalty:programme", "programme_id"),
}
