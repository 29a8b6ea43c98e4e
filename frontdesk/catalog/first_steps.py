"""The overview's first «First step», which the catalogue owns: a service clients can book
(registered in CatalogConfig.ready; see tenancy/first_steps.py)."""

from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Service
from frontdesk.tenancy.first_steps import FirstStep, register_first_step


def has_bookable_service(company, user) -> bool:
    return Service.objects.filter(company=company, is_archived=False, online_booking=True).exists()


def register_catalog_steps() -> None:
    register_first_step(
        FirstStep(
            "services",
            10,
            _("Add your services"),
            _("What clients book: the name, how long it takes and the price."),
            "catalog:service_add",
            _("Add a service"),
            done=has_bookable_service,
        )
    )
