from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.finance.models import Account, AccountKind
from frontdesk.payments.models import FiscalSettings, PaymentSettings, PrepaymentMode


class FiscalSettingsForm(forms.ModelForm):
    class Meta:
        model = FiscalSettings
        fields = ["driver", "taxation", "vat", "inn", "payment_address", "cashier_inn"]

    def clean_inn(self):
        inn = self.cleaned_data["inn"].strip()
        if inn and (not inn.isdigit() or len(inn) not in (10, 12)):
            raise forms.ValidationError(_("An INN has 10 or 12 digits."))
        return inn

    def clean_cashier_inn(self):
        inn = self.cleaned_data["cashier_inn"].strip()
        if inn and (not inn.isdigit() or len(inn) != 12):
            raise forms.ValidationError(_("A person's INN has 12 digits."))
        return inn


class PaymentSettingsForm(forms.ModelForm):
    default_mode = forms.ChoiceField(label=_("prepayment by default"), choices=PrepaymentMode.choices)
    # The branch's bank accounts, set per form (the scoped manager cannot be read at import).
    account = forms.ModelChoiceField(
        label=_("bank account for online payments"), queryset=Account.unscoped.none(), required=False
    )

    class Meta:
        model = PaymentSettings
        fields = ["provider", "shop_id", "account", "hold_minutes", "default_mode"]

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(
            company=company, kind=AccountKind.BANK, is_archived=False
        )
        self.fields["hold_minutes"].min_value = 5
        self.fields["hold_minutes"].max_value = 7 * 24 * 60
        self.fields["hold_minutes"].widget.attrs.update(min=5, max=7 * 24 * 60)

    def clean_hold_minutes(self):
        minutes = self.cleaned_data["hold_minutes"]
        if not 5 <= minutes <= 7 * 24 * 60:
            raise forms.ValidationError(_("Between 5 minutes and 7 days."))
        return minutes

    def clean(self):
        data = super().clean()
        if data.get("provider") and data["provider"] != "off" and not data.get("account"):
            self.add_error("account", _("Choose the bank account online payments go to."))
        return data
