"""The catalogue pages under Settings: services and their categories, positions, resources,
and the Excel export and import of services."""

import json
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.permissions import Level, Section
from frontdesk.catalog import services, spreadsheets
from frontdesk.catalog.forms import CategoryForm, ImportForm, PositionForm, ResourceForm, ServiceForm
from frontdesk.catalog.models import Position, Resource, Service, ServiceCategory
from frontdesk.catalog.performers import performed_by_someone
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.spreadsheets import background
from frontdesk.core.spreadsheets import views as sheets_views
from frontdesk.tenancy.permissions import section_required

IMPORT_SESSION_KEY = "catalog_import"


def _can_edit(request) -> bool:
    return request.membership.can(Section.SETTINGS, Level.EDIT)


def _catalogue(company_id):
    return redirect("catalog:services", company_id=company_id)


# --- The catalogue -------------------------------------------------------------------------


@section_required(Section.SETTINGS, Level.VIEW)
def catalogue(request, company_id):
    company = request.company
    active_services = (
        Service.objects.filter(is_archived=False)
        .annotate(has_performer=performed_by_someone())
        .prefetch_related("resources")
    )
    categories = list(
        ServiceCategory.objects.filter(company=company, is_archived=False).prefetch_related(
            Prefetch("services", queryset=active_services, to_attr="active_services")
        )
    )
    archived_categories = list(
        ServiceCategory.objects.filter(company=company, is_archived=True).annotate(service_count=Count("services"))
    )
    archived_services = list(
        Service.objects.filter(company=company, is_archived=True)
        .select_related("category")
        .order_by("category__title", "title")
    )
    return render(
        request,
        "catalog/catalogue.html",
        {
            "categories": categories,
            "service_count": sum(len(c.active_services) for c in categories),
            "unperformed_count": sum(1 for c in categories for s in c.active_services if not s.has_performer),
            "show": request.GET.get("show", ""),
            "archived_categories": archived_categories,
            "archived_services": archived_services,
            "archived_count": len(archived_categories) + len(archived_services),
            "can_edit": _can_edit(request),
            "currency": request.chain.currency_symbol,
        },
    )


@section_required(Section.SETTINGS, Level.EDIT)
@require_POST
def reorder(request, company_id):
    """Save the order after a drag: `kind` is "categories" or "services" (with `category`); `ids`
    lists the items top to bottom. Answers JSON; a foreign or stale id changes nothing."""
    data = request.POST
    ids = data.getlist("ids")
    if not ids and request.content_type == "application/json":
        try:
            data = json.loads(request.body)
            ids = data.get("ids") or []
        except (ValueError, AttributeError):
            return JsonResponse({"error": _("The new order could not be read.")}, status=400)
    try:
        if data.get("kind") == "categories":
            services.reorder_categories(request.company, ids)
        elif data.get("kind") == "services":
            category_id = str(data.get("category", ""))
            category = (
                ServiceCategory.objects.filter(company=request.company, pk=category_id).first()
                if category_id.isdigit()
                else None
            )
            if category is None:
                raise ValidationError(_("This category is not in this branch; reload the page and try again."))
            services.reorder_services(request.company, category, ids)
        else:
            raise ValidationError(_("The new order could not be read."))
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"ok": True})


# --- Categories ----------------------------------------------------------------------------


def _category_form(request, category):
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The category “%(title)s” is saved.") % {"title": form.instance.title})
            if request.GET.get("then") == "service":
                # Sent here from "Add a service" for want of a category: carry on to the service.
                url = reverse("catalog:service_add", kwargs={"company_id": request.company.pk})
                return redirect(f"{url}?category={form.instance.pk}")
            return _catalogue(request.company.pk)
    return render(request, "catalog/category_form.html", {"form": form, "category": category})


@section_required(Section.SETTINGS, Level.EDIT)
def category_add(request, company_id):
    return _category_form(request, ServiceCategory(company=request.company, chain=request.chain))


@section_required(Section.SETTINGS, Level.EDIT)
def category_edit(request, company_id, category_id):
    category = get_object_or_404(ServiceCategory.objects, pk=category_id, company=request.company)
    return _category_form(request, category)


def _archive_or_restore(request, obj, action, done_message):
    if request.method == "POST":
        try:
            action(obj)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done_message % {"title": str(obj)})


@section_required(Section.SETTINGS, Level.EDIT)
def category_archive(request, company_id, category_id):
    category = get_object_or_404(ServiceCategory.objects, pk=category_id, company=request.company)
    _archive_or_restore(request, category, services.archive_category, _("The category “%(title)s” is archived."))
    return _catalogue(company_id)


@section_required(Section.SETTINGS, Level.EDIT)
def category_restore(request, company_id, category_id):
    category = get_object_or_404(ServiceCategory.objects, pk=category_id, company=request.company)
    _archive_or_restore(request, category, services.restore_category, _("The category “%(title)s” is restored."))
    return _catalogue(company_id)


# --- Services ------------------------------------------------------------------------------


def _service_form(request, service):
    company = request.company
    if service.pk is None and not ServiceCategory.objects.filter(company=company, is_archived=False).exists():
        messages.info(request, _("Add a category first: every service lives in one."))
        return redirect(reverse("catalog:category_add", kwargs={"company_id": company.pk}) + "?then=service")
    form = ServiceForm(request.POST or None, request.FILES or None, instance=service, company=company)
    if request.method == "POST" and form.is_valid():
        resources = list(form.cleaned_data["resources"])
        if service.pk:
            # Archived resources are not offered in the form; their links stay as history.
            resources += list(service.resources.filter(is_archived=True))
        try:
            services.save_service(form.instance, resources=resources)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The service “%(title)s” is saved.") % {"title": form.instance.title})
            return _catalogue(company.pk)
    return render(
        request,
        "catalog/service_form.html",
        {"form": form, "service": service, "currency": request.chain.currency_symbol},
    )


@section_required(Section.SETTINGS, Level.EDIT)
def service_add(request, company_id):
    service = Service(company=request.company, chain=request.chain)
    category_id = request.GET.get("category", "")
    if category_id.isdigit():
        service.category = ServiceCategory.objects.filter(
            company=request.company, is_archived=False, pk=category_id
        ).first()
    return _service_form(request, service)


@section_required(Section.SETTINGS, Level.EDIT)
def service_edit(request, company_id, service_id):
    service = get_object_or_404(Service.objects.select_related("category"), pk=service_id, company=request.company)
    return _service_form(request, service)


@section_required(Section.SETTINGS, Level.EDIT)
def service_archive(request, company_id, service_id):
    service = get_object_or_404(Service.objects, pk=service_id, company=request.company)
    _archive_or_restore(request, service, services.archive_service, _("The service “%(title)s” is archived."))
    return _catalogue(company_id)


@section_required(Section.SETTINGS, Level.EDIT)
def service_restore(request, company_id, service_id):
    service = get_object_or_404(Service.objects, pk=service_id, company=request.company)
    _archive_or_restore(request, service, services.restore_service, _("The service “%(title)s” is restored."))
    return _catalogue(company_id)


# --- Positions -----------------------------------------------------------------------------


@section_required(Section.SETTINGS, Level.VIEW)
def positions(request, company_id):
    rows = Position.objects.filter(company=request.company).order_by("is_archived", "title", "id")
    return render(request, "catalog/positions.html", {"positions": rows, "can_edit": _can_edit(request)})


def _position_form(request, position):
    form = PositionForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_position(form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The position “%(title)s” is saved.") % {"title": form.instance.title})
            return redirect("catalog:positions", company_id=request.company.pk)
    return render(request, "catalog/position_form.html", {"form": form, "position": position})


@section_required(Section.SETTINGS, Level.EDIT)
def position_add(request, company_id):
    return _position_form(request, Position(company=request.company, chain=request.chain))


@section_required(Section.SETTINGS, Level.EDIT)
def position_edit(request, company_id, position_id):
    return _position_form(request, get_object_or_404(Position.objects, pk=position_id, company=request.company))


@section_required(Section.SETTINGS, Level.EDIT)
def position_archive(request, company_id, position_id):
    position = get_object_or_404(Position.objects, pk=position_id, company=request.company)
    _archive_or_restore(
        request,
        position,
        lambda p: services.set_position_archived(p, True),
        _("The position “%(title)s” is archived."),
    )
    return redirect("catalog:positions", company_id=company_id)


@section_required(Section.SETTINGS, Level.EDIT)
def position_restore(request, company_id, position_id):
    position = get_object_or_404(Position.objects, pk=position_id, company=request.company)
    _archive_or_restore(
        request,
        position,
        lambda p: services.set_position_archived(p, False),
        _("The position “%(title)s” is restored."),
    )
    return redirect("catalog:positions", company_id=company_id)


# --- Resources -----------------------------------------------------------------------------


@section_required(Section.SETTINGS, Level.VIEW)
def resources(request, company_id):
    rows = (
        Resource.objects.filter(company=request.company)
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.filter(is_archived=False), to_attr="active_services")
        )
        .order_by("is_archived", "title", "id")
    )
    return render(request, "catalog/resources.html", {"resources": rows, "can_edit": _can_edit(request)})


def _resource_form(request, resource):
    form = ResourceForm(request.POST or None, instance=resource, company=request.company)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_resource(form.instance, services=form.cleaned_data["services"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The resource “%(title)s” is saved.") % {"title": form.instance.title})
            return redirect("catalog:resources", company_id=request.company.pk)
    return render(request, "catalog/resource_form.html", {"form": form, "resource": resource})


@section_required(Section.SETTINGS, Level.EDIT)
def resource_add(request, company_id):
    return _resource_form(request, Resource(company=request.company, chain=request.chain))


@section_required(Section.SETTINGS, Level.EDIT)
def resource_edit(request, company_id, resource_id):
    return _resource_form(request, get_object_or_404(Resource.objects, pk=resource_id, company=request.company))


@section_required(Section.SETTINGS, Level.EDIT)
def resource_archive(request, company_id, resource_id):
    resource = get_object_or_404(Resource.objects, pk=resource_id, company=request.company)
    _archive_or_restore(
        request,
        resource,
        lambda r: services.set_resource_archived(r, True),
        _("The resource “%(title)s” is archived."),
    )
    return redirect("catalog:resources", company_id=company_id)


@section_required(Section.SETTINGS, Level.EDIT)
def resource_restore(request, company_id, resource_id):
    resource = get_object_or_404(Resource.objects, pk=resource_id, company=request.company)
    _archive_or_restore(
        request,
        resource,
        lambda r: services.set_resource_archived(r, False),
        _("The resource “%(title)s” is restored."),
    )
    return redirect("catalog:resources", company_id=company_id)


# --- Excel ---------------------------------------------------------------------------------


@section_required(Section.SETTINGS, Level.VIEW)
def export(request, company_id):
    stamp = timezone.localdate().isoformat()
    return sheets.xlsx_response(
        spreadsheets.export_services(request.company), f"services-{request.company.pk}-{stamp}.xlsx"
    )


@section_required(Section.SETTINGS, Level.EDIT)
def import_upload(request, company_id):
    """Step 1: upload and preview. Nothing is written; a clean preview is kept in the session
    under a fresh token for the confirmation step."""
    job_id = request.GET.get("job") or request.POST.get("job")
    if job_id:
        return sheets_views.job_page(
            request,
            kind="catalog.services",
            job_id=job_id,
            form=ImportForm(),
            page="catalog/import.html",
            done=lambda: _catalogue(company_id),
            partial="catalog/import_preview.html",
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        create_missing = form.cleaned_data["create_missing"]
        upload = form.cleaned_data["file"]
        data = upload.read()
        upload.seek(0)
        if background.estimate_rows(upload.name, data) > background.BACKGROUND_ROWS:
            # A large file: checked and imported by the task worker, its progress on this page.
            request.session.pop(IMPORT_SESSION_KEY, None)
            job = background.start(
                kind="catalog.services",
                company=request.company,
                user=request.user,
                name=upload.name,
                data=data,
                options={"create_missing": create_missing},
            )
            context = sheets_views.job_context(job, ImportForm(), {}, lambda: _catalogue(company_id))
            return sheets_views.render_preview(
                request, "catalog/import.html", context, partial="catalog/import_preview.html"
            )
        try:
            rows = spreadsheets.read_workbook(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            plan = spreadsheets.plan_import(request.company, rows, create_missing=create_missing)
            context.update(plan=plan, preview=plan, summary=plan.summary(), filename=form.cleaned_data["file"].name)
            request.session.pop(IMPORT_SESSION_KEY, None)
            if not plan.errors and plan.changes:
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "company": request.company.pk,
                    "create_missing": create_missing,
                    "filename": form.cleaned_data["file"].name,
                    "rows": [row.to_json() for row in rows],
                }
                context["token"] = token
    return sheets_views.render_preview(request, "catalog/import.html", context, partial="catalog/import_preview.html")


@section_required(Section.SETTINGS, Level.EDIT)
@require_POST
def import_confirm(request, company_id):
    """Step 2: write the previewed rows, re-checked against the catalogue as it is now."""
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if not pending or pending.get("token") != request.POST.get("token") or pending.get("company") != request.company.pk:
        messages.error(request, _("This preview has expired or belongs to another import. Upload the file again."))
        return redirect("catalog:import", company_id=company_id)
    rows = [spreadsheets.Row.from_json(data) for data in pending["rows"]]
    try:
        plan = spreadsheets.apply_import(request.company, rows, create_missing=pending["create_missing"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("catalog:import", company_id=company_id)
    finally:
        request.session.pop(IMPORT_SESSION_KEY, None)
    summary = plan.summary()
    messages.success(
        request,
        _(
            "The import is done: %(created)d services added, %(updated)d changed, %(unchanged)d unchanged, "
            "%(new_categories)d new categories."
        )
        % summary,
    )
    return _catalogue(company_id)
