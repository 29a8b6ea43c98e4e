"""Companies (branches), service categories, services and staff: what a booking widget or an
integration reads first. The partner token is enough, as in YCLIENTS."""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.api.auth import require_user
from frontdesk.api.routing import company_or_404, route
from frontdesk.api.serializers import category_json, company_json, service_json, staff_json
from frontdesk.api.wire import flag, not_found, ok, optional_int, optional_path_id, page_params
from frontdesk.booking.models import OnlineBookingSettings
from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.staff.models import Specialist, SpecialistService
from frontdesk.tenancy.models import Company

router = Router(tags=["companies, services, staff"])


def _company_data(company, for_booking: bool) -> dict:
    data = company_json(company)
    settings = OnlineBookingSettings.for_company(company)
    data["phone_confirmation"] = settings.phone_confirmation
    if for_booking:
        data["active_staff_count"] = Specialist.objects.filter(
            companies=company, is_dismissed=False, hidden_online=False
        ).count()
    return data


@route(router, "GET", "/v1/companies", summary="List branches")
def list_companies(
    request,
    my: str | None = None,
    group_id: str | None = None,
    active: str | None = None,
    forBooking: str | None = None,  # noqa: N803  (the wire name)
    page: str | None = None,
    count: str | None = None,
):
    """The network's active branches; `my=1` (with a user token): the branches the user works in."""
    companies = Company.objects.select_related("chain").filter(is_active=True).order_by("pk")
    if flag(my):
        context = require_user(request)
        if not context.membership.all_companies and context.membership.role != "owner":
            companies = companies.filter(pk__in=context.membership.companies.values("pk"))
    chain_filter = optional_int(group_id, "group_id")
    if chain_filter is not None and chain_filter != request.auth.chain_id:
        companies = companies.none()
    page_number, size = page_params(page, count, default=200, maximum=1000)
    total = companies.count()
    rows = list(companies[(page_number - 1) * size : page_number * size])
    staff_counts = {}
    if flag(forBooking):
        staff_counts = dict(
            Specialist.objects.filter(companies__in=rows, is_dismissed=False, hidden_online=False)
            .values_list("companies")
            .annotate(n=Count("pk", distinct=True))
        )
    data = []
    for company in rows:
        item = company_json(company, staff_count=staff_counts.get(company.pk, 0) if flag(forBooking) else None)
        data.append(item)
    return ok(data, {"page": page_number, "count": total, "total_count": total})


@router.get("/v1/company/{id}/", summary="Get a branch")
@router.get("/v1/company/{id}", include_in_schema=False)
def get_company(
    request,
    id: str,  # noqa: A002  (the wire name)
    my: str | None = None,
    forBooking: str | None = None,  # noqa: N803
    show_groups: str | None = None,
    showBookforms: str | None = None,  # noqa: N803
    bookform_id: str | None = None,
):
    company = company_or_404(id)
    return ok(_company_data(company, flag(forBooking)))


# ---------------------------------------------------------------- service categories
def _categories(request, company_id, category_id, staff_id):
    company = company_or_404(company_id)
    wanted = optional_path_id(category_id)
    categories = ServiceCategory.objects.filter(company=company, is_archived=False)
    if wanted is not None:
        categories = categories.filter(pk=wanted)
    staff_filter = optional_int(staff_id, "staff_id")
    links = SpecialistService.objects.filter(
        service__company=company, service__is_archived=False, specialist__is_dismissed=False
    )
    if staff_filter is not None:
        categories = categories.filter(services__specialist_links__specialist_id=staff_filter).distinct()
    staff_by_category = defaultdict(set)
    for category, specialist in links.values_list("service__category_id", "specialist_id"):
        staff_by_category[category].add(specialist)
    data = [category_json(c, sorted(staff_by_category[c.pk])) for c in categories.order_by("sort_order", "pk")]
    if wanted is not None and not data:
        raise not_found(_("No such service category."))
    return ok(data, {"total_count": len(data)})


@route(router, "GET", "/v1/company/{company_id}/service_categories/{id}", summary="List service categories")
def list_categories(request, company_id: str, id: str, staff_id: str | None = None):  # noqa: A002
    """`id` empty, 0 or `None`: every category. Always a list, even for one id."""
    return _categories(request, company_id, id, staff_id)


@route(router, "GET", "/v1/company/{company_id}/service_categories", include_in_schema=False)
def list_all_categories(request, company_id: str, staff_id: str | None = None):
    return _categories(request, company_id, None, staff_id)


# ---------------------------------------------------------------- services
def _services(request, company_id, service_id, staff_id, category_id):
    company = company_or_404(company_id)
    wanted = optional_path_id(service_id)
    services = Service.objects.filter(company=company, is_archived=False).order_by("sort_order", "title", "pk")
    if wanted is not None:
        services = services.filter(pk=wanted)
    staff_filter = optional_int(staff_id, "staff_id")
    if staff_filter is not None:
        services = services.filter(specialist_links__specialist_id=staff_filter)
    category_filter = optional_int(category_id, "category_id")
    if category_filter is not None:
        services = services.filter(category_id=category_filter)
    services = list(services)
    links = defaultdict(list)
    for link in SpecialistService.objects.filter(
        service__in=services, specialist__is_dismissed=False, specialist__companies=company
    ).select_related("service"):
        links[link.service_id].append(link)
    data = [service_json(service, links[service.pk]) for service in services]
    if wanted is not None and not data:
        raise not_found(_("No such service."))
    return ok(data, {"total_count": len(data)})


@route(router, "GET", "/v1/company/{company_id}/services/{service_id}", summary="List services")
def list_services(
    request, company_id: str, service_id: str, staff_id: str | None = None, category_id: str | None = None
):
    """`service_id` empty, 0 or `None`: every service. Always a list, even for one id."""
    return _services(request, company_id, service_id, staff_id, category_id)


@route(router, "GET", "/v1/company/{company_id}/services", include_in_schema=False)
def list_all_services(request, company_id: str, staff_id: str | None = None, category_id: str | None = None):
    return _services(request, company_id, None, staff_id, category_id)


# ---------------------------------------------------------------- staff
def _staff(request, company_id, staff_id):
    company = company_or_404(company_id)
    wanted = optional_path_id(staff_id)
    staff = Specialist.objects.filter(companies=company).select_related("position").order_by("sort_order", "pk")
    staff = staff.filter(pk=wanted) if wanted is not None else staff.filter(is_dismissed=False)
    data = [staff_json(s, company) for s in staff]
    if wanted is not None and not data:
        raise not_found(_("No such specialist."))
    return ok(data, {"total_count": len(data)})


# The staff schedule routes (/staff/schedule) are registered before these, by the schedule router.
@route(router, "GET", "/v1/company/{company_id}/staff/{staff_id}", summary="List staff")
def list_staff(request, company_id: str, staff_id: str):
    """`staff_id` empty, 0 or `None`: everyone who works in the branch. Always a list."""
    return _staff(request, company_id, staff_id)


@route(router, "GET", "/v1/company/{company_id}/staff", include_in_schema=False)
def list_all_staff(request, company_id: str):
    return _staff(request, company_id, None)
