from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.finance.models import Account, AccountKind
from frontdesk.payments.models import FiscalSettings, PaymentSettings, PrepaymentMode


class KeepSecretsMixin:
    """Secrets are never shown back; an empty secret field keeps the stored one."""

    SECRETS: tuple[str, ...] = ()

    def _keep_secrets(self):
        for name in self.SECRETS:
            self.fields[name].widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            self.fields[name].required = False
            if getattr(self.instance, name, ""):
                self.fields[name].help_text = _("Saved. Leave empty to keep it.")

    def _secret(self, name):
        return self.cleaned_data.get(name) or getattr(self.instance, name, "")

    def _clean_secrets(self):
        for name in self.SECRETS:
            if name in self.cleaned_data and not self.cleaned_data[name]:
                self.cleaned_data[name] = getattr(self.instance, name, "")


class FiscalSettingsForm(KeepSecretsMixin, forms.ModelForm):
    SECRETS = ("atol_password",)

    class Meta:
        model = FiscalSettings
        fields = [
            "driver",
            "taxation",
            "vat",
            "inn",
            "payment_address",
            "cashier_inn",
            "seller_email",
            "atol_login",
            "atol_password",
            "atol_group_code",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._keep_secrets()

    def clean(self):
        data = super().clean()
        self._clean_secrets()
        if data.get("driver") == "atol":
            needed = {
                "atol_login": _("Enter the ATOL Online login."),
                "atol_password": _("Enter the ATOL Online password."),
                "atol_group_code": _("Enter the ATOL Online group code."),
                "inn": _("Enter the seller's INN."),
                "payment_address": _("Enter the place of settlement."),
                "seller_email": _("Enter the seller's email: ATOL Online prints it on receipts."),
            }
            for name, message in needed.items():
                if not (self._secret(name) if name in self.SECRETS else data.get(name)):
                    self.add_error(name, message)
        return data

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


class PaymentSettingsForm(KeepSecretsMixin, forms.ModelForm):
    SECRETS = ("secret_key",)

    default_mode = forms.ChoiceField(label=_("prepayment by default"), choices=PrepaymentMode.choices)
    # The branch's bank accounts, set per form (the scoped manager cannot be read at import).
    account = forms.ModelChoiceField(
        label=_("bank account for online payments"), queryset=Account.unscoped.none(), required=False
    )

    class Meta:
        model = PaymentSettings
        fields = ["provider", "shop_id", "secret_key", "account", "hold_minutes", "default_mode"]

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(
            company=company, kind=AccountKind.BANK, is_archived=False
        )
        self.fields["hold_minutes"].min_value = 5
        self.fields["hold_minutes"].max_value = 7 * 24 * 60
        self.fields["hold_minutes"].widget.attrs.update(min=5, max=7 * 24 * 60)
        self._keep_secrets()

    def clean_hold_minutes(self):
        minutes = self.cleaned_data["hold_minutes"]
        if not 5 <= minutes <= 7 * 24 * 60:
            raise forms.ValidationError(_("Between 5 minutes and 7 days."))
        return minutes

    def clean(self):
        data = super().clean()
        self._clean_secrets()
        if data.get("provider") and data["provider"] != "off" and not data.get("account"):
            self.add_error("account", _("Choose the bank account online payments go to."))
        if data.get("provider") == "yookassa":
            if not (data.get("shop_id") or "").strip():
                self.add_error("shop_id", _("Enter the shop ID from YooKassa's settings."))
            if not self._secret("secret_key"):
                self.add_error("secret_key", _("Enter the secret key from YooKassa's settings."))
        return data
