from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Service, ServiceCategory
from frontdesk.core.forms import BootstrapFormMixin, MoneyField
from frontdesk.loyalty.errors import MESSAGES
from frontdesk.loyalty.models import STEP_KINDS, CategoryRate, Programme, ProgrammeKind, Tier
from frontdesk.tenancy.models import Company

ALL_KINDS = frozenset(ProgrammeKind.values)
BONUS_KINDS = frozenset({ProgrammeKind.BONUS})
PROMOTION_KINDS = frozenset({ProgrammeKind.EVERY_NTH, ProgrammeKind.FIRST_VISIT})

# Which parts of the programme form apply to which type of programme (the rules in rules.py read
# only these): (the types, the fields). The page shows a part only for its types, and the server
# validates and saves only the fields of the parts that apply; the others keep what they held.
SECTIONS = {
    "steps": (STEP_KINDS, ("basis", "window_days", "lapse_days")),
    "bonuses": (
        BONUS_KINDS,
        ("accrual_percent", "redeem_percent", "bonus_lifetime_days", "welcome_bonus", "birthday_bonus", "combinable"),
    ),
    "promotions": (PROMOTION_KINDS, ("services", "categories")),
    "nth": (frozenset({ProgrammeKind.EVERY_NTH}), ("nth",)),
    "percent": (frozenset({ProgrammeKind.FIRST_VISIT}), ("percent",)),
    "referrals": (ALL_KINDS, ("referrer_bonus", "newcomer_bonus", "newcomer_discount", "referrer_discount")),
}


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

    @property
    def kind(self) -> str:
        """The type the form is about: as posted, else the programme's."""
        if self.is_bound:
            return self.data.get(self.add_prefix("kind"), "")
        return self.initial.get("kind") or self.instance.kind or ""

    def applies(self, section: str) -> bool:
        return self.kind in SECTIONS[section][0]

    @property
    def section_kinds(self) -> dict[str, str]:
        """{section: its types, space-separated}: the page's `data-kinds` for the script."""
        return {name: " ".join(sorted(kinds)) for name, (kinds, _fields) in SECTIONS.items()}

    @property
    def shown(self) -> set[str]:
        return {name for name in SECTIONS if self.applies(name)}

    def full_clean(self):
        # The fields of parts that do not apply to the type are neither read nor validated: for
        # the time of cleaning they are disabled, so each keeps its current value.
        off = [
            field
            for name, (_kinds, fields) in SECTIONS.items()
            if not self.applies(name)
            for field in fields
            if not self.fields[field].disabled
        ]
        for field in off:
            self.fields[field].disabled = True
        try:
            super().full_clean()
        finally:
            for field in off:
                self.fields[field].disabled = False

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
        if not self.instance.pk:
            # A pre-filled 0 would save a 0% cashback for a category picked without a percent.
            self.initial.pop("accrual_percent", None)
            self.fields["accrual_percent"].initial = None


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
