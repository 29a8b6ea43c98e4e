"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_object_url


def register() -> None:
    register_action("certificate.redeemed", _("Certificate spent"))
    register_action("certificate.given_back", _("Certificate payment given back"))
    register_action("abonement.started", _("Abonement started"))
    register_action("abonement.used", _("Abonement visit used"))
    register_action("abonement.given_back", _("Abonement visit given back"))
    register_object_url("prepaid.certificate", page_by_url_name("prepaid:certificate", "certificate_id"))
    register_object_url("prepaid.abonement", page_by_url_name("prepaid:abonement", "abonement_id"))
