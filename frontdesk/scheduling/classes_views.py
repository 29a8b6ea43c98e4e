"""Back-office pages of classes, the waiting list and calendar feeds, and the public feed."""

import datetime
import re
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.clients.models import Client
from frontdesk.clients.services import find_or_create_client
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.core.siteurl import absolute_url
from frontdesk.scheduling import classes as class_services
from frontdesk.scheduling import feeds, waitlist
from frontdesk.scheduling.classes_forms import ClassForm, NewClientForm, WaitlistForm
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import (
    CalendarFeed,
    GroupEvent,
    GroupEventStatus,
    Record,
    RecordStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.permissions import section_required


def _nav(key):
    def decorator(view):
        view.frontdesk_nav = key
        return view

    return decorator


def _own_only(request) -> bool:
    return bool(getattr(request.membership, "own_records_only", False))


def _classes(request):
    events = GroupEvent.objects.filter(company=request.company)
    if _own_only(request):
        events = events.filter(specialist__user=request.user)
    return events


def _can_edit(request) -> bool:
    return request.membership.can(Section.JOURNAL, Level.EDIT)


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Classes -----------------------------------------------------------------------------------


@_nav("classes")
@section_required(Section.JOURNAL, Level.VIEW)
def class_list(request, company_id):
    tz = ZoneInfo(request.company.timezone)
    today = timezone.now().astimezone(tz).date()
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    monday = day - datetime.timedelta(days=day.weekday())
    events = class_services.week_classes(request.company, monday)
    if _own_only(request):
        events = events.filter(specialist__user=request.user)
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        days.append((date, [e for e in events if e.start.astimezone(tz).date() == date]))
    for _date, day_events in days:
        for event in day_events:
            event.seats_left = class_services.seats_left(event)
    return render(
        request,
        "scheduling/classes_list.html",
        {
            "days": days,
            "monday": monday,
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "today": today,
            "can_edit": _can_edit(request),
        },
    )


@_nav("classes")
@section_required(Section.JOURNAL, Level.EDIT)
def class_new(request, company_id):
    company = request.company
    initial = {"date": request.GET.get("date") or None, "time": "10:00"}
    form = ClassForm(request.POST or None, company=company, initial=initial)
    conflicts = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = class_services.ClassPlan(
            service=data["service"],
            specialist=data["specialist"],
            start=form.start(),
            duration=data["duration"],
            resource=data["resource"],
            capacity=data["capacity"],
            comment=data["comment"],
            weekdays=tuple(data["weekdays"]),
            until=data["until"],
        )
        try:
            events, skipped = class_services.schedule_class(company, plan, skip_conflicts=data["skip_conflicts"])
        except ValidationError as error:
            conflicts = error.messages
        else:
            if len(events) == 1:
                messages.success(request, _("The class is in the journal."))
            else:
                messages.success(request, _("%(count)d classes are in the journal.") % {"count": len(events)})
            if skipped:
                messages.warning(request, _("Skipped dates: %(count)d.") % {"count": len(skipped)})
            return redirect("classes:detail", company_id=company.pk, class_id=events[0].pk)
    return render(request, "scheduling/classes_form.html", {"form": form, "conflicts": conflicts})


def _event(request, class_id) -> GroupEvent:
    return get_object_or_404(
        _classes(request).select_related("service", "specialist", "resource"), pk=class_id, company=request.company
    )


@_nav("classes")
@section_required(Section.JOURNAL, Level.VIEW)
def class_detail(request, company_id, class_id):
    event = _event(request, class_id)
    participants = list(Record.objects.filter(group_event=event).select_related("client"))
    participants.sort(key=lambda r: (r.status == RecordStatus.CANCELLED, r.pk))
    taken = sum(1 for r in participants if r.status in RecordStatus.TAKING_A_SEAT)
    query = request.GET.get("q", "").strip()
    found = []
    if query and _can_edit(request):
        digits = re.sub(r"\D", "", query)
        condition = Q(name__icontains=query)
        if len(digits) >= 3:
            condition |= Q(phone__contains=digits)
        found = list(Client.objects.filter(condition).order_by("name", "id")[:10])
    return render(
        request,
        "scheduling/classes_detail.html",
        {
            "event": event,
            "participants": participants,
            "taken": taken,
            "left": max(event.capacity - taken, 0),
            "query": query,
            "found": found,
            "new_client_form": NewClientForm(),
            "can_edit": _can_edit(request) and event.status == GroupEventStatus.SCHEDULED,
        },
    )


@section_required(Section.JOURNAL, Level.EDIT)
def class_add_participant(request, company_id, class_id):
    event = _event(request, class_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = redirect("classes:detail", company_id=request.company.pk, class_id=event.pk)
    if request.POST.get("client"):
        try:
            client = Client.objects.get(pk=int(request.POST["client"]))
        except (ValueError, Client.DoesNotExist):
            messages.error(request, _("This client was not found."))
            return back
    else:
        form = NewClientForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return back
        client = find_or_create_client(
            chain=request.chain, phone=form.cleaned_data["phone"], name=form.cleaned_data["name"]
        )
    try:
        class_services.add_participant(event, client, created_by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("%(client)s is in the class.") % {"client": client})
    return back


@section_required(Section.JOURNAL, Level.EDIT)
def class_participant(request, company_id, class_id):
    """Attendance (arrived / no-show / booked) or removal of one participant."""
    event = _event(request, class_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        record = Record.objects.get(pk=int(request.POST.get("record", "")), group_event=event)
    except (ValueError, Record.DoesNotExist):
        raise Http404 from None
    action = request.POST.get("action", "")
    try:
        if action == "remove":
            class_services.remove_participant(record)
            messages.success(request, _("The client was removed from the class."))
        else:
            class_services.mark_attendance(record, action)
    except ValidationError as error:
        _errors(request, error)
    return redirect("classes:detail", company_id=request.company.pk, class_id=event.pk)


@section_required(Section.JOURNAL, Level.EDIT)
def class_cancel(request, company_id, class_id):
    event = _event(request, class_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    class_services.cancel_class(event)
    messages.success(request, _("The class is cancelled; its participants' records are cancelled too."))
    return redirect("classes:detail", company_id=request.company.pk, class_id=event.pk)


# --- Waiting list ------------------------------------------------------------------------------


@_nav("waitlist")
@section_required(Section.JOURNAL, Level.VIEW)
def waitlist_page(request, company_id):
    company = request.company
    form = WaitlistForm(request.POST or None, company=company)
    if request.method == "POST":
        if not _can_edit(request):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            client = find_or_create_client(chain=request.chain, phone=data["phone"], name=data["name"])
            try:
                waitlist.add_entry(
                    company=company,
                    client=client,
                    service=data["service"],
                    specialist=data["specialist"],
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    time_from=data["time_from"],
                    time_to=data["time_to"],
                    comment=data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(client)s is on the waiting list.") % {"client": client})
                return redirect("classes:waitlist", company_id=company.pk)
    show_all = request.GET.get("all") == "1"
    entries = WaitlistEntry.objects.filter(company=company).select_related("client", "service", "specialist")
    if not show_all:
        entries = entries.filter(status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED])
    if _own_only(request):
        entries = entries.filter(specialist__user=request.user)
    return render(
        request,
        "scheduling/waitlist.html",
        {"entries": entries[:500], "form": form, "show_all": show_all, "can_edit": _can_edit(request)},
    )


def _entry(request, waitlist_entry_id) -> WaitlistEntry:
    return get_object_or_404(WaitlistEntry.objects, pk=waitlist_entry_id, company=request.company)


@section_required(Section.JOURNAL, Level.EDIT)
def waitlist_book(request, company_id, waitlist_entry_id):
    entry = _entry(request, waitlist_entry_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        waitlist.book_offer(entry, created_by=request.user)
    except BookingError as error:
        messages.error(request, error.message + " " + _("The client is waiting again."))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Booked: %(client)s.") % {"client": entry.client})
    return redirect("classes:waitlist", company_id=request.company.pk)


@section_required(Section.JOURNAL, Level.EDIT)
def waitlist_cancel(request, company_id, waitlist_entry_id):
    entry = _entry(request, waitlist_entry_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    waitlist.cancel_entry(entry)
    messages.success(request, _("The entry is cancelled."))
    return redirect("classes:waitlist", company_id=request.company.pk)


# --- Calendar feeds ----------------------------------------------------------------------------


def _feed_specialists(request):
    """A manager sees every specialist of the branch; anyone else only themself."""
    specialists = Specialist.objects.filter(companies=request.company, is_dismissed=False)
    membership = request.membership
    if not (membership.role in (Role.OWNER, Role.MANAGER) or membership.can(Section.SETTINGS, Level.EDIT)):
        specialists = specialists.filter(user=request.user)
    return specialists.select_related("calendar_feed")


@_nav("classes")
@section_required(Section.JOURNAL, Level.VIEW)
def calendar_feeds(request, company_id):
    specialists = _feed_specialists(request)
    if request.method == "POST":
        specialist = get_object_or_404(specialists, pk=request.POST.get("specialist") or 0)
        if request.POST.get("action") == "regenerate":
            feeds.regenerate_feed(specialist)
            messages.success(request, _("A new link is ready; the old one no longer works."))
        else:
            feeds.feed_for(specialist)
        return redirect("classes:calendar_feeds", company_id=request.company.pk)
    rows = []
    for specialist in specialists.order_by("sort_order", "name", "id"):
        feed = getattr(specialist, "calendar_feed", None)  # None when not created yet
        url = absolute_url(reverse("classes:calendar_feed", args=[feed.token]), request) if feed else ""
        rows.append((specialist, feed, url))
    return render(request, "scheduling/classes_calendar_feeds.html", {"rows": rows})


@require_GET
def calendar_feed(request, token):
    """The public, secret-address feed: no login, the token is the key (404 when unknown)."""
    with scopes_disabled():
        feed = CalendarFeed.unscoped.select_related("specialist").filter(token=token).first()
    if feed is None:
        raise Http404
    with scope(feed.chain_id):
        body = feeds.render_feed(feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
