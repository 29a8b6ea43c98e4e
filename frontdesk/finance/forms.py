"""Forms of the finance pages. Amounts are read by core's MoneyField (parse_amount, bounded), so a
service only ever gets an amount it can hold."""

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.core.forms import BootstrapFormMixin, MoneyField
from frontdesk.finance.models import DEFAULT_LABELS, Account, AccountKind, Counterparty, PaymentItem, PaymentMethod


class AccountForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Account
        fields = ["title", "kind", "allow_negative"]


class PaymentItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PaymentItem
        fields = ["title", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        if self.instance.code:
            # A default item may be renamed; its kind is what the checkout relies on.
            self.fields["kind"].disabled = True
            if not self.instance.title:
                self.initial["title"] = str(self.instance)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if self.instance.code and title == str(DEFAULT_LABELS.get(self.instance.code, "")):
            return ""  # not renamed: keep following the reader's language
        return title


class CounterpartyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Counterparty
        fields = [
            "kind",
            "name",
            "inn",
            "kpp",
            "bank_name",
            "bik",
            "bank_account",
            "correspondent_account",
            "contact_person",
            "phone",
            "email",
            "address",
            "comment",
        ]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def clean_inn(self):
        inn = self.cleaned_data["inn"].strip()
        if inn and (not inn.isdigit() or len(inn) not in (10, 12)):
            raise forms.ValidationError(_("An INN is 10 digits for a company or 12 for a person."))
        return inn

    def clean_kpp(self):
        kpp = self.cleaned_data["kpp"].strip()
        if kpp and (not kpp.isdigit() or len(kpp) != 9):
            raise forms.ValidationError(_("A KPP is 9 digits."))
        return kpp

    def clean_bik(self):
        bik = self.cleaned_data["bik"].strip()
        if bik and (not bik.isdigit() or len(bik) != 9):
            raise forms.ValidationError(_("A BIK is 9 digits."))
        return bik


def _accounts(company):
    return Account.objects.filter(company=company, is_archived=False).order_by("kind", "title", "id")


class MoneyOperationForm(BootstrapFormMixin, forms.Form):
    """A manual income or expense."""

    account = forms.ModelChoiceField(queryset=Account.unscoped.none(), label=_("Account"))
    amount = MoneyField(label=_("Amount"), allow_zero=False)
    method = forms.ChoiceField(choices=PaymentMethod.choices, label=_("Payment method"))
    item = forms.ModelChoiceField(queryset=PaymentItem.unscoped.none(), label=_("Payment item"))
    counterparty = forms.ModelChoiceField(
        queryset=Counterparty.unscoped.none(), required=False, label=_("Counterparty")
    )
    comment = forms.CharField(max_length=255, required=False, label=_("Comment"))

    def __init__(self, *args, company, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = _accounts(company)
        self.fields["item"].queryset = PaymentItem.objects.filter(kind=kind, is_archived=False)
        self.fields["counterparty"].queryset = Counterparty.objects.filter(is_archived=False)


class TransferForm(BootstrapFormMixin, forms.Form):
    from_account = forms.ModelChoiceField(queryset=Account.unscoped.none(), label=_("From"))
    to_account = forms.ModelChoiceField(queryset=Account.unscoped.none(), label=_("To"))
    amount = MoneyField(label=_("Amount"), allow_zero=False)
    comment = forms.CharField(max_length=255, required=False, label=_("Comment"))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_account"].queryset = _accounts(company)
        self.fields["to_account"].queryset = _accounts(company)


class CloseShiftForm(BootstrapFormMixin, forms.Form):
    counted = MoneyField(label=_("Counted in the drawer"))
    comment = forms.CharField(max_length=255, required=False, label=_("Comment"))


def accounts_for_method(company, method):
    kind = AccountKind.CASH if method == PaymentMethod.CASH else AccountKind.BANK
    return [a for a in _accounts(company) if a.kind == kind]
