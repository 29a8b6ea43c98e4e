"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "catalog.categories_reordered": _("Categories reordered"),
    "catalog.services_reordered": _("Services reordered"),
    "catalog.services_imported": _("Services imported"),
}
PAGES = {
    "catalog.service": ("catalog:service_edit", "service_id"),
    "catalog.servicecategory": ("catalog:category_edit", "category_id"),
    "catalog.position": ("catalog:position_edit", "position_id"),
    "catalog.resource": ("catalog:resource_edit", "resource_id"),
}
