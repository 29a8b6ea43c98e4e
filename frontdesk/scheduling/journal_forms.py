"""Input of the journal's actions. Times arrive as the branch's wall-clock time
("2025-03-14T10:30") and are read in the branch's time zone."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Service
from frontdesk.clients.models import Client
from frontdesk.core.forms import PhoneField
from frontdesk.scheduling.journal import MANUAL_SOURCES, MAX_RANGE_DAYS, Viewer, branch_specialists
from frontdesk.scheduling.models import CancelReason, Frequency, RecordSource, RecordStatus
from frontdesk.scheduling.series import FOLLOWING, MAX_OCCURRENCES, ONE
from frontdesk.staff.models import SpecialistService

COMMENT_MAX = 2000


class LocalDateTimeField(forms.Field):
    """A wall-clock date and time of the branch, made aware with the branch's time zone."""

    default_error_messages = {"invalid": _("Enter a valid date and time.")}

    def __init__(self, *args, tz: ZoneInfo | None = None, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = str(value or "").strip()
        if not value:
            return None
        try:
            if len(value) > 32:
                raise ValueError
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=self.tz or datetime.UTC)


class RangeForm(forms.Form):
    """A range of local days as the calendar asks for it: `end` is exclusive."""

    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"], required=False)
    specialist = forms.IntegerField(required=False, min_value=1)
    cancelled = forms.BooleanField(required=False)
    everyone = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is None:
            return data
        if end is None:
            end = start + datetime.timedelta(days=1)
        if end <= start or (end - start).days > MAX_RANGE_DAYS:
            raise ValidationError(_("Choose a range of 1 to %(days)d days.") % {"days": MAX_RANGE_DAYS})
        data["day_from"] = start
        data["day_to"] = end - datetime.timedelta(days=1)
        return data


def _clean_services(form, data) -> None:
    """The chosen services in the order the administrator picked them (the visit follows it),
    each one the chosen specialist performs: the booking form's rule, and the visit dialog's."""
    specialist, services = data.get("specialist"), data.get("services")
    if specialist is None or not services:
        return
    wanted = [int(v) for v in form.data.getlist("services") if str(v).isdigit()]
    by_id = {service.pk: service for service in services}
    ordered, seen = [], set()
    for pk in wanted:
        if pk in by_id and pk not in seen:
            ordered.append(by_id[pk])
            seen.add(pk)
    data["services"] = ordered
    performed = set(
        SpecialistService.objects.filter(specialist=specialist, service__in=ordered).values_list(
            "service_id", flat=True
        )
    )
    missing = [service.title for service in ordered if service.pk not in performed]
    if missing:
        form.add_error(
            "services",
            _("%(specialist)s does not perform: %(services)s.")
            % {"specialist": specialist.name, "services": ", ".join(missing)},
        )


class BookForm(forms.Form):
    start = LocalDateTimeField(label=_("time"))
    specialist = forms.ModelChoiceField(queryset=None, label=_("specialist"))
    services = forms.ModelMultipleChoiceField(queryset=None, label=_("services"))
    client = forms.ModelChoiceField(queryset=None, required=False, label=_("client"))
    client_name = forms.CharField(max_length=150, required=False, label=_("name"))
    client_phone = PhoneField(required=False, label=_("phone"))
    comment = forms.CharField(max_length=COMMENT_MAX, required=False, label=_("comment"))
    source = forms.ChoiceField(
        choices=[(s.value, s.label) for s in MANUAL_SOURCES], required=False, initial=RecordSource.ADMIN
    )
    overbook = forms.BooleanField(required=False, label=_("overbook on purpose"))
    prepaid = forms.BooleanField(required=False, label=_("prepayment required"))
    # A repeating series: every N days or weeks, until a date or N times.
    repeat = forms.BooleanField(required=False, label=_("repeat"))
    frequency = forms.ChoiceField(choices=Frequency.choices, required=False, label=_("repeat"))
    interval = forms.IntegerField(min_value=1, max_value=52, required=False, label=_("every"))
    ends = forms.ChoiceField(choices=[("count", "count"), ("until", "until")], required=False)
    count = forms.IntegerField(min_value=1, max_value=MAX_OCCURRENCES, required=False, label=_("times"))
    until = forms.DateField(input_formats=["%Y-%m-%d"], required=False, label=_("until"))
    skip_conflicts = forms.BooleanField(required=False)

    def __init__(self, *args, company, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["start"].tz = ZoneInfo(company.timezone)
        self.fields["specialist"].queryset = branch_specialists(company, viewer)
        self.fields["services"].queryset = Service.objects.filter(company=company, is_archived=False, is_group=False)
        self.fields["client"].queryset = Client.objects.all()

    def clean(self):
        data = super().clean()
        data["source"] = data.get("source") or RecordSource.ADMIN
        _clean_services(self, data)
        if data.get("client") is None and not data.get("client_phone") and "client_phone" not in self.errors:
            self.add_error("client_phone", _("Find a client or enter a new client's phone."))
        if data.get("repeat"):
            self._clean_repeat(data)
        return data

    def _clean_repeat(self, data):
        data["frequency"] = data.get("frequency") or Frequency.WEEKLY
        if data.get("interval") is None and "interval" not in self.errors:
            data["interval"] = 1
        if data.get("overbook"):
            self.add_error("overbook", _("A series cannot be overbooked. Book it without overbooking."))
        if data.get("ends") == "until":
            data["count"] = None
            if data.get("until") is None and "until" not in self.errors:
                self.add_error("until", _("Choose the date of the last visit of the series."))
        else:
            data["until"] = None
            if data.get("count") is None and "count" not in self.errors:
                self.add_error("count", _("Say how many times to repeat."))


WHICH_CHOICES = [(ONE, _("only this one")), (FOLLOWING, _("this and all following"))]


class MoveForm(forms.Form):
    start = LocalDateTimeField()
    specialist = forms.ModelChoiceField(queryset=None, required=False)
    overbook = forms.BooleanField(required=False)
    which = forms.ChoiceField(choices=WHICH_CHOICES, required=False)

    def __init__(self, *args, company, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].tz = ZoneInfo(company.timezone)
        self.fields["specialist"].queryset = branch_specialists(company, viewer)


class ChangeForm(forms.Form):
    """The visit dialog's change of a record's services and specialist: the same choices as the
    booking form (the branch's services, in the order picked, that the specialist performs)."""

    specialist = forms.ModelChoiceField(queryset=None, label=_("specialist"))
    services = forms.ModelMultipleChoiceField(queryset=None, label=_("services"))
    overbook = forms.BooleanField(required=False, label=_("overbook on purpose"))

    def __init__(self, *args, company, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = branch_specialists(company, viewer)
        self.fields["services"].queryset = Service.objects.filter(company=company, is_archived=False, is_group=False)

    def clean(self):
        data = super().clean()
        _clean_services(self, data)
        return data


class ResizeForm(forms.Form):
    end = LocalDateTimeField()
    overbook = forms.BooleanField(required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].tz = ZoneInfo(company.timezone)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=RecordStatus.choices)
    which = forms.ChoiceField(choices=WHICH_CHOICES, required=False)
    # Asked when the administrator cancels (a no-show is its own reason).
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—"), *[(r.value, r.label) for r in CancelReason.CHOSEN]],
        required=False,
    )
    reason_comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("status") == RecordStatus.CANCELLED and not data.get("reason"):
            self.add_error("reason", _("Choose why the record is cancelled."))
        return data


class PrepaidForm(forms.Form):
    prepaid = forms.BooleanField(required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(max_length=COMMENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))
