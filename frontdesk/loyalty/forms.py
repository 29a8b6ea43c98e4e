from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.core.forms import BootstrapFormMixin, MoneyField
from frontdesk.loyalty.errors import MESSAGES
from frontdesk.loyalty.models import CategoryRate, Programme, ProgrammeKind, Tier
from frontdesk.tenancy.models import Company


class ProgrammeForm(BootstrapFormMixin, forms.ModelForm):
    # Declared here, not derived from the model: the model's default querysets are tenant-scoped
    # and cannot be evaluated when the class is built.
    branches = forms.ModelMultipleChoiceField(
        label=_("branches where it is valid"),
        queryset=Company.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.ModelMultipleChoiceField(
        label=_("only these services"),
        queryset=Service.unscoped.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("only these service categories"),
        queryset=ServiceCategory.unscoped.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Programme
        fields = [
            "title",
            "kind",
            "is_active",
            "all_branches",
            "branches",
            "auto_issue",
            "self_issue",
            "basis",
            "window_days",
            "lapse_days",
            "accrual_percent",
            "redeem_percent",
            "bonus_lifetime_days",
            "welcome_bonus",
            "birthday_bonus",
            "combinable",
            "nth",
            "percent",
            "services",
            "categories",
            "referrer_bonus",
            "newcomer_bonus",
            "newcomer_discount",
            "referrer_discount",
        ]

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = Company.objects.filter(chain=chain, is_active=True)
        self.fields["services"].queryset = Service.objects.filter(is_archived=False).select_related("company")
        self.fields["services"].label_from_instance = lambda s: f"{s.title} · {s.company.name}"
        self.fields["categories"].queryset = ServiceCategory.objects.filter(is_archived=False).select_related("company")
        self.fields["categories"].label_from_instance = lambda c: f"{c.title} · {c.company.name}"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not data.get("all_branches") and not data.get("branches"):
            self.add_error("branches", MESSAGES["branches_needed"])
        if kind == ProgrammeKind.EVERY_NTH and not data.get("nth"):
            self.add_error("nth", MESSAGES["nth_needed"])
        if kind == ProgrammeKind.FIRST_VISIT and not data.get("percent"):
            self.add_error("percent", MESSAGES["percent_needed"])
        return data


class TierForm(BootstrapFormMixin, forms.ModelForm):
    PERCENTS = ("discount_services", "discount_goods")

    class Meta:
        model = Tier
        fields = ["threshold", "name", "discount_services", "discount_goods", "accrual_percent"]
        # Visits or money: either way a number read by the one amount parser.
        field_classes = {"threshold": MoneyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.PERCENTS:
            self.fields[name].required = False
            if not self.instance.pk:
                # A blank new row stays unchanged, so the formset skips it.
                self.initial.pop(name, None)
                self.fields[name].initial = None

    def clean(self):
        data = super().clean()
        for name in self.PERCENTS:
            if data.get(name) is None:
                data[name] = 0
        return data


class CategoryRateForm(BootstrapFormMixin, forms.ModelForm):
    category = forms.ModelChoiceField(label=_("Service category"), queryset=ServiceCategory.unscoped.none())

    class Meta:
        model = CategoryRate
        fields = ["category", "accrual_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ServiceCategory.objects.filter(is_archived=False).select_related("company")
        self.fields["category"].label_from_instance = lambda c: f"{c.title} · {c.company.name}"


TierFormSet = inlineformset_factory(Programme, Tier, form=TierForm, extra=3, can_delete=True)
CategoryRateFormSet = inlineformset_factory(Programme, CategoryRate, form=CategoryRateForm, extra=2, can_delete=True)


class AdjustForm(forms.Form):
    amount = MoneyField(label=_("Bonuses (+ to add, − to take away)"), allow_zero=False, allow_negative=True)
    reason = forms.CharField(label=_("Reason"), max_length=255)


class IssueForm(forms.Form):
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"), queryset=Programme.unscoped.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        # issue_card refuses, with a message, a programme not valid in the branch.
        self.fields["programmes"].queryset = Programme.objects.filter(is_active=True)
