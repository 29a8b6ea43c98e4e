"""Forms of the classes, waiting-list and calendar-feed pages."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Resource, Service
from frontdesk.core.dates import DateTextInput, TimeTextInput
from frontdesk.core.forms import BootstrapFormMixin, PhoneField
from frontdesk.staff.models import Specialist

WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


def _specialists(company):
    return Specialist.objects.filter(companies=company, is_dismissed=False).order_by("sort_order", "name", "id")


class ClassForm(BootstrapFormMixin, forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.unscoped.none())
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Specialist.unscoped.none())
    resource = forms.ModelChoiceField(label=_("Room"), queryset=Resource.unscoped.none(), required=False)
    date = forms.DateField(label=_("Date"), widget=DateTextInput())
    time = forms.TimeField(label=_("Start"), widget=TimeTextInput())
    duration = forms.IntegerField(
        label=_("Duration, minutes"),
        min_value=5,
        max_value=24 * 60,
        required=False,
        help_text=_("Empty: the service's duration."),
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=1000, required=False, help_text=_("Empty: the service's places.")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Repeat every week on"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    until = forms.DateField(label=_("Repeat until"), required=False, widget=DateTextInput())
    skip_conflicts = forms.BooleanField(label=_("Skip the dates that collide"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["service"].queryset = Service.objects.filter(
            company=company, is_group=True, is_archived=False
        ).order_by("sort_order", "title")
        self.fields["specialist"].queryset = _specialists(company)
        self.fields["resource"].queryset = Resource.objects.filter(company=company, is_archived=False).order_by("title")

    def clean(self):
        data = super().clean()
        if data.get("weekdays") and not data.get("until"):
            self.add_error("until", _("Say until which date the class repeats."))
        if data.get("until") and not data.get("weekdays"):
            self.add_error("weekdays", _("Choose the weekdays on which the class repeats."))
        return data

    def start(self) -> datetime.datetime:
        tz = ZoneInfo(self.company.timezone)
        return datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=tz)


class NewClientForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = PhoneField(label=_("Phone"))


class WaitlistForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Client's name"), max_length=150)
    phone = PhoneField(label=_("Phone"))
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.unscoped.none())
    specialist = forms.ModelChoiceField(
        label=_("Specialist"), queryset=Specialist.unscoped.none(), required=False, empty_label=_("Any specialist")
    )
    date_from = forms.DateField(label=_("From"), widget=DateTextInput())
    date_to = forms.DateField(label=_("To"), widget=DateTextInput())
    time_from = forms.TimeField(label=_("Not earlier than"), required=False, widget=TimeTextInput())
    time_to = forms.TimeField(label=_("Not later than"), required=False, widget=TimeTextInput())
    comment = forms.CharField(label=_("Comment"), max_length=255, required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            company=company, is_archived=False, is_group=False
        ).order_by("sort_order", "title")
        self.fields["specialist"].queryset = _specialists(company)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(_("The last day must not be before the first day."))
        return data
