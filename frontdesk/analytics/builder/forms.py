"""The builder's forms: a saved report (its dataset is chosen first, by the page's tabs, so the
form offers that dataset's figures and groupings) and an email subscription."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.models import Membership
from frontdesk.accounts.permissions import Section
from frontdesk.analytics.builder import engine
from frontdesk.analytics.builder.datasets import Dataset
from frontdesk.analytics.builder.models import Frequency, ReportSubscription, SavedReport, visible_reports
from frontdesk.analytics.filters import PRESETS, FiltersForm
from frontdesk.core.forms import choices_without

_SELECT = {"class": "form-select"}
_CHECKBOX = forms.CheckboxInput(attrs={"class": "form-check-input"})
FILTER_NAMES = ("scope", "specialist", "category", "source", "client_category")


class _Figures(forms.MultipleChoiceField):
    """Offers the dataset's figures; what is not one of them is told by `engine.problems`, in
    the builder's own words, with the rest of what is wrong."""

    def validate(self, value):
        pass


class ReportForm(FiltersForm):
    """Name, figures, groupings, chart, sharing and pinning, and the section's filters (only
    those the dataset takes); the period is a quick choice or two dates. Every spec the engine
    cannot run is a message here (`engine.problems`), never an error page."""

    name = forms.CharField(label=_("Report name"), max_length=150, required=False)
    measures = _Figures(
        label=_("Figures"), required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
    )
    dimension1 = forms.CharField(label=_("Group by"), required=False, widget=forms.Select(attrs=_SELECT))
    dimension2 = forms.CharField(label=_("Then by"), required=False, widget=forms.Select(attrs=_SELECT))
    chart = forms.ChoiceField(
        label=_("Show as"), choices=engine.CHART_TYPES, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    preset = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("", _("The dates below")), *PRESETS],
        widget=forms.Select(attrs=_SELECT),
    )
    shared = forms.BooleanField(label=_("Share within the network"), required=False, widget=_CHECKBOX)
    pinned = forms.BooleanField(label=_("Pin to the overview"), required=False, widget=_CHECKBOX)

    def __init__(self, *args, dataset: Dataset, **kwargs):
        super().__init__(*args, accepts=dataset.filters, **kwargs)
        self.dataset = dataset
        self.fields["first"].required = self.fields["last"].required = False
        self.fields["measures"].choices = [(m.key, m.label) for m in dataset.measures]
        groupings = [("", "—")] + [(d.key, d.label) for d in dataset.all_dimensions]
        self.fields["dimension1"].widget.choices = groupings
        self.fields["dimension2"].widget.choices = groupings

    def clean_measures(self):
        return list(self.cleaned_data.get("measures") or [])

    def clean(self):
        data = super().clean()
        if not data.get("preset") and not (data.get("first") and data.get("last")):
            self.add_error(None, gettext("Choose a quick period or both dates."))
        dimensions = tuple(d for d in (data.get("dimension1"), data.get("dimension2")) if d)
        for problem in engine.problems(self.spec_of(data, dimensions)):
            self.add_error(None, problem)
        data["dimensions"] = list(dimensions)
        return data

    def spec_of(self, data, dimensions=None) -> engine.Spec:
        if dimensions is None:
            dimensions = tuple(data.get("dimensions") or ())
        return engine.Spec(self.dataset.key, tuple(data.get("measures") or ()), tuple(dimensions), data.get("chart"))

    def stored_filters(self) -> dict:
        data, stored = self.cleaned_data, {}
        if data.get("scope"):
            stored["scope"] = data["scope"]
        for name in ("specialist", "category", "client_category"):
            if data.get(name) is not None:
                stored[name] = data[name].pk
        if data.get("source"):
            stored["source"] = data["source"]
        return stored

    def fill(self, report: SavedReport) -> SavedReport:
        data = self.cleaned_data
        report.name = data["name"].strip()
        report.dataset = self.dataset.key
        report.measures = data["measures"]
        report.dimensions = data["dimensions"]
        report.chart = data["chart"]
        report.filters = self.stored_filters()
        report.preset = data.get("preset") or ""
        report.first = None if report.preset else data.get("first")
        report.last = None if report.preset else data.get("last")
        report.shared = data["shared"]
        report.pinned = data["pinned"]
        return report


def initial_of(report: SavedReport) -> dict:
    """The form's data for an existing report (to edit it)."""
    data = {
        "name": report.name,
        "measures": list(report.measures),
        "dimension1": (report.dimensions + ["", ""])[0],
        "dimension2": (report.dimensions + ["", ""])[1],
        "chart": report.chart,
        "preset": report.preset,
        "first": report.first.isoformat() if report.first else "",
        "last": report.last.isoformat() if report.last else "",
        "shared": report.shared,
        "pinned": report.pinned,
    }
    for name in FILTER_NAMES:
        if report.filters.get(name) not in (None, ""):
            data[name] = report.filters[name]
    return data


def analytics_members(chain):
    """Members of the network who may view analytics: whom a report may be emailed to."""
    rows = Membership.objects.filter(chain=chain, is_active=True).select_related("user").order_by("user__name")
    return [m for m in rows if m.can(Section.ANALYTICS) and m.user.email]


class SubscriptionForm(forms.ModelForm):
    report = forms.ModelChoiceField(
        label=_("What to send"),
        queryset=SavedReport.unscoped.none(),
        required=False,
        empty_label=_("The overview (key figures of the branch)"),
        widget=forms.Select(attrs=_SELECT),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members of the staff"),
        queryset=Membership.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = ReportSubscription
        fields = ["report", "frequency", "members", "emails"]
        widgets = {
            "frequency": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "emails": forms.TextInput(attrs={"class": "form-control", "placeholder": "owner@example.com"}),
        }

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = visible_reports(
            SavedReport.objects.filter(chain=request.chain), request.user
        ).order_by("name")
        members = analytics_members(request.chain)
        self.fields["members"].queryset = Membership.objects.filter(pk__in=[m.pk for m in members])
        self.fields["members"].label_from_instance = lambda m: f"{m.user.name or m.user.email} <{m.user.email}>"
        self.fields["frequency"].choices = choices_without(self.fields["frequency"].choices)

    def clean_emails(self):
        value = self.cleaned_data.get("emails") or ""
        addresses = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    gettext("“%(address)s” is not an email address.") % {"address": address}
                ) from None
        return ", ".join(addresses)

    def clean(self):
        data = super().clean()
        if not data.get("members") and not data.get("emails") and "emails" not in self.errors:
            raise ValidationError(gettext("Choose whom to send it to: a member of the staff or an address."))
        return data


__all__ = ["FILTER_NAMES", "Frequency", "ReportForm", "SubscriptionForm", "analytics_members", "initial_of"]
