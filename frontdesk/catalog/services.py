"""State changes of the catalogue: categories, services, positions and resources of a branch.

Each function runs in one transaction and raises `ValidationError` with a translated message when
the change would break a rule; then nothing is saved. Nothing here deletes: rows are archived, so
that records, sales and the event log keep pointing at what was sold.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from frontdesk.catalog.models import MAX_DURATION_MINUTES, Position, Resource, Service, ServiceCategory
from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row
from frontdesk.core.money import to_money

MIN_DURATION_MINUTES = 5
MAX_BUFFER_MINUTES = MAX_DURATION_MINUTES


def _fold(title: str) -> str:
    return " ".join(title.split()).casefold().replace("ё", "е")


def _same_title(a: str, b: str) -> bool:
    return _fold(a) == _fold(b)


def _next_order(queryset) -> int:
    current = queryset.aggregate(top=Max("sort_order"))["top"]
    return 0 if current is None else current + 1


# --- Categories ----------------------------------------------------------------------------


def _check_category_title(category: ServiceCategory) -> None:
    category.title = (category.title or "").strip()
    if not category.title:
        raise ValidationError(_("Give the category a title."))
    others = ServiceCategory.objects.filter(company_id=category.company_id, is_archived=False).exclude(pk=category.pk)
    if any(_same_title(title, category.title) for title in others.values_list("title", flat=True)):
        raise ValidationError(_("There is already a category “%(title)s” in this branch.") % {"title": category.title})


@transaction.atomic
def save_category(category: ServiceCategory) -> ServiceCategory:
    """Create or change a category of `category.company`; titles are unique among active ones."""
    if category.pk is None and not category.sort_order:
        category.sort_order = _next_order(ServiceCategory.objects.filter(company_id=category.company_id))
    if not category.is_archived:
        _check_category_title(category)
    category.save()
    return category


@transaction.atomic
def archive_category(category: ServiceCategory) -> None:
    """Archive an empty category. One that still has active services is refused, so that no
    active service is left in a folder nobody sees."""
    category = lock_row(ServiceCategory.objects, category.pk)
    active = category.services.filter(is_archived=False).count()
    if active:
        raise ValidationError(
            _(
                "The category “%(title)s” still has %(count)d active services. "
                "Move them to another category or archive them first."
            )
            % {"title": category.title, "count": active}
        )
    if not category.is_archived:
        category.is_archived = True
        category.save()


@transaction.atomic
def restore_category(category: ServiceCategory) -> None:
    category = lock_row(ServiceCategory.objects, category.pk)
    if not category.is_archived:
        return
    category.is_archived = False
    _check_category_title(category)
    category.sort_order = _next_order(ServiceCategory.objects.filter(company_id=category.company_id, is_archived=False))
    category.save()


# --- Services ------------------------------------------------------------------------------


def validate_service(service: Service, resources: Iterable[Resource] | None = None) -> None:
    """The rules a service must keep, whatever the way in (form, import, API)."""
    errors = []
    service.title = (service.title or "").strip()
    if not service.title:
        errors.append(_("Give the service a title."))
    category = service.category if service.category_id else None
    if category is None:
        errors.append(_("Choose a category."))
    elif category.company_id != service.company_id:
        errors.append(_("Choose a category of this branch."))
    elif category.is_archived and not service.is_archived:
        errors.append(_("The category “%(title)s” is archived; restore it first.") % {"title": category.title})
    if service.duration is None or not MIN_DURATION_MINUTES <= service.duration <= MAX_DURATION_MINUTES:
        errors.append(
            _("The duration must be from %(min)d to %(max)d minutes.")
            % {"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES}
        )
    price_min = to_money(service.price_min if service.price_min is not None else 0)
    price_max = to_money(service.price_max) if service.price_max not in (None, "") else price_min
    if price_min < 0 or price_max < 0:
        errors.append(_("A price cannot be negative."))
    elif price_min > price_max:
        errors.append(_("The price “from” must not be greater than the price “to”."))
    service.price_min, service.price_max = price_min, price_max
    for name, value in (("buffer_before", service.buffer_before), ("buffer_after", service.buffer_after)):
        if value is None or not 0 <= value <= MAX_BUFFER_MINUTES:
            label = _("preparation before") if name == "buffer_before" else _("cleanup after")
            errors.append(
                _("The %(what)s must be from 0 to %(max)d minutes.") % {"what": label, "max": MAX_BUFFER_MINUTES}
            )
    if service.is_group:
        if not service.capacity or service.capacity < 1:
            errors.append(_("A group service needs at least one place."))
    else:
        service.capacity = 1
    if resources is not None and any(r.company_id != service.company_id or r.is_archived for r in resources):
        errors.append(_("Choose active resources of this branch."))
    if not errors and category is not None and not service.is_archived:
        others = Service.objects.filter(category=category, is_archived=False).exclude(pk=service.pk)
        if any(_same_title(title, service.title) for title in others.values_list("title", flat=True)):
            errors.append(
                _("The category “%(category)s” already has a service “%(title)s”.")
                % {"category": category.title, "title": service.title}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_service(service: Service, resources: Iterable[Resource] | None = None) -> Service:
    """Create or change a service; `resources` (if given) replaces the resources it needs."""
    resources = list(resources) if resources is not None else None
    validate_service(service, resources)
    if service.pk is None:
        service.sort_order = service.sort_order or _next_order(Service.objects.filter(category=service.category))
    elif service._loaded_values.get("category_id") not in (None, service.category_id):
        # Moved to another folder: it goes to the end of that folder.
        service.sort_order = _next_order(Service.objects.filter(category_id=service.category_id))
    service.save()
    if resources is not None:
        service.resources.set(resources)
    return service


@transaction.atomic
def archive_service(service: Service) -> None:
    service = lock_row(Service.objects, service.pk)
    if not service.is_archived:
        service.is_archived = True
        service.save()


@transaction.atomic
def restore_service(service: Service) -> None:
    # The category's row too, as always: archiving the category counts its active services under
    # that lock, so a service cannot come back into a category being archived.
    service = lock_row(Service.objects.select_related("category"), service.pk, of=("self", "category"))
    if not service.is_archived:
        return
    service.is_archived = False
    validate_service(service)
    service.sort_order = _next_order(Service.objects.filter(category=service.category, is_archived=False))
    service.save()


# --- Ordering ------------------------------------------------------------------------------


def _parse_ids(ids) -> list[int]:
    try:
        parsed = [int(value) for value in ids]
    except (TypeError, ValueError):
        raise ValidationError(_("The new order could not be read; reload the page and try again."))
    if len(set(parsed)) != len(parsed):
        raise ValidationError(_("The new order lists an item twice; reload the page and try again."))
    return parsed


@transaction.atomic
def reorder_categories(company, ids) -> None:
    """Put the branch's active categories in the order of `ids`. Every id must be an active
    category of this branch, or nothing changes."""
    ids = _parse_ids(ids)
    categories = {c.pk: c for c in ServiceCategory.objects.filter(company=company, is_archived=False, pk__in=ids)}
    if len(categories) != len(ids):
        raise ValidationError(_("Some of these categories are not in this branch; reload the page and try again."))
    for index, pk in enumerate(ids):
        categories[pk].sort_order = index
    ServiceCategory.objects.bulk_update(categories.values(), ["sort_order"])
    log_action(company, code="catalog.categories_reordered", changes={"order": ids})


@transaction.atomic
def reorder_services(company, category: ServiceCategory, ids) -> None:
    """Put services in `category` in the order of `ids`; a service dragged in from another
    category of the same branch moves into this one. Foreign ids refuse the whole change."""
    ids = _parse_ids(ids)
    if category.company_id != company.pk or category.is_archived:
        raise ValidationError(_("This category is not in this branch; reload the page and try again."))
    services = {s.pk: s for s in Service.objects.filter(company=company, is_archived=False, pk__in=ids)}
    if len(services) != len(ids):
        raise ValidationError(_("Some of these services are not in this branch; reload the page and try again."))
    moved = []
    for index, pk in enumerate(ids):
        service = services[pk]
        if service.category_id != category.pk:
            moved.append(service)
        service.category_id = category.pk
        service.sort_order = index
    for service in moved:
        # A moved service keeps the rule that titles are unique within a category.
        validate_service(service)
    Service.objects.bulk_update(services.values(), ["category", "sort_order"])
    log_action(category, code="catalog.services_reordered", changes={"order": ids, "moved": [s.pk for s in moved]})


# --- Positions and resources ---------------------------------------------------------------


@transaction.atomic
def save_position(position: Position) -> Position:
    position.title = (position.title or "").strip()
    if not position.title:
        raise ValidationError(_("Give the position a title."))
    others = Position.objects.filter(company_id=position.company_id, is_archived=False).exclude(pk=position.pk)
    if not position.is_archived and any(_same_title(t, position.title) for t in others.values_list("title", flat=True)):
        raise ValidationError(_("There is already a position “%(title)s” in this branch.") % {"title": position.title})
    position.save()
    return position


@transaction.atomic
def set_position_archived(position: Position, archived: bool) -> None:
    position = lock_row(Position.objects, position.pk)
    if position.is_archived == archived:
        return
    position.is_archived = archived
    save_position(position)


@transaction.atomic
def save_resource(resource: Resource, services: Iterable[Service] | None = None) -> Resource:
    """Create or change a resource; `services` (if given) are the services that need it."""
    resource.title = (resource.title or "").strip()
    if not resource.title:
        raise ValidationError(_("Give the resource a title."))
    if not resource.capacity or resource.capacity < 1:
        raise ValidationError(_("A resource serves at least one client at a time."))
    services = list(services) if services is not None else None
    if services is not None and any(s.company_id != resource.company_id for s in services):
        raise ValidationError(_("Choose services of this branch."))
    resource.save()
    if services is not None:
        # Archived services keep their link: history says what they needed.
        kept = list(resource.services.filter(is_archived=True))
        resource.services.set(services + kept)
    return resource


@transaction.atomic
def set_resource_archived(resource: Resource, archived: bool) -> None:
    resource = lock_row(Resource.objects, resource.pk)
    if resource.is_archived != archived:
        resource.is_archived = archived
        resource.save()
