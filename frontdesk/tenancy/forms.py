import datetime
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.core.dates import TimeTextInput
from frontdesk.core.forms import BootstrapFormMixin, PhoneField, choices_without
from frontdesk.tenancy.models import Chain, Company, Weekday

COMMON_TIMEZONES = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Europe/Minsk",
    "Europe/Kyiv",
    "Asia/Almaty",
    "Asia/Tashkent",
    "Asia/Tbilisi",
    "Asia/Yerevan",
    "Asia/Baku",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Riga",
    "America/New_York",
    "Asia/Dubai",
]
LOGO_MAX_BYTES = 2 * 1024 * 1024


def timezone_choices():
    rest = sorted(zoneinfo.available_timezones() - set(COMMON_TIMEZONES))
    return [(tz, tz) for tz in COMMON_TIMEZONES] + [(tz, tz) for tz in rest if "/" in tz and not tz.startswith("Etc")]


class CompanyForm(BootstrapFormMixin, forms.ModelForm):
    phone = PhoneField(label=_("Phone"), required=False)
    site = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Company
        fields = [
            "name",
            "business_type",
            "country",
            "city",
            "address",
            "timezone",
            "phone",
            "phone_extra",
            "email",
            "site",
            "description",
            "logo",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "logo": forms.ClearableFileInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget = forms.Select(choices=timezone_choices(), attrs={"class": "form-select"})

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size > LOGO_MAX_BYTES:
            raise ValidationError(_("The logo must be at most 2 MB."))
        return logo


class OnboardingForm(CompanyForm):
    class Meta(CompanyForm.Meta):
        fields = ["business_type", "country", "city", "name", "logo", "address", "timezone", "phone", "site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        business_type = self.fields["business_type"]
        # Radio buttons need no "---------" entry; every business type stays offered.
        business_type.widget = forms.RadioSelect()
        business_type.choices = choices_without(business_type.choices)
        self.fields["country"].required = True
        self.fields["city"].required = True


class ChainForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Chain
        fields = ["name", "currency"]


class OpeningHoursForm(BootstrapFormMixin, forms.Form):
    """The week's hours as seven rows: open or closed, from and to."""

    def __init__(self, *args, initial_hours: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_hours = (
            initial_hours
            if initial_hours is not None
            else {day: (datetime.time(10), datetime.time(21)) for day in range(7)}
        )
        for day in Weekday:
            opens, closes = initial_hours.get(day.value, (None, None))
            self.fields[f"open_{day.value}"] = forms.BooleanField(
                label=day.label, required=False, initial=opens is not None
            )
            self.fields[f"opens_{day.value}"] = forms.TimeField(
                label=_("from"),
                required=False,
                initial=opens or datetime.time(10),
                widget=TimeTextInput(),
            )
            self.fields[f"closes_{day.value}"] = forms.TimeField(
                label=_("to"),
                required=False,
                initial=closes or datetime.time(21),
                widget=TimeTextInput(),
            )
        # The mixin styled the fields that existed when it ran; these are added afterwards.
        for name, field in self.fields.items():
            day = Weekday(int(name.rsplit("_", 1)[1])).label
            if name.startswith("open_"):
                field.widget.attrs.update({"class": "form-check-input", "role": "switch", "aria-label": day})
            else:
                field.widget.attrs.update(
                    {"class": "form-control form-control-sm", "aria-label": f"{day}, {field.label}"}
                )

    def rows(self):
        for day in Weekday:
            yield day, self[f"open_{day.value}"], self[f"opens_{day.value}"], self[f"closes_{day.value}"]

    def clean(self):
        cleaned = super().clean()
        for day in Weekday:
            if not cleaned.get(f"open_{day.value}"):
                continue
            opens, closes = cleaned.get(f"opens_{day.value}"), cleaned.get(f"closes_{day.value}")
            if opens is None or closes is None:
                self.add_error(
                    f"opens_{day.value}", _("%(day)s: give the opening and closing time.") % {"day": day.label}
                )
            elif opens >= closes:
                self.add_error(
                    f"closes_{day.value}", _("%(day)s: closing time must be after opening time.") % {"day": day.label}
                )
        return cleaned

    @property
    def hours(self) -> dict[int, tuple]:
        return {
            day.value: (self.cleaned_data[f"opens_{day.value}"], self.cleaned_data[f"closes_{day.value}"])
            for day in Weekday
            if self.cleaned_data.get(f"open_{day.value}")
        }
