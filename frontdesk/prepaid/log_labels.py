"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "certificate.redeemed": _("Certificate spent"),
    "certificate.given_back": _("Certificate payment given back"),
    "abonement.started": _("Abonement started"),
    "abonement.used": _("Abonement visit used"),
    "abonement.given_back": _("Abonement visit given back"),
}
PAGES = {
    "prepaid.certificate": ("prepaid:certificate", "certificate_id"),
    "prepaid.abonement": ("prepaid:abonement", "abonement_id"),
}
