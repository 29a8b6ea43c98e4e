from __future__ import annotations

from collections import OrderedDict

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.models import User
from frontdesk.catalog.models import Position, Service
from frontdesk.core.dates import DateTextInput
from frontdesk.core.forms import BootstrapFormMixin, PhoneField
from frontdesk.core.money import AmountError, parse_amount
from frontdesk.staff import schedules
from frontdesk.staff.models import AbsenceKind, ScheduleTemplate, Specialist, TemplateKind
from frontdesk.staff.services import ServiceChoice
from frontdesk.tenancy.models import Company, Weekday

PHOTO_MAX_BYTES = 2 * 1024 * 1024


class PositionSelect(forms.Select):
    """Each option names its branch in `data-company`, so that the page can offer only the
    positions of the branches ticked in the form (the form checks it again on save)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-company"] = instance.company_id
        return option


class SpecialistForm(BootstrapFormMixin, forms.ModelForm):
    """A specialist with their branches, services (own duration/price per service) and login.

    The services are posted as `svc_<id>` (performs it), `dur_<id>`, `pmin_<id>`, `pmax_<id>`;
    `service_groups` gives the template the rows grouped by branch and category."""

    phone = PhoneField(label=_("Phone"), required=False)
    position = forms.ModelChoiceField(
        label=_("Position"), queryset=Position.unscoped.none(), required=False, widget=PositionSelect
    )
    companies = forms.ModelMultipleChoiceField(
        label=_("Branches"), queryset=Company.unscoped.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    user = forms.ModelChoiceField(
        label=_("Login"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The member who signs in as this specialist and sees their own schedule."),
    )

    class Meta:
        model = Specialist
        fields = [
            "name",
            "position",
            "specialization",
            "phone",
            "email",
            "photo",
            "description",
            "rating",
            "hidden_online",
            "companies",
            "user",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.chain = chain
        branches = Company.objects.filter(is_active=True).order_by("name")
        self.fields["companies"].queryset = branches
        # Only positions in use (not archived) of the network's working branches; the one the
        # specialist already holds stays on offer even if archived since, so an edit keeps it.
        offered = Q(is_archived=False, company__in=branches)
        if self.instance.position_id:
            offered |= Q(pk=self.instance.position_id)
        self.fields["position"].queryset = (
            Position.objects.filter(offered).select_related("company").order_by("title", "company__name", "id")
        )
        several_branches = len(branches) > 1
        self.fields["position"].label_from_instance = lambda p: self._position_label(p, several_branches)
        self.fields["user"].queryset = User.objects.filter(
            memberships__chain=chain, memberships__is_active=True
        ).order_by("name")
        if self.instance.pk:
            self.initial.setdefault("companies", list(self.instance.companies.values_list("pk", flat=True)))
        self.links = {link.service_id: link for link in self.instance.service_links.all()} if self.instance.pk else {}
        services = Service.objects.filter(is_archived=False).select_related("category", "company")
        services = services.order_by("company__name", "category__sort_order", "category__title", "sort_order", "title")
        self.service_groups: OrderedDict = OrderedDict()
        for service in services:
            key = (service.company.name, service.category.title)
            self.service_groups.setdefault(key, []).append(self._service_row(service))
        self.cleaned_services: list[ServiceChoice] = []
        self.service_errors: dict[int, str] = {}

    @staticmethod
    def _position_label(position, several_branches):
        label = position.title
        if several_branches:
            label = f"{label} · {position.company.name}"
        if position.is_archived:
            label = f"{label} ({_('archived')})"
        return label

    def _value(self, name, default=""):
        if self.is_bound:
            return self.data.get(name, "")
        return default

    def _service_row(self, service):
        link = self.links.get(service.pk)
        return {
            "service": service,
            "checked": (f"svc_{service.pk}" in self.data) if self.is_bound else link is not None,
            "duration": self._value(f"dur_{service.pk}", link.duration if link and link.duration else ""),
            "price_min": self._value(
                f"pmin_{service.pk}", link.price_min if link and link.price_min is not None else ""
            ),
            "price_max": self._value(
                f"pmax_{service.pk}", link.price_max if link and link.price_max is not None else ""
            ),
        }

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size") and photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(_("The photo must be at most 2 MB."))
        return photo

    def clean_companies(self):
        companies = self.cleaned_data.get("companies")
        if not companies:
            raise ValidationError(_("A specialist works in at least one branch."))
        return companies

    def clean(self):
        cleaned = super().clean()
        company_ids = {c.pk for c in cleaned.get("companies") or []}
        position = cleaned.get("position")
        if position is not None and company_ids and position.company_id not in company_ids:
            self.add_error(
                "position",
                _("The position “%(title)s” belongs to the branch %(branch)s, where this specialist does not work.")
                % {"title": position.title, "branch": position.company.name},
            )
        for rows in self.service_groups.values():
            for row in rows:
                service = row["service"]
                if not row["checked"]:
                    continue
                try:
                    choice = ServiceChoice(service.pk)
                    if str(row["duration"]).strip():
                        try:
                            choice.duration = int(str(row["duration"]).strip())
                        except ValueError:
                            raise ValidationError(_("The duration is a whole number of minutes.")) from None
                        if not 5 <= choice.duration <= 24 * 60:
                            raise ValidationError(_("A duration is from 5 minutes to 24 hours."))
                    for attr, key in (("price_min", "price_min"), ("price_max", "price_max")):
                        raw = str(row[key]).strip()
                        if raw:
                            try:
                                setattr(choice, attr, parse_amount(raw, allow_zero=True))
                            except AmountError as refused:
                                raise ValidationError(refused.message) from None
                    if (
                        choice.price_min is not None
                        and choice.price_max is not None
                        and choice.price_min > choice.price_max
                    ):
                        raise ValidationError(_("The own price “from” must not be more than the price “to”."))
                    if company_ids and service.company_id not in company_ids:
                        raise ValidationError(_("This service is in a branch the specialist does not work in."))
                except ValidationError as error:
                    self.service_errors[service.pk] = error.messages[0]
                    row["error"] = error.messages[0]
                    continue
                self.cleaned_services.append(choice)
        if self.service_errors:
            self.add_error(None, _("Check the services: some own durations or prices are wrong."))
        return cleaned


class TemplateForm(BootstrapFormMixin, forms.ModelForm):
    """A weekly template is seven day fields; a cycle is one line per day (an empty line or
    'выходной' for a day off), or simply N work days, M days off and the hours."""

    cycle_text = forms.CharField(
        label=_("Days of the cycle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "10:00-19:00\n10:00-19:00\nвыходной\nвыходной"}),
        help_text=_("One line per day: 10:00-19:00, or 10:00-14:00, 15:00-19:00 with a break, or “выходной”."),
    )
    work = forms.IntegerField(label=_("Work days"), required=False, min_value=1, max_value=31)
    off = forms.IntegerField(label=_("Days off"), required=False, min_value=0, max_value=31)
    hours = forms.CharField(label=_("Hours"), required=False, initial="10:00-19:00")

    class Meta:
        model = ScheduleTemplate
        fields = ["name", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.instance.days if self.instance.pk else []
        for weekday in Weekday:
            value = ""
            if self.instance.kind == TemplateKind.WEEKLY and len(days) == 7:
                value = schedules.format_day(schedules.day_from_json(days[weekday.value]))
            self.fields[f"week_{weekday.value}"] = forms.CharField(
                label=weekday.label,
                required=False,
                initial=value,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        if self.instance.pk and self.instance.kind == TemplateKind.CYCLE:
            self.initial["cycle_text"] = "\n".join(
                schedules.format_day(schedules.day_from_json(day)) or "выходной" for day in days
            )

    @property
    def week_fields(self):
        return [self[f"week_{weekday.value}"] for weekday in Weekday]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        try:
            if kind == TemplateKind.WEEKLY:
                plans = []
                for weekday in Weekday:
                    try:
                        plans.append(schedules.parse_day(cleaned.get(f"week_{weekday.value}")))
                    except ValidationError as error:
                        self.add_error(f"week_{weekday.value}", error)
                        return cleaned
                days = [schedules.day_to_json(p) for p in plans]
            elif kind == TemplateKind.CYCLE:
                text = (cleaned.get("cycle_text") or "").strip()
                if text:
                    days = [schedules.day_to_json(schedules.parse_day(line)) for line in text.splitlines()]
                elif cleaned.get("work"):
                    days = schedules.cycle_days(
                        cleaned["work"], cleaned.get("off") or 0, schedules.parse_day(cleaned.get("hours"))
                    )
                else:
                    raise ValidationError(_("Enter the days of the cycle, or the work days, days off and hours."))
            else:
                return cleaned
            schedules.validate_template(kind, days)
        except ValidationError as error:
            self.add_error(None, error)
            return cleaned
        self.instance.days = days
        return cleaned


class ApplyTemplateForm(BootstrapFormMixin, forms.Form):
    template = forms.ModelChoiceField(label=_("Template"), queryset=ScheduleTemplate.unscoped.none())
    specialists = forms.ModelMultipleChoiceField(
        label=_("Specialists"), queryset=Specialist.unscoped.none(), widget=forms.CheckboxSelectMultiple
    )
    date_from = forms.DateField(label=_("From"), widget=DateTextInput())
    date_to = forms.DateField(label=_("To"), widget=DateTextInput())
    anchor = forms.DateField(
        label=_("The cycle starts on"),
        required=False,
        widget=DateTextInput(),
        help_text=_("The first working day of the cycle; the start date if empty."),
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ScheduleTemplate.objects.all()
        self.fields["specialists"].queryset = Specialist.objects.filter(companies=company, is_dismissed=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            raise ValidationError(_("The end date is before the start date."))
        return cleaned


class AbsenceForm(BootstrapFormMixin, forms.Form):
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Specialist.unscoped.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=AbsenceKind.choices)
    date_from = forms.DateField(label=_("From"), widget=DateTextInput())
    date_to = forms.DateField(label=_("To"), widget=DateTextInput())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=255)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = Specialist.objects.filter(companies=company, is_dismissed=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            raise ValidationError(_("The end date is before the start date."))
        return cleaned
