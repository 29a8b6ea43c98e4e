"""The electronic journal: the page, the JSON endpoints its calendar calls, and the actions
(book, move, resize, change status, comment). Reading needs VIEW in the journal section, every
change needs EDIT. A specialist limited to own records sees and touches only their own column:
anyone else's record answers 404, as if it did not exist."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.services import find_or_create_client
from frontdesk.core.phones import format_phone
from frontdesk.scheduling import journal
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.errors import BookingError, SlotTaken
from frontdesk.scheduling.journal_forms import (
    BookForm,
    ChangeForm,
    CommentForm,
    MoveForm,
    PrepaidForm,
    RangeForm,
    ResizeForm,
    StatusForm,
)
from frontdesk.scheduling.models import CancelReason, Record, RecordService, RecordStatus
from frontdesk.scheduling.series import (
    FOLLOWING,
    SeriesConflict,
    book_series,
    cancel_occurrences,
    describe,
    local_label,
    move_occurrences,
    occurrences,
)
from frontdesk.scheduling.services import (
    book_visit,
    change_record_services,
    change_refusal,
    move_record,
    resize_record,
    set_record_comment,
    set_record_prepaid,
    set_record_status,
)
from frontdesk.tenancy.models import OpeningHours
from frontdesk.tenancy.permissions import section_required


def _error(message, status=400, **extra) -> JsonResponse:
    return JsonResponse({"ok": False, "error": str(message), **extra}, status=status)


def _form_error(form) -> JsonResponse:
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    first = next(iter(errors.values()))[0] if errors else _("Check the form.")
    return _error(first, errors=errors)


def _series_error(exc: ValidationError, tz, status=409, **extra) -> JsonResponse:
    """A series change that was refused as a whole: the head line plus each date and why."""
    messages = list(exc.messages)
    conflicts = [{"date": local_label(c.start, tz), "reason": str(c.reason)} for c in getattr(exc, "conflicts", [])]
    return _error(messages[0] if messages else _("Check the form."), status=status, conflicts=conflicts, **extra)


def _can_edit(request) -> bool:
    return request.membership.can(Section.JOURNAL, Level.EDIT)


def _today(company) -> datetime.date:
    return timezone.now().astimezone(ZoneInfo(company.timezone)).date()


def _parse_day(value, company) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else _today(company)
    except ValueError:
        return _today(company)


def _slot_limits(company) -> tuple[str, str]:
    """The grid's first and last hour: the branch's opening hours, a little wider."""
    hours = list(OpeningHours.objects.filter(company=company).values_list("opens", "closes"))
    if not hours:
        return "08:00", "22:00"
    opens = min(h[0] for h in hours)
    closes = max(h[1] for h in hours)
    first = max(opens.hour - 1, 0)
    last = min(closes.hour + (2 if closes.minute else 1), 24)
    return f"{first:02d}:00", f"{last:02d}:00"


def _record_for(request, record_id) -> Record:
    record = get_object_or_404(
        Record.objects.select_related("client", "specialist", "company", "series"),
        pk=record_id,
        company=request.company,
    )
    if not journal.viewer_for(request).sees_specialist(record.specialist_id):
        raise Http404
    return record


@section_required(Section.JOURNAL, Level.VIEW)
@require_GET
def journal_page(request, company_id):
    company = request.company
    request.session["company_id"] = company.pk
    viewer = journal.viewer_for(request)
    slot_min, slot_max = _slot_limits(company)
    specialists = list(journal.branch_specialists(company, viewer).values("id", "name"))
    record_url = reverse("journal:record", kwargs={"company_id": company.pk, "record_id": 0})
    config = {
        "date": _parse_day(request.GET.get("date"), company).isoformat(),
        "today": _today(company).isoformat(),
        "locale": get_language() or "en",
        "canEdit": _can_edit(request),
        "ownOnly": viewer.own_only,
        "ownSpecialist": viewer.specialist_id,
        "specialists": specialists,
        "slotMin": slot_min,
        "slotMax": slot_max,
        "urls": {
            "resources": reverse("journal:resources", kwargs={"company_id": company.pk}),
            "events": reverse("journal:events", kwargs={"company_id": company.pk}),
            "changes": reverse("journal:changes", kwargs={"company_id": company.pk}),
            "clients": reverse("journal:clients", kwargs={"company_id": company.pk}),
            "services": reverse("journal:services", kwargs={"company_id": company.pk}),
            "book": reverse("journal:book", kwargs={"company_id": company.pk}),
            "print": reverse("journal:print", kwargs={"company_id": company.pk}),
            "record": record_url,
        },
        "strings": {
            "today": _("Today"),
            "day": _("Day"),
            "week": _("Week"),
            "list": _("List"),
            "noClient": _("No client"),
            "noServices": _("This specialist has no services in this branch yet."),
            "notFound": _("Nobody found. Enter the new client's name and phone below."),
            "typeMore": _("Type at least three digits of the phone or two letters of the name."),
            "booked": _("The record is saved."),
            "moved": _("The record is moved."),
            "saved": _("Saved."),
            "network": _("No connection to the server. Check the network and try again."),
            "nearest": _("Nearest free times:"),
            "places": _("places"),
            "chooseSpecialist": _("Choose a specialist"),
            "overbooked": _("Overbooking"),
            "change": _("Change"),
            "noRecords": _("No records."),
            "minutes": _("min"),
            "prepaid": _("Prepayment"),
            "prepaidTitle": _("Prepayment required"),
            "series": _("Part of a series"),
            "skipAndBook": _("Book the others, skip these"),
            "cancel": _("Cancel"),
        },
    }
    return render(
        request,
        "scheduling/journal.html",
        {"journal_config": config, "specialists": specialists, "viewer": viewer, "can_edit": config["canEdit"]},
    )


def _range(request):
    form = RangeForm(request.GET)
    if not form.is_valid():
        return None, _form_error(form)
    return form.cleaned_data, None


@section_required(Section.JOURNAL, Level.VIEW)
@require_GET
def resources(request, company_id):
    data, error = _range(request)
    if error:
        return error
    viewer = journal.viewer_for(request)
    return JsonResponse(
        journal.journal_resources(request.company, data["day_from"], data["day_to"], viewer, data["everyone"]),
        safe=False,
    )


@section_required(Section.JOURNAL, Level.VIEW)
@require_GET
def events(request, company_id):
    data, error = _range(request)
    if error:
        return error
    company = request.company
    viewer = journal.viewer_for(request)
    specialist_id = data["specialist"]
    if specialist_id is not None and not viewer.sees_specialist(specialist_id):
        raise Http404
    items = journal.journal_events(
        company,
        data["day_from"],
        data["day_to"],
        viewer,
        can_edit=_can_edit(request),
        specialist_id=specialist_id,
        cancelled=data["cancelled"],
    )
    token = journal.changes_token(company, data["day_from"], data["day_to"], viewer)
    return JsonResponse({"events": items, "token": token})


@section_required(Section.JOURNAL, Level.VIEW)
@require_GET
def changes(request, company_id):
    data, error = _range(request)
    if error:
        return error
    viewer = journal.viewer_for(request)
    return JsonResponse({"token": journal.changes_token(request.company, data["day_from"], data["day_to"], viewer)})


@section_required(Section.JOURNAL, Level.EDIT)
@require_GET
def clients(request, company_id):
    found = journal.search_clients(request.GET.get("q", "")[:100], journal.viewer_for(request))
    return JsonResponse({"clients": [journal.client_row(client) for client in found]})


@section_required(Section.JOURNAL, Level.EDIT)
@require_GET
def services(request, company_id):
    raw = request.GET.get("specialist", "")
    viewer = journal.viewer_for(request)
    if not raw.isdigit():
        return _error(_("Choose a specialist."))
    specialist_id = int(raw)
    if not journal.branch_specialists(request.company, viewer).filter(pk=specialist_id).exists():
        raise Http404
    return JsonResponse({"services": journal.specialist_services(request.company, specialist_id)})


def _alternative(slot, tz) -> dict:
    start = slot.start_at.astimezone(tz)
    return {
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "label": start.strftime("%H:%M"),
        "day": date_format(start.date(), "D j M"),
        "specialist": slot.placements[0].specialist_id,
    }


@section_required(Section.JOURNAL, Level.EDIT)
@require_POST
def book(request, company_id):
    company = request.company
    viewer = journal.viewer_for(request)
    form = BookForm(request.POST, company=company, viewer=viewer)
    if not form.is_valid():
        return _form_error(form)
    data = form.cleaned_data
    specialist = data["specialist"]
    segments = [Segment(service.pk, specialist.pk) for service in data["services"]]
    tz = ZoneInfo(company.timezone)
    # The front desk may put a client in right now, or note a visit afterwards.
    now = data["start"] - datetime.timedelta(days=1)
    try:
        # A new client card and the records are saved together or not at all.
        with transaction.atomic():
            client = data["client"]
            if client is None:
                client = find_or_create_client(
                    chain=company.chain, phone=data["client_phone"], name=data["client_name"]
                )
            if data["repeat"]:
                return _book_series(request, data, segments, client, now, tz)
            records = book_visit(
                company=company,
                segments=segments,
                start=data["start"],
                client=client,
                source=data["source"],
                comment=data["comment"],
                created_by=request.user,
                overbook=data["overbook"],
                prepaid=data["prepaid"],
                now=now,
            )
    except SlotTaken as exc:
        return _error(exc.message, status=409, alternatives=[_alternative(s, tz) for s in exc.alternatives])
    except BookingError as exc:
        return _error(exc.message)
    except SeriesConflict as exc:
        # Nothing was saved (the new client card neither); say how many dates could still be booked.
        total = len(occurrences(data["start"], tz, **_repeat_rule(data)))
        return _series_error(exc, tz, others=total - len(exc.conflicts))
    except ValidationError as exc:
        return _error(exc.messages[0])
    return JsonResponse(
        {"ok": True, "records": [record.pk for record in records], "message": _("The record is saved.")}
    )


def _repeat_rule(data) -> dict:
    return {
        "frequency": data["frequency"],
        "interval": data["interval"],
        "until": data["until"],
        "count": data["count"],
    }


def _book_series(request, data, segments, client, now, tz) -> JsonResponse:
    series, records, skipped = book_series(
        company=request.company,
        segments=segments,
        start=data["start"],
        **_repeat_rule(data),
        skip_conflicts=data["skip_conflicts"],
        client=client,
        source=data["source"],
        comment=data["comment"],
        created_by=request.user,
        prepaid=data["prepaid"],
        now=now,
    )
    visits = len({record.visit_id for record in records})
    message = ngettext("The series is saved: %(count)d visit.", "The series is saved: %(count)d visits.", visits) % {
        "count": visits
    }
    if skipped:
        message += " " + ngettext("%(count)d date is skipped.", "%(count)d dates are skipped.", len(skipped)) % {
            "count": len(skipped)
        }
    return JsonResponse(
        {
            "ok": True,
            "series": series.pk,
            "records": [record.pk for record in records],
            "skipped": [local_label(c.start, tz) for c in skipped],
            "message": message,
        }
    )


@section_required(Section.JOURNAL, Level.VIEW)
def record_detail(request, company_id, record_id):
    record = _record_for(request, record_id)
    lines = list(RecordService.objects.filter(record=record).select_related("service").order_by("position"))
    tz = ZoneInfo(request.company.timezone)
    can_edit = _can_edit(request)
    refusal = change_refusal(record)  # a checked-out visit is changed at the cash desk only
    return render(
        request,
        "scheduling/journal_record.html",
        {
            "record": record,
            "lines": lines,
            "total": sum((line.price for line in lines), start=0),
            "start": record.start.astimezone(tz),
            "end": record.end.astimezone(tz),
            "phone": format_phone(record.client.phone) if record.client else "",
            "actions": journal.status_actions(record) if can_edit and not refusal else [],
            "refusal": refusal,
            "can_edit": can_edit,
            "comment_form": CommentForm(initial={"comment": record.comment}),
            "status_colour": journal.STATUS_COLOURS.get(record.status),
            "cancel_reasons": [(reason.value, reason.label) for reason in CancelReason.CHOSEN],
            "cancelled_at": record.cancelled_at.astimezone(tz) if record.cancelled_at else None,
            "series_label": describe(record.series) if record.series else "",
            # The cash desk takes the payment on its own page (frontdesk.finance).
            "can_check_out": request.membership.can(Section.FINANCE, Level.EDIT),
            "can_see_payment": request.membership.can(Section.FINANCE, Level.VIEW),
            "can_see_client": record.client_id and request.membership.can(Section.CLIENTS, Level.VIEW),
            **_change_choices(request, record, can_edit and not refusal),
        },
    )


def _change_choices(request, record, may_change) -> dict:
    """What the dialog's "Change services or specialist" offers: the branch's specialists and the
    services of the record's specialist (the booking form's lists), the record's own ticked."""
    if not may_change or record.status not in RecordStatus.UNFINISHED or record.group_event_id:
        return {"change": None}
    ticked = list(record.lines.order_by("position").values_list("service_id", flat=True))
    offered = journal.specialist_services(request.company, record.specialist_id)
    return {
        "change": {
            "specialists": list(
                journal.branch_specialists(request.company, journal.viewer_for(request)).values("id", "name")
            ),
            "services": [{**service, "ticked": service["id"] in ticked} for service in offered],
            "order": " ".join(str(pk) for pk in ticked),
        }
    }


@section_required(Section.JOURNAL, Level.EDIT)
def record_move(request, company_id, record_id):
    record = _record_for(request, record_id)  # 404 for a stranger's record before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MoveForm(request.POST, company=request.company, viewer=journal.viewer_for(request))
    if not form.is_valid():
        return _form_error(form)
    data = form.cleaned_data
    try:
        if data["which"] == FOLLOWING and record.series_id:
            moved = move_occurrences(record, start=data["start"], which=FOLLOWING, specialist=data["specialist"])
            return JsonResponse(
                {
                    "ok": True,
                    "records": [r.pk for r in moved],
                    "message": ngettext("%(count)d record is moved.", "%(count)d records are moved.", len(moved))
                    % {"count": len(moved)},
                }
            )
        move_record(record, start=data["start"], specialist=data["specialist"], overbook=data["overbook"])
    except BookingError as exc:
        return _error(exc.message)
    except SeriesConflict as exc:
        return _series_error(exc, ZoneInfo(request.company.timezone), status=400)
    return JsonResponse({"ok": True, "message": _("The record is moved.")})


@section_required(Section.JOURNAL, Level.EDIT)
def record_change(request, company_id, record_id):
    """The visit dialog's change of the record's services and specialist, through the one service
    that does it (collisions, prices and durations as at booking, events, the event log)."""
    record = _record_for(request, record_id)  # 404 for a stranger's record before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ChangeForm(request.POST, company=request.company, viewer=journal.viewer_for(request))
    if not form.is_valid():
        return _form_error(form)
    data = form.cleaned_data
    wanted = [service.pk for service in data["services"]]
    current = list(record.lines.order_by("position").values_list("service_id", flat=True))
    if wanted == current and data["specialist"].pk == record.specialist_id:
        return JsonResponse({"ok": True, "message": _("Nothing has changed.")})
    try:
        change_record_services(record, wanted, specialist=data["specialist"], overbook=data["overbook"])
    except BookingError as exc:
        return _error(exc.message, status=409)
    return JsonResponse({"ok": True, "message": _("The visit is changed.")})


@section_required(Section.JOURNAL, Level.EDIT)
def record_resize(request, company_id, record_id):
    record = _record_for(request, record_id)  # 404 for a stranger's record before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ResizeForm(request.POST, company=request.company)
    if not form.is_valid():
        return _form_error(form)
    try:
        resize_record(record, end=form.cleaned_data["end"], overbook=form.cleaned_data["overbook"])
    except BookingError as exc:
        return _error(exc.message)
    return JsonResponse({"ok": True, "message": _("Saved.")})


@section_required(Section.JOURNAL, Level.EDIT)
def record_status(request, company_id, record_id):
    record = _record_for(request, record_id)  # 404 for a stranger's record before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    status = form.cleaned_data["status"]
    if status == RecordStatus.COMPLETED:
        return _error(_("A visit is completed at checkout."))
    try:
        why = {"reason": form.cleaned_data["reason"], "comment": form.cleaned_data["reason_comment"]}
        if status == RecordStatus.CANCELLED and form.cleaned_data["which"] == FOLLOWING and record.series_id:
            cancelled = cancel_occurrences(record, which=FOLLOWING, **why)
            return JsonResponse(
                {
                    "ok": True,
                    "status": status,
                    "records": [r.pk for r in cancelled],
                    "message": ngettext(
                        "%(count)d record is cancelled.", "%(count)d records are cancelled.", len(cancelled)
                    )
                    % {"count": len(cancelled)},
                }
            )
        record = set_record_status(record, status, **why)
    except BookingError as exc:
        return _error(exc.message)
    return JsonResponse({"ok": True, "status": record.status, "message": _("Saved.")})


@section_required(Section.JOURNAL, Level.EDIT)
def record_comment(request, company_id, record_id):
    record = _record_for(request, record_id)  # 404 for a stranger's record before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    set_record_comment(record, form.cleaned_data["comment"])
    return JsonResponse({"ok": True, "message": _("Saved.")})


@section_required(Section.JOURNAL, Level.EDIT)
def record_prepaid(request, company_id, record_id):
    record = _record_for(request, record_id)  # 404 for a stranger's record before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PrepaidForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    record = set_record_prepaid(record, form.cleaned_data["prepaid"])
    return JsonResponse({"ok": True, "prepaid": record.prepaid, "message": _("Saved.")})


@section_required(Section.JOURNAL, Level.VIEW)
@require_GET
def print_day(request, company_id):
    company = request.company
    day = _parse_day(request.GET.get("date"), company)
    viewer = journal.viewer_for(request)
    tz = ZoneInfo(company.timezone)
    columns = journal.column_specialists(company, day, day, viewer)
    records = list(journal.journal_records(company, day, day, viewer))
    by_specialist = {specialist.pk: [] for specialist in columns}
    for record in records:
        by_specialist.setdefault(record.specialist_id, []).append(
            {
                "record": record,
                "start": record.start.astimezone(tz),
                "end": record.end.astimezone(tz),
                "phone": format_phone(record.client.phone) if record.client else "",
                "services": [line.service.title for line in record.lines.all()],
            }
        )
    names = {specialist.pk: specialist for specialist in columns}
    names.update({r.specialist_id: r.specialist for r in records if r.specialist_id not in names})
    sheets = [(names[pk], rows) for pk, rows in by_specialist.items()]
    return render(request, "scheduling/journal_print.html", {"day": day, "sheets": sheets})
