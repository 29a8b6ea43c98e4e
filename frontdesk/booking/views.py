"""The client's booking pages: choose a branch, then services, specialist, date and time in the
order the branch prefers (or the client picks), then name and phone. The whole choice lives in
the URL's query string, so every step is a plain link (htmx only makes it feel instant), the
back button works, and a step can be shared or bookmarked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.booking import services
from frontdesk.booking.forms import BookingForm
from frontdesk.booking.models import Channel, OnlineBookingSettings, StepOrder
from frontdesk.booking.phone_codes import code_context, confirmed_phone, phone_token, request_code, verify_code
from frontdesk.booking.public import PASSTHROUGH, public_booking
from frontdesk.clients.models import Client
from frontdesk.core.middleware import client_ip
from frontdesk.core.phones import normalize_phone
from frontdesk.core.querystrings import with_params
from frontdesk.core.siteurl import absolute_url
from frontdesk.notifications.telegram import deep_link
from frontdesk.payments.models import PrepaymentMode
from frontdesk.payments.online import (
    booking_mode,
    confirmation_url,
    hold_for_prepayment,
    open_prepayment,
    prepayment_mode,
    prepayment_state,
    visit_mode,
)
from frontdesk.scheduling.availability import Segment, ServiceUnavailable, group_by_local_date
from frontdesk.scheduling.errors import BookingError, SlotTaken
from frontdesk.scheduling.models import is_upcoming
from frontdesk.tenancy.models import Company

SEQUENCES = {
    StepOrder.SERVICE_FIRST: ["services", "specialist", "date", "time"],
    StepOrder.SPECIALIST_FIRST: ["specialist", "services", "date", "time"],
    StepOrder.TIME_FIRST: ["date", "time", "services", "specialist"],
}
STEP_PARAMS = {"services": {"s": []}, "specialist": {"m": ""}, "date": {"d": "", "t": ""}, "time": {"t": ""}}
DAYS_SHOWN = 14


def _int(value):
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


@dataclass
class State:
    """What the client has chosen so far, read from (and written back to) the query string."""

    order: str
    service_ids: list[int] = field(default_factory=list)
    specialist: str = ""  # "", "any" or an id
    day: datetime.date | None = None
    time: str = ""  # "HH:MM"
    event_id: int | None = None
    start_day: datetime.date | None = None  # first day of the date strip
    extra: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, params, default_order):
        order = params.get("o") if params.get("o") in SEQUENCES else default_order
        state = cls(order=order, extra={k: params.get(k)[:200] for k in PASSTHROUGH if params.get(k)})
        for raw in params.getlist("s"):
            value = _int(raw)
            if value is None:
                state.problems.append(_("A chosen service is not available online. Choose again."))
            elif value not in state.service_ids:
                state.service_ids.append(value)
        specialist = params.get("m", "")
        if specialist == "any" or _int(specialist) is not None:
            state.specialist = "any" if specialist == "any" else str(_int(specialist))
        elif specialist:
            state.problems.append(_("This specialist is not available online. Choose again."))
        for key, attr in (("d", "day"), ("from", "start_day")):
            if params.get(key):
                try:
                    setattr(state, attr, datetime.date.fromisoformat(params[key]))
                except ValueError:
                    state.problems.append(_("This date cannot be chosen. Choose another one."))
        time = params.get("t", "")
        if time:
            try:
                state.time = datetime.time.fromisoformat(time).strftime("%H:%M")
            except ValueError:
                state.problems.append(_("This time cannot be chosen. Choose another one."))
        if params.get("e"):
            state.event_id = _int(params["e"])
        return state

    def params(self, **changes) -> dict:
        values = {
            "o": self.order,
            "s": self.service_ids,
            "m": self.specialist,
            "d": self.day.isoformat() if self.day else "",
            "t": self.time,
            "e": self.event_id or "",
            **self.extra,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None, [])}

    def url(self, **changes) -> str:
        return with_params(self.params(**changes))

    def change_url(self, step: str) -> str:
        """The link that re-opens a step: it and every later step are chosen again."""
        sequence = SEQUENCES[self.order]
        cleared = {}
        for name in sequence[sequence.index(step) :]:
            cleared.update(STEP_PARAMS[name])
        return self.url(**cleared)

    def links(self) -> dict:
        links = {name: self.change_url(name) for name in STEP_PARAMS}
        links["class"] = self.url(e="")
        links["hidden_services"] = [
            (key, value)
            for key, values in self.params(s=[]).items()
            for value in (values if isinstance(values, list) else [values])
        ]
        links["orders"] = [
            (value, label, value == self.order, "?" + urlencode({"o": value, **self.extra}))
            for value, label in StepOrder.choices
        ]
        return links

    @property
    def specialist_id(self) -> int | None:
        return int(self.specialist) if self.specialist not in ("", "any") else None

    def start(self, tz) -> datetime.datetime | None:
        if not (self.day and self.time):
            return None
        return datetime.datetime.combine(self.day, datetime.time.fromisoformat(self.time), tzinfo=tz)


def _origin(state: State, request) -> services.Origin:
    channel = state.extra.get("src", Channel.PAGE)
    if channel not in (Channel.PAGE, Channel.WIDGET, Channel.SOCIAL):
        channel = Channel.PAGE
    if channel == Channel.PAGE and state.extra.get("utm_source") and not state.extra.get("ref"):
        channel = Channel.SOCIAL
    return services.Origin(
        channel=channel,
        utm_source=state.extra.get("utm_source", ""),
        utm_medium=state.extra.get("utm_medium", ""),
        utm_campaign=state.extra.get("utm_campaign", ""),
        referrer=state.extra.get("ref", "") or request.META.get("HTTP_REFERER", "")[:500],
    )


def _local_time(moment, tz) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


class Flow:
    """Works out the current step from the state and what the branch offers."""

    def __init__(self, request, company, state: State):
        self.request = request
        self.company = company
        self.tz = company.tz
        self.state = state
        self.settings: OnlineBookingSettings = request.booking_settings
        self.today = timezone.now().astimezone(self.tz).date()
        self.last_day = self.today + datetime.timedelta(days=self.settings.max_days_ahead)
        self.all_services = services.bookable_services(company)
        by_id = {s.pk: s for s in self.all_services}
        self.services = [by_id[i] for i in state.service_ids if i in by_id]
        if len(self.services) != len(state.service_ids):
            state.problems.append(_("A chosen service is not available online. Choose again."))
            state.service_ids = [s.pk for s in self.services]
        self.specialists = services.bookable_specialists(company)
        self.specialist = None
        if state.specialist_id is not None:
            self.specialist = next((s for s in self.specialists if s.pk == state.specialist_id), None)
            if self.specialist is None:
                state.problems.append(_("This specialist is not available online. Choose again."))
                state.specialist = ""
        if state.day and not (self.today <= state.day <= self.last_day):
            state.problems.append(_("Bookings are taken from today up to %(date)s.") % {"date": self.last_day})
            state.day, state.time = None, ""

    def segments(self, specialist=True) -> list[Segment]:
        spec = self.state.specialist_id if specialist else None
        return [Segment(s.pk, spec) for s in self.services]

    def slots(self, day_from, day_to, segments=None):
        try:
            return services.online_slots(self.company, segments or self.segments(), day_from, day_to)
        except ServiceUnavailable:
            return []

    def times_any_service(self, day_from, day_to) -> dict:
        """Time-first: free starts over all bookable services → the services free at each."""
        found: dict[int, set[int]] = {}
        for service in self.all_services:
            for slot in self.slots(day_from, day_to, [Segment(service.pk, self.state.specialist_id)]):
                found.setdefault(slot.start, set()).add(service.pk)
        return found

    def step(self) -> str:
        if self.state.event_id:
            return "details"
        for name in SEQUENCES[self.state.order]:
            if name == "services" and not self.services:
                return "services"
            if name == "specialist" and not self.state.specialist:
                return "specialist"
            if name == "date" and not self.state.day:
                return "date"
            if name == "time" and not self.state.time:
                return "time"
        return "details"

    # --- the data each step shows ----------------------------------------------------------

    def service_choices(self):
        chosen = {s.pk for s in self.services}
        candidates = self.all_services
        if self.specialist is not None:
            own = set(self.specialist.service_links.values_list("service_id", flat=True))
            candidates = [s for s in candidates if s.pk in own]
        if self.state.order == StepOrder.TIME_FIRST and self.state.day and self.state.time:
            start = self.state.start(self.tz)
            minute = int(start.timestamp()) // 60
            free = self.times_any_service(self.state.day, self.state.day).get(minute, set())
            candidates = [s for s in candidates if s.pk in free]
        groups: list[tuple[str, list]] = []
        for service in candidates:
            if not groups or groups[-1][0] != service.category.title:
                groups.append((service.category.title, []))
            groups[-1][1].append((service, service.pk in chosen))
        return groups

    def specialist_choices(self):
        specialists = services.bookable_specialists(self.company, [s.pk for s in self.services])
        start = self.state.start(self.tz)
        if start is not None and self.services:
            # Date/time first: only those free at the chosen time.
            minute = int(start.timestamp()) // 60
            free = []
            for specialist in specialists:
                segments = [Segment(s.pk, specialist.pk) for s in self.services]
                if any(slot.start == minute for slot in self.slots(self.state.day, self.state.day, segments)):
                    free.append(specialist)
            specialists = free
        return specialists

    def days(self):
        first = self.state.start_day or self.state.day or self.today
        first = max(self.today, min(first, self.last_day))
        last = min(first + datetime.timedelta(days=DAYS_SHOWN - 1), self.last_day)
        if self.services:
            try:
                free_days = set(services.online_free_dates(self.company, self.segments(), first, last))
            except ServiceUnavailable:
                free_days = set()
        else:
            free_days = {
                datetime.datetime.fromtimestamp(minute * 60, tz=self.tz).date()
                for minute in self.times_any_service(first, last)
            }
        days = []
        day = first
        while day <= last:
            days.append((day, day in free_days))
            day += datetime.timedelta(days=1)
        earlier = first - datetime.timedelta(days=DAYS_SHOWN) if first > self.today else None
        later = last + datetime.timedelta(days=1) if last < self.last_day else None
        return days, max(earlier, self.today) if earlier else None, later

    def times(self):
        day = self.state.day
        if self.services:
            minutes = sorted({slot.start for slot in self.slots(day, day)})
        else:
            minutes = sorted(self.times_any_service(day, day))
        times = [_local_time(datetime.datetime.fromtimestamp(m * 60, tz=datetime.UTC), self.tz) for m in minutes]
        parts = [(_("Morning"), []), (_("Afternoon"), []), (_("Evening"), [])]
        for time in times:
            hour = int(time[:2])
            parts[0 if hour < 12 else 1 if hour < 17 else 2][1].append(time)
        return [part for part in parts if part[1]]

    def classes(self):
        return services.class_sessions(self.company, self.today, self.last_day)[:30]

    def total(self):
        prices = [s.price_min for s in self.services]
        return sum(prices) if prices else None, sum(s.duration for s in self.services)


def _alternatives(slots, tz):
    return [
        (slot.start_at.astimezone(tz).isoformat(timespec="minutes"), slot.start_at.astimezone(tz)) for slot in slots
    ]


@public_booking
def branch_page(request, branch_id):
    company = request.company
    state = State.read(request.GET, request.booking_settings.step_order)
    flow = Flow(request, company, state)
    step = flow.step()
    context = {
        "flow": flow,
        "state": state,
        "step": step,
        "company": company,
        "settings": request.booking_settings,
        "links": state.links(),
    }
    event = None
    if state.event_id:
        sessions = services.class_sessions(company, flow.today, flow.last_day, state.event_id)
        if not sessions:
            state.problems.append(_("This class cannot be booked online."))
            state.event_id = None
            step = context["step"] = flow.step()
        else:
            event = context["session"] = sessions[0]
    if step == "details":
        return _details(request, flow, context, event)
    if step == "services":
        context["groups"] = flow.service_choices()
        context["classes"] = flow.classes() if not state.day else []
    elif step == "specialist":
        context["specialists"] = flow.specialist_choices()
    elif step == "date":
        context["days"], context["earlier"], context["later"] = flow.days()
    elif step == "time":
        context["days"], context["earlier"], context["later"] = flow.days()
        context["times"] = flow.times()
    context["total"] = flow.total()
    return render(request, "booking/page.html", context)


def _details(request, flow: Flow, context, session):
    company, state, settings = flow.company, flow.state, flow.settings
    start = state.start(flow.tz)
    form = BookingForm(request.POST or None, settings=settings)
    context.update(form=form, start=start, total=flow.total())
    if session is None:
        context["prepayment_mode"] = booking_mode(company, flow.segments())
    else:
        # A class is prepaid by the same rules as a visit: its service and its specialist.
        context["prepayment_mode"] = prepayment_mode(company, [(session.event.service_id, session.event.specialist_id)])
    needs_code = settings.phone_confirmation
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phone = data["phone"]
        token = data.get("phone_token", "")
        if needs_code and confirmed_phone(company.chain_id, token) != phone:
            token = ""
            try:
                if data.get("code"):
                    token = verify_code(company, phone, data["code"])
                else:
                    request_code(company, phone, client_ip(request))
            except ValidationError as error:
                # A refused new code is about the code, not the phone: say it under the field.
                form.add_error("code" if data.get("code") or error.code == "cooldown" else "phone", error)
            if not token:
                context["ask_code"] = True
                context.update(code_context(company, phone))
                return render(request, "booking/page.html", context, status=200 if form.is_valid() else 400)
        context["phone_token"] = token
        if request.POST.get("at"):
            # The client picked one of the offered alternatives.
            try:
                start = datetime.datetime.fromisoformat(request.POST["at"]).astimezone(flow.tz)
            except ValueError:
                start = None
        prepayment = None
        try:
            with transaction.atomic():
                if session is not None:
                    record, link = services.book_class(
                        company=company,
                        event_id=session.event.pk,
                        name=data["name"],
                        phone=phone,
                        email=data["email"],
                        comment=data["comment"],
                        origin=_origin(state, request),
                    )
                    visit = record.visit
                else:
                    if start is None:
                        raise BookingError("past")
                    records, link = services.book_online(
                        company=company,
                        segments=flow.segments(),
                        start=start,
                        name=data["name"],
                        phone=phone,
                        email=data["email"],
                        comment=data["comment"],
                        origin=_origin(state, request),
                    )
                    visit = records[0].visit
                # A class seat is held for its prepayment exactly as a visit's time is.
                back = reverse("booking:my", kwargs={"token": link.token}) + "?" + urlencode({"paid": 1, **state.extra})
                prepayment = hold_for_prepayment(visit, absolute_url(back, request))
        except SlotTaken as taken:
            context["error"] = taken.message
            context["alternatives"] = _alternatives(taken.alternatives, flow.tz)
            return render(request, "booking/page.html", context, status=409)
        except BookingError as error:
            context["error"] = error.message
            return render(request, "booking/page.html", context, status=409)
        except ValidationError as error:
            form.add_error("phone", error)
            return render(request, "booking/page.html", context, status=400)
        if prepayment is not None:
            # After the commit and outside any lock: ask the provider, send the payer there.
            pay_url = confirmation_url(prepayment)
            if pay_url:
                return redirect(pay_url)
        target = reverse("booking:my", kwargs={"token": link.token}) + "?" + urlencode({"new": 1, **state.extra})
        return redirect(target)
    if needs_code and form.is_bound and confirmed_phone(company.chain_id, form.data.get("phone_token", "")):
        context["phone_token"] = form.data["phone_token"]
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "booking/page.html", context, status=status)


@public_booking
def network_page(request, chain_id):
    """The network's page: the client chooses a branch first."""
    with_online = Company.objects.filter(chain=request.chain, is_active=True).order_by("name", "id")
    disabled = set(
        OnlineBookingSettings.objects.filter(company__in=with_online, enabled=False).values_list(
            "company_id", flat=True
        )
    )
    branches = [c for c in with_online if c.pk not in disabled]
    if not branches:
        raise Http404
    extra = {k: request.GET[k][:200] for k in PASSTHROUGH if request.GET.get(k)}
    return render(
        request,
        "booking/network.html",
        {"chain": request.chain, "branches": branches, "query": ("?" + urlencode(extra)) if extra else ""},
    )


# --- Self-service ----------------------------------------------------------------------------


def _my_context(request, **extra):
    link = request.booking_link
    visit = link.visit
    records = services.visit_records(visit)
    tz = visit.company.tz
    lines = [line for record in records for line in record.lines.all()]
    passthrough = {k: request.GET[k][:200] for k in PASSTHROUGH if request.GET.get(k)}
    return {
        "link": link,
        "visit": visit,
        "company": visit.company,
        "records": records,
        "start": records[0].start.astimezone(tz) if records else None,
        "end": records[-1].end.astimezone(tz) if records else None,
        "lines": lines,
        "total": sum(line.price for line in lines),
        "changeable": services.changeable(visit, records),
        "prepayment": prepayment_state(visit),
        "settings": OnlineBookingSettings.for_company(visit.company),
        "extra": passthrough,
        # The language and tags travel with every link and form of the self-service pages.
        "query": urlencode(passthrough),
        **extra,
    }


def _my_url(name: str, token: str, context, **params) -> str:
    query = urlencode({**context["extra"], **params})
    return reverse(name, kwargs={"token": token}) + (f"?{query}" if query else "")


@public_booking
def my_booking(request, token):
    """The booking link's page: what, where, when; cancel or move while the deadline allows."""
    context = _my_context(
        request,
        new=request.GET.get("new") == "1" or request.GET.get("paid") == "1",
        cancelled=request.GET.get("cancelled") == "1",
    )
    if request.method == "POST" and request.POST.get("action") == "cancel":
        # A cancel posted from an older page still asks first: only the confirmation cancels.
        return redirect(_my_url("booking:my_cancel", token, context), permanent=False)
    return render(request, "booking/my.html", context)


@public_booking
def my_cancel(request, token):
    """Cancelling from the booking link: GET asks (what will be cancelled), POST cancels."""
    context = _my_context(request)
    if not context["changeable"]:
        context["error"] = BookingError("too_late").message
        return render(request, "booking/my.html", context, status=409)
    if request.method == "POST":
        try:
            services.cancel_visit(request.booking_link)
        except BookingError as error:
            context["error"] = error.message
            return render(request, "booking/my.html", context, status=409)
        return redirect(_my_url("booking:my", token, context, cancelled=1))
    return render(request, "booking/cancel.html", context)


def _moment(value: str, tz) -> datetime.datetime | None:
    """The chosen time of a move ("2026-12-08T12:00+03:00" or the branch's wall clock)."""
    try:
        start = datetime.datetime.fromisoformat(value[:40])
    except ValueError:
        return None
    return start if start.tzinfo is not None else start.replace(tzinfo=tz)


def _move_refused(request, context, error, status):
    """The move page again with the reason and, for a taken time, the nearest free ones."""
    context["error"] = error.message
    tz = context["company"].tz
    if isinstance(error, SlotTaken):
        context["alternatives"] = [
            (moment, _my_url("booking:my_move", context["link"].token, context, d=moment.date(), at=iso))
            for iso, moment in _alternatives(error.alternatives, tz)
        ]
    return render(request, "booking/move.html", context, status=status)


@public_booking
def my_move(request, token):
    """Moving from the booking link: choose a day and a time; GET with the time shows the old and
    the new time side by side and asks to confirm; POST moves."""
    link = request.booking_link
    context = _my_context(request)
    if not context["changeable"]:
        context["error"] = BookingError("too_late").message
        return render(request, "booking/my.html", context, status=409)
    company = link.visit.company
    tz = company.tz
    settings = context["settings"]
    wanted = request.POST.get("at") if request.method == "POST" else request.GET.get("at")
    if wanted is not None:
        start = _moment(wanted, tz)
        if start is None:
            context["error"] = _("This time cannot be chosen. Choose another one.")
            return render(request, "booking/move.html", context, status=400)
        try:
            if request.method == "POST":
                services.move_visit(link, start)
                return redirect(_my_url("booking:my", token, context, moved=1))
            services.check_move(link, start)
        except BookingError as error:
            return _move_refused(request, context, error, 409)
        new_start = start.astimezone(tz)
        context.update(
            confirm=True,
            at=new_start.isoformat(timespec="minutes"),
            new_start=new_start,
            new_end=new_start + (context["end"] - context["start"]),
            back=_my_url("booking:my_move", token, context, d=new_start.date()),
        )
        return render(request, "booking/move.html", context)
    today = timezone.now().astimezone(tz).date()
    last_day = today + datetime.timedelta(days=settings.max_days_ahead)
    day = None
    if request.GET.get("d"):
        try:
            day = datetime.date.fromisoformat(request.GET["d"])
        except ValueError:
            context["error"] = _("This date cannot be chosen. Choose another one.")
        if day and not today <= day <= last_day:
            context["error"] = _("Bookings are taken from today up to %(date)s.") % {"date": last_day}
            day = None
    first = day or today
    strip_end = min(first + datetime.timedelta(days=DAYS_SHOWN - 1), last_day)
    slots = services.move_slots(link, first, strip_end)
    by_day = group_by_local_date(slots, tz)
    context["days"] = [
        (
            first + datetime.timedelta(days=i),
            _my_url("booking:my_move", token, context, d=first + datetime.timedelta(days=i)),
        )
        for i in range((strip_end - first).days + 1)
    ]
    context["free_days"] = set(by_day)
    context["chosen_day"] = day
    context["times"] = (
        [
            (
                s.start_at.astimezone(tz),
                _my_url(
                    "booking:my_move", token, context, d=day, at=s.start_at.astimezone(tz).isoformat(timespec="minutes")
                ),
            )
            for s in by_day.get(day, [])
        ]
        if day
        else []
    )
    return render(request, "booking/move.html", context)


@public_booking
def pay_booking(request, token):
    """«Pay online» on a booking's page: start (or resume) its payment and go to the provider."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    visit = request.booking_link.visit
    mode = visit_mode(visit)
    if mode == PrepaymentMode.OFF:
        raise Http404
    back = absolute_url(reverse("booking:my", kwargs={"token": request.booking_link.token}), request)
    # The waiting hold of an online booking is resumed as it is. Otherwise the booking was made
    # without a hold (by the salon, through the API): paying from its page is a plain prepayment,
    # never a hold that would release a booking the client was already told about.
    payment = open_prepayment(visit, required=False, return_url=back)
    url = confirmation_url(payment) if payment else ""
    return redirect(url or back)


def _telegram_link(company, phone: str) -> str:
    """The deep link that links the client's Telegram chat to their card ('' without a bot)."""
    client = Client.objects.filter(chain_id=company.chain_id, phone=phone, erased_at__isnull=True).first()
    return deep_link(company, client) if client is not None else ""


@public_booking
def my_records(request, branch_id):
    """A returning client confirms the phone by SMS and sees their records across the network."""
    company = request.company
    context = {"company": company, "settings": request.booking_settings}
    token = request.POST.get("phone_token") or request.GET.get("pt", "")
    phone = confirmed_phone(company.chain_id, token)
    if phone is None and request.method == "POST":
        raw = request.POST.get("phone", "")
        context["phone"] = raw
        try:
            phone_value = normalize_phone(raw)
            if request.POST.get("code"):
                token = verify_code(company, phone_value, request.POST["code"])
                phone = phone_value
            else:
                request_code(company, phone_value, client_ip(request))
                context.update(code_context(company, phone_value))
        except ValidationError as error:
            context["error"] = error.messages[0]
            context.update(code_context(company, raw))
            return render(request, "booking/my_records.html", context, status=400)
    if phone is not None:
        now = timezone.now()
        records = services.client_records(company.chain_id, phone)
        context.update(
            phone_token=token or phone_token(company.chain_id, phone),
            confirmed_phone=phone,
            upcoming=[
                (r, services.link_for(r.visit)) for r in reversed(records) if is_upcoming(r.status, r.start, now)
            ],
            past=[(r, services.link_for(r.visit)) for r in records if not is_upcoming(r.status, r.start, now)],
            telegram_link=_telegram_link(company, phone),
        )
    return render(request, "booking/my_records.html", context)
