import datetime
from collections import defaultdict
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.dates import parse_date
from frontdesk.core.spreadsheets import views as sheets_views
from frontdesk.staff import grid, schedules, services, spreadsheets
from frontdesk.staff.forms import AbsenceForm, ApplyTemplateForm, SpecialistForm, TemplateForm
from frontdesk.staff.models import Absence, ScheduleTemplate, Specialist
from frontdesk.tenancy.permissions import any_member, section_required

SCHEDULE_PRESETS = ["10:00-19:00", "09:00-18:00", "10:00-21:00", "09:00-13:00, 14:00-18:00", "10:00-14:00, 15:00-21:00"]


def _today(company) -> datetime.date:
    return timezone.now().astimezone(company.tz).date()


def _can_edit(request) -> bool:
    return request.membership.can(Section.SETTINGS, Level.EDIT)


def _specialist(request, specialist_id) -> Specialist:
    return get_object_or_404(Specialist.objects.filter(companies=request.company).distinct(), pk=specialist_id)


# ---------------------------------------------------------------- staff
@section_required(Section.SETTINGS, Level.VIEW)
def staff_list(request, company_id):
    show = request.GET.get("show", "working")
    specialists = (
        Specialist.objects.filter(companies=request.company)
        .select_related("position", "user")
        .prefetch_related("companies")
        .order_by("sort_order", "name", "id")
    )
    specialists = specialists.filter(is_dismissed=(show == "dismissed"))
    return render(
        request,
        "staff/list.html",
        {"specialists": specialists, "show": show, "can_edit": _can_edit(request), "staff_tab": "staff"},
    )


def _save_form(request, form, specialist):
    try:
        with transaction.atomic():
            specialist = form.save(commit=False)
            services.save_specialist(
                chain=request.chain,
                specialist=specialist,
                companies=form.cleaned_data["companies"],
                services=form.cleaned_services,
                user=form.cleaned_data.get("user"),
            )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None
    return specialist


@section_required(Section.SETTINGS, Level.EDIT)
def staff_add(request, company_id):
    form = SpecialistForm(
        request.POST or None, request.FILES or None, chain=request.chain, initial={"companies": [request.company.pk]}
    )
    if request.method == "POST" and form.is_valid():
        specialist = _save_form(request, form, None)
        if specialist is not None:
            messages.success(request, _("Specialist “%(name)s” is added.") % {"name": specialist.name})
            return redirect("staff:list", company_id=company_id)
    return render(request, "staff/form.html", {"form": form, "staff_tab": "staff"})


@section_required(Section.SETTINGS, Level.EDIT)
def staff_edit(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    form = SpecialistForm(request.POST or None, request.FILES or None, instance=specialist, chain=request.chain)
    if request.method == "POST" and form.is_valid() and _save_form(request, form, specialist) is not None:
        messages.success(request, _("The specialist is saved."))
        return redirect("staff:list", company_id=company_id)
    return render(request, "staff/form.html", {"form": form, "specialist": specialist, "staff_tab": "staff"})


@section_required(Section.SETTINGS, Level.EDIT)
def staff_dismiss(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    on = parse_date(request.POST.get("on"))
    services.dismiss_specialist(specialist, on or _today(request.company))
    messages.success(request, _("%(name)s is dismissed; their history is kept.") % {"name": specialist.name})
    return redirect("staff:list", company_id=company_id)


@section_required(Section.SETTINGS, Level.EDIT)
def staff_restore(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.restore_specialist(specialist)
    messages.success(request, _("%(name)s is back on the staff.") % {"name": specialist.name})
    return redirect("staff:list", company_id=company_id)


# ---------------------------------------------------------------- schedule grid
def _grid_context(request, first):
    data = grid.build(request.company, first)
    return {
        **data,
        "month": first,
        "prev_month": grid.add_months(first, -1),
        "next_month": grid.add_months(first, 1),
        "can_edit": _can_edit(request),
        "today": _today(request.company),
    }


@section_required(Section.SETTINGS, Level.VIEW)
def schedule(request, company_id):
    services.ensure_preset_templates(request.chain)
    first = grid.parse_month(request.GET.get("month"), _today(request.company))
    context = _grid_context(request, first)
    context.update(
        {
            "presets": SCHEDULE_PRESETS,
            "templates": list(ScheduleTemplate.objects.all()),
            "staff_tab": "schedule",
            "absence_form": AbsenceForm(company=request.company, prefix="abs"),
        }
    )
    return render(request, "staff/schedule.html", context)


schedule.frontdesk_nav = "schedule"


def _parse_cells(request):
    cells = defaultdict(set)
    for raw in request.POST.getlist("cell"):
        try:
            sid, day = raw.split(":", 1)
            cells[int(sid)].add(datetime.date.fromisoformat(day))
        except ValueError:
            raise ValidationError(_("The selection is not understood; reload the page.")) from None
    if not cells:
        raise ValidationError(_("Select one or more days first."))
    if sum(len(days) for days in cells.values()) > 31 * 200:
        raise ValidationError(_("Select fewer days at a time."))
    return cells


def _apply_to_selection(request, cells):
    action = request.POST.get("action")
    company = request.company
    specialists = {
        s.pk: s for s in Specialist.objects.filter(pk__in=list(cells), companies=company, is_dismissed=False)
    }
    if set(cells) - set(specialists):
        raise ValidationError(_("This specialist does not work in this branch."))
    if action == "hours":
        plan = schedules.parse_day(request.POST.get("hours"))
        services.set_days(company, {sid: dict.fromkeys(days, plan) for sid, days in cells.items()})
    elif action == "off":
        services.set_days(company, {sid: {day: [] for day in days} for sid, days in cells.items()})
    elif action == "template":
        template = ScheduleTemplate.objects.filter(pk=request.POST.get("template") or 0).first()
        if template is None:
            raise ValidationError(_("Choose a template."))
        plans = services.template_plans(template)
        changes = {}
        for sid, days in cells.items():
            anchor = min(days)  # a cycle starts on the first selected day of each row
            changes[sid] = {day: schedules.template_day(template.kind, plans, anchor, day) for day in days}
        services.set_days(company, changes)
    elif action in ("vacation", "sick", "day_off"):
        with transaction.atomic():
            for sid, days in cells.items():
                services.mark_absent(specialists[sid], action, days)
    elif action == "clear_absence":
        with transaction.atomic():
            for sid, days in cells.items():
                services.clear_absence_days(specialists[sid], days)
    else:
        raise ValidationError(_("Unknown action."))


@require_POST
@section_required(Section.SETTINGS, Level.EDIT)
def schedule_apply(request, company_id):
    """Apply preset hours, a template, a day off or an absence to the selected cells; answers
    with the refreshed grid (or 400 and the reason, nothing changed)."""
    first = grid.parse_month(request.POST.get("month"), _today(request.company))
    try:
        _apply_to_selection(request, _parse_cells(request))
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages), content_type="text/plain; charset=utf-8")
    return render(request, "staff/_grid.html", _grid_context(request, first))


@require_POST
@section_required(Section.SETTINGS, Level.EDIT)
def schedule_copy(request, company_id):
    """Copy a month to the next month, or the week starting on a date to the next week."""
    first = grid.parse_month(request.POST.get("month"), _today(request.company))
    ids = list(Specialist.objects.filter(companies=request.company, is_dismissed=False).values_list("pk", flat=True))
    try:
        if request.POST.get("period") == "week":
            start = parse_date(request.POST.get("week_start"))
            if start is None:
                raise ValidationError(_("Choose the first day of the week to copy."))
            end = start + datetime.timedelta(days=6)
            services.copy_period(
                request.company, ids, start, end, end + datetime.timedelta(days=1), end + datetime.timedelta(days=7)
            )
            messages.success(request, _("The week is copied to the next week."))
        else:
            source = grid.month_bounds(first)
            target = grid.month_bounds(grid.add_months(first, 1))
            services.copy_period(request.company, ids, *source, *target)
            messages.success(request, _("The month is copied to the next month."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{_url('staff:schedule', company_id)}?month={first:%Y-%m}")


def _url(name, company_id, **kwargs):
    from django.urls import reverse

    return reverse(name, kwargs={"company_id": company_id, **kwargs})


@require_POST
@section_required(Section.SETTINGS, Level.EDIT)
def absence_add(request, company_id):
    form = AbsenceForm(request.POST, company=request.company, prefix="abs")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_absence(data["specialist"], data["kind"], data["date_from"], data["date_to"], data["comment"])
            messages.success(request, _("The absence is saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    month = form.cleaned_data.get("date_from") if form.is_valid() else None
    suffix = f"?month={month:%Y-%m}" if month else ""
    return redirect(_url("staff:schedule", company_id) + suffix)


@section_required(Section.SETTINGS, Level.EDIT)
def absence_delete(request, company_id, absence_id):
    absence = get_object_or_404(Absence.objects.filter(specialist__companies=request.company).distinct(), pk=absence_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    absence.delete()
    messages.success(request, _("The absence is removed."))
    return redirect("staff:absences", company_id=company_id)


@section_required(Section.SETTINGS, Level.VIEW)
def absences(request, company_id):
    rows = (
        Absence.objects.filter(specialist__companies=request.company, date_to__gte=_today(request.company))
        .select_related("specialist")
        .distinct()
        .order_by("date_from")
    )
    form = AbsenceForm(company=request.company, prefix="abs")
    return render(
        request,
        "staff/absences.html",
        {"absences": rows, "absence_form": form, "can_edit": _can_edit(request), "staff_tab": "absences"},
    )


absences.frontdesk_nav = "schedule"


# ---------------------------------------------------------------- templates
@section_required(Section.SETTINGS, Level.VIEW)
def templates(request, company_id):
    services.ensure_preset_templates(request.chain)
    form = ApplyTemplateForm(request.POST or None, company=request.company, prefix="apply")
    if request.method == "POST":
        if not _can_edit(request):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.apply_template(
                    data["template"],
                    data["specialists"],
                    request.company,
                    data["date_from"],
                    data["date_to"],
                    data.get("anchor"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The template is applied."))
                return redirect(f"{_url('staff:schedule', company_id)}?month={data['date_from']:%Y-%m}")
    rows = [
        (t, [schedules.format_day(schedules.day_from_json(d)) for d in t.days]) for t in ScheduleTemplate.objects.all()
    ]
    return render(
        request,
        "staff/templates.html",
        {"rows": rows, "apply_form": form, "can_edit": _can_edit(request), "staff_tab": "templates"},
    )


templates.frontdesk_nav = "schedule"


def _template_form(request, company_id, template):
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_template(form.instance, request.chain)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("staff:templates", company_id=company_id)
    return render(request, "staff/template_form.html", {"form": form, "template": template, "staff_tab": "templates"})


@section_required(Section.SETTINGS, Level.EDIT)
def template_add(request, company_id):
    return _template_form(request, company_id, ScheduleTemplate(chain=request.chain))


@section_required(Section.SETTINGS, Level.EDIT)
def template_edit(request, company_id, template_id):
    return _template_form(request, company_id, get_object_or_404(ScheduleTemplate.objects, pk=template_id))


@section_required(Section.SETTINGS, Level.EDIT)
def template_delete(request, company_id, template_id):
    template = get_object_or_404(ScheduleTemplate.objects, pk=template_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    template.delete()
    messages.success(request, _("The template is deleted."))
    return redirect("staff:templates", company_id=company_id)


# ---------------------------------------------------------------- own schedule
@any_member
def my_schedule(request, company_id):
    """A specialist's own schedule (read-only); managers are sent to the grid."""
    if request.membership.can(Section.SETTINGS, Level.VIEW):
        return redirect("staff:schedule", company_id=company_id)
    specialist = Specialist.objects.filter(user=request.user, companies=request.company).first()
    first = grid.parse_month(request.GET.get("month"), _today(request.company))
    context = {
        "specialist": specialist,
        "month": first,
        "prev_month": grid.add_months(first, -1),
        "next_month": grid.add_months(first, 1),
    }
    if specialist is not None:
        data = grid.build(request.company, first, specialists=[specialist])
        context["days"] = list(zip(data["days"], data["rows"][0]["cells"], strict=True))
    return render(request, "staff/my_schedule.html", context)


my_schedule.frontdesk_nav = "schedule"


# ---------------------------------------------------------------- Excel
@section_required(Section.SETTINGS, Level.VIEW)
def staff_export(request, company_id):
    data = spreadsheets.export_staff(request.company, get_language())
    return sheets.xlsx_response(data, f"staff-{request.company.pk}.xlsx")


@section_required(Section.SETTINGS, Level.VIEW)
def schedule_export(request, company_id):
    first = grid.parse_month(request.GET.get("month"), _today(request.company))
    data = spreadsheets.export_schedule(request.company, *grid.month_bounds(first), get_language())
    return sheets.xlsx_response(data, f"schedule-{request.company.pk}-{first:%Y-%m}.xlsx")


def _import(request, company_id, kind):
    """Upload → preview (every bad row with its reason) → confirm; see `core.spreadsheets.views`."""
    if kind == "staff":
        read = partial(spreadsheets.read_staff, chain=request.chain)
        apply = partial(spreadsheets.apply_staff, chain=request.chain)
    else:
        read = partial(spreadsheets.read_schedule, company=request.company)
        apply = partial(spreadsheets.apply_schedule, company=request.company)
    return sheets_views.import_page(
        request,
        form_class=sheets.UploadForm,
        read=read,
        apply=apply,
        session_key=f"staff_import_{kind}",
        page="staff/import.html",
        done=lambda: redirect("staff:list" if kind == "staff" else "staff:schedule", company_id=company_id),
        context={"kind": kind, "staff_tab": "staff" if kind == "staff" else "schedule"},
        background=f"staff.{kind}",
    )


@section_required(Section.SETTINGS, Level.EDIT)
def staff_import(request, company_id):
    return _import(request, company_id, "staff")


@section_required(Section.SETTINGS, Level.EDIT)
def schedule_import(request, company_id):
    return _import(request, company_id, "schedule")


schedule_import.frontdesk_nav = "schedule"
