"""Forms of the certificate and abonement pages. The lists of branches, services and categories
are the network's own; a foreign id posted by hand is refused as an invalid choice."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.core.dates import DateTextInput
from frontdesk.core.forms import BootstrapFormMixin
from frontdesk.prepaid.models import AbonementKind, AbonementType, CertificateType
from frontdesk.tenancy.models import Company


class _BranchLabel(forms.ModelMultipleChoiceField):
    """Services and categories belong to a branch: the label says which."""

    def label_from_instance(self, obj):
        company = getattr(obj, "company", None)
        return f"{obj} · {company.name}" if company is not None else str(obj)


def _many(model, label, help_text=""):
    # The querysets are set per request (the network's own rows): a class-level default would
    # query outside a tenant scope.
    return _BranchLabel(
        queryset=model.unscoped.none(),
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )


class _TypeForm(BootstrapFormMixin, forms.ModelForm):
    companies = _many(Company, _("branches"), _("Empty: every branch of the network."))
    categories = _many(ServiceCategory, _("service categories"))
    many = ("companies", "categories")

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companies"].queryset = Company.objects.filter(chain=chain).order_by("name", "id")
        self.fields["categories"].queryset = (
            ServiceCategory.unscoped.filter(chain=chain).select_related("company").order_by("company__name", "title")
        )
        if "services" in self.fields:
            self.fields["services"].queryset = (
                Service.unscoped.filter(chain=chain).select_related("company").order_by("company__name", "title")
            )
        if self.instance.pk:
            for name in self.many:
                self.initial[name] = list(getattr(self.instance, name).values_list("pk", flat=True))

    def save(self, commit=True):
        instance = super().save(commit=True)
        for name in self.many:
            getattr(instance, name).set(self.cleaned_data.get(name) or [])
        return instance


class CertificateTypeForm(_TypeForm):
    categories = _many(ServiceCategory, _("only these service categories"), _("Empty: any service."))
    field_order = [
        "title",
        "nominal",
        "amount_min",
        "amount_max",
        "applies_to",
        "categories",
        "single_use",
        "companies",
    ]

    class Meta:
        model = CertificateType
        fields = ["title", "nominal", "amount_min", "amount_max", "applies_to", "single_use", "validity_days"]

    def clean(self):
        data = super().clean()
        nominal, low, high = data.get("nominal"), data.get("amount_min"), data.get("amount_max")
        if nominal is None and (low is None or high is None):
            raise forms.ValidationError(_("Enter a nominal, or the smallest and the largest amount."))
        for name in ("amount_min", "amount_max"):
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, _("Enter an amount greater than zero."))
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The largest amount must not be below the smallest."))
        if nominal is not None:
            data["amount_min"] = data["amount_max"] = None
            self.instance.amount_min = self.instance.amount_max = None
        if not data.get("validity_days"):
            self.add_error("validity_days", _("Enter a number of days greater than zero."))
        return data


class AbonementTypeForm(_TypeForm):
    services = _many(Service, _("services it covers"))
    categories = _many(
        ServiceCategory,
        _("service categories it covers"),
        _("No services and no categories: it covers every service."),
    )
    many = ("services", "categories", "companies")
    field_order = ["title", "kind", "price", "visits", "amount", "services", "categories", "companies"]

    class Meta:
        model = AbonementType
        fields = [
            "title",
            "kind",
            "price",
            "visits",
            "amount",
            "validity_days",
            "from_first_use",
            "activate_within_days",
            "freeze_days_max",
        ]

    def clean(self):
        data = super().clean()
        if data.get("kind") == AbonementKind.VISITS:
            if not data.get("visits"):
                self.add_error("visits", _("Enter the number of visits."))
            data["amount"] = None
        elif data.get("kind") == AbonementKind.MONEY:
            if not data.get("amount") or data["amount"] <= 0:
                self.add_error("amount", _("Enter the money on the abonement."))
            data["visits"] = None
        if data.get("price") is not None and data["price"] < 0:
            self.add_error("price", _("The price cannot be below zero."))
        if not data.get("validity_days"):
            self.add_error("validity_days", _("Enter a number of days greater than zero."))
        if not data.get("activate_within_days") and "activate_within_days" not in self.errors:
            self.add_error("activate_within_days", _("Enter a number of days greater than zero."))
        return data


class FreezeForm(BootstrapFormMixin, forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateTextInput())
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=3650)
    comment = forms.CharField(label=_("Comment"), max_length=255, required=False)

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if today:
            self.fields["starts_on"].initial = today
