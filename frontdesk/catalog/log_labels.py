"""How the event log names this app's actions and links its objects (`core.audit_display`);
registered from `AppConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from frontdesk.core.audit_display import page_by_url_name, register_action, register_object_url


def register() -> None:
    register_action("catalog.categories_reordered", _("Categories reordered"))
    register_action("catalog.services_reordered", _("Services reordered"))
    register_action("catalog.services_imported", _("Services imported"))
    register_object_url("catalog.service", page_by_url_name("catalog:service_edit", "service_id"))
    register_object_url("catalog.servicecategory", page_by_url_name("catalog:category_edit", "category_id"))
    register_object_url("catalog.position", page_by_url_name("catalog:position_edit", "position_id"))
    register_object_url("catalog.resource", page_by_url_name("catalog:resource_edit", "resource_id"))
