"""Payroll's forms. Amounts are read by core's money field, percentages here (0–100, a dot or a
comma); what depends on other rows (overlaps, closed days, balances) is checked once more by the
service that writes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.core.dates import DateTextInput
from frontdesk.core.forms import BootstrapFormMixin, MoneyField
from frontdesk.finance.models import Account
from frontdesk.payroll.errors import MESSAGES
from frontdesk.payroll.models import Assignment, EntryKind, PayoutKind, Scheme, SchemeRule
from frontdesk.warehouse.models import GoodsCategory

# Digits with at most one decimal mark: no exponent ("1e2"), no "NaN", no sign.
PERCENT_TEXT = re.compile(r"\d{1,3}(\.\d{1,2})?")


class PercentField(forms.CharField):
    """A percentage typed by a person: 0 to 100, at most two decimals, a dot or a comma."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value):
        value = (super().clean(value) or "").strip().replace(",", ".").rstrip("%").strip()
        if not value:
            return None
        if not PERCENT_TEXT.fullmatch(value):
            raise forms.ValidationError(MESSAGES["bad_percent"], code="bad_percent")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise forms.ValidationError(MESSAGES["bad_percent"], code="bad_percent") from None
        if not number.is_finite() or not 0 <= number <= 100 or number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(MESSAGES["bad_percent"], code="bad_percent")
        return number.quantize(Decimal("0.01"))


class SchemeForm(BootstrapFormMixin, forms.ModelForm):
    service_percent = PercentField(
        label=_("percent of services"), help_text=_("Empty: services are paid only by the rates below.")
    )
    goods_percent = PercentField(
        label=_("percent of goods sold"),
        help_text=_("Of the goods the employee sold, after the discount, less what clients brought back."),
    )
    per_shift = MoneyField(label=_("per shift"), required=False)
    per_hour = MoneyField(label=_("per hour"), required=False)
    per_month = MoneyField(label=_("per month"), required=False)
    minimum = MoneyField(
        label=_("guaranteed minimum per month"),
        required=False,
        help_text=_("When a month's pay comes out lower, the calculation adds the difference."),
    )

    class Meta:
        model = Scheme
        fields = [
            "title",
            "service_percent",
            "basis",
            "goods_percent",
            "per_shift",
            "per_hour",
            "per_month",
            "minimum",
            "is_archived",
        ]


class RuleForm(BootstrapFormMixin, forms.Form):
    """A scheme's own rate for a service category or a service of this branch (a % or a fixed
    amount), or for a goods category of the network (a %)."""

    category = forms.ModelChoiceField(
        label=_("service category"), queryset=ServiceCategory.unscoped.none(), required=False
    )
    service = forms.ModelChoiceField(label=_("service"), queryset=Service.unscoped.none(), required=False)
    goods_category = forms.ModelChoiceField(
        label=_("goods category"), queryset=GoodsCategory.unscoped.none(), required=False
    )
    percent = PercentField(label=_("percent"))
    fixed = MoneyField(label=_("fixed amount per service"), required=False)

    def __init__(self, *args, scheme, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["category"].queryset = ServiceCategory.objects.filter(company=company, is_archived=False)
        self.fields["service"].queryset = Service.objects.filter(company=company, is_archived=False).order_by("title")
        self.fields["goods_category"].queryset = GoodsCategory.objects.order_by("title", "id")

    def clean(self):
        data = super().clean()
        category, service, folder = data.get("category"), data.get("service"), data.get("goods_category")
        if sum(target is not None for target in (category, service, folder)) != 1:
            raise forms.ValidationError(MESSAGES["rule_target"], code="rule_target")
        if folder is not None and (data.get("percent") is None or data.get("fixed") is not None):
            raise forms.ValidationError(MESSAGES["goods_rule_rate"], code="goods_rule_rate")
        if (data.get("percent") is None) == (data.get("fixed") is None):
            raise forms.ValidationError(MESSAGES["rule_rate"], code="rule_rate")
        if service:
            target = {"service": service}
        elif category:
            target = {"category": category}
        else:
            target = {"goods_category": folder}
        if SchemeRule.objects.filter(scheme=self.scheme, **target).exists():
            raise forms.ValidationError(MESSAGES["rule_repeated"] % {"target": service or category or folder})
        return data

    def save(self) -> SchemeRule:
        data = self.cleaned_data
        return SchemeRule.objects.create(
            chain_id=self.scheme.chain_id,
            scheme=self.scheme,
            category=data["category"],
            service=data["service"],
            goods_category=data["goods_category"],
            percent=data["percent"],
            fixed=data["fixed"],
        )


class AssignmentForm(BootstrapFormMixin, forms.Form):
    scheme = forms.ModelChoiceField(label=_("scheme"), queryset=Scheme.unscoped.none())
    valid_from = forms.DateField(label=_("from"), widget=DateTextInput())
    valid_to = forms.DateField(label=_("to"), widget=DateTextInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(is_archived=False)


class EndAssignmentForm(BootstrapFormMixin, forms.ModelForm):
    valid_to = forms.DateField(label=_("to"), widget=DateTextInput(), required=False)

    class Meta:
        model = Assignment
        fields = ["valid_to"]


class EntryForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=EntryKind.choices)
    amount = MoneyField(label=_("amount"), allow_zero=False)
    date = forms.DateField(label=_("date"), widget=DateTextInput())
    reason = forms.CharField(label=_("reason"), max_length=255)


class PayoutForm(BootstrapFormMixin, forms.Form):
    account = forms.ModelChoiceField(label=_("from"), queryset=Account.unscoped.none())
    kind = forms.ChoiceField(label=_("kind"), choices=PayoutKind.choices)
    amount = MoneyField(label=_("amount"), allow_zero=False)
    comment = forms.CharField(label=_("comment"), max_length=255, required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(company=company, is_archived=False)
