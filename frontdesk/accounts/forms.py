from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.models import User
from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.accounts.services import send_templated_email
from frontdesk.core.forms import BootstrapFormMixin, PhoneField, choices_without
from frontdesk.core.siteurl import absolute_url


class LoginForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(
        label=_("Email or phone"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("The email or phone and password do not match. Check them and try again."),
        "inactive": _("This account is switched off."),
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class SignUpForm(BootstrapFormMixin, forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=120)
    name = forms.CharField(label=_("Your name"), max_length=150)
    phone = PhoneField(label=_("Phone"))
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )

    # No check that the email or phone is free: the answer would tell anyone who has an account
    # (tenancy.signup answers the same way whatever exists).
    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            probe = User(email=cleaned.get("email"), name=cleaned.get("name", ""), phone=cleaned.get("phone"))
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    phone = PhoneField(label=_("Phone"), required=False)

    class Meta:
        model = User
        fields = ["name", "email", "phone", "language"]
        widgets = {"language": forms.Select(choices=[("ru", "Русский"), ("en", "English")])}

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower() or None
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another account uses this email."))
        return email

    def clean_phone(self):
        phone = self.cleaned_data.get("phone") or None
        if phone and User.objects.filter(phone=phone).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another account uses this phone."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors:
            raise ValidationError(_("Keep at least an email or a phone to log in with."))
        return cleaned


class FrontdeskPasswordResetForm(BootstrapFormMixin, PasswordResetForm):
    def get_users(self, email):
        # Django's default filters on the username field's case; ours are stored lower-case.
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, *args, **kwargs):
        """A known address gets the reset link; an unknown one a letter saying it has no account.
        The page is the same either way, and so is the work (one letter), so neither the answer
        nor its time tells the requester whether the address has an account."""
        email = self.cleaned_data["email"]
        if any(self.get_users(email)):
            return super().save(*args, **kwargs)
        context = {"signup_url": absolute_url(reverse("tenancy:signup"))}
        send_templated_email(email, "accounts/email/password_reset_unknown", context)
        return None


class FrontdeskSetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    pass


class InviteForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=choices_without(Role.choices, Role.OWNER))
    all_companies = forms.BooleanField(label=_("All branches"), required=False, initial=True)
    companies = forms.ModelMultipleChoiceField(
        label=_("Branches"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companies"].queryset = chain.companies.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors:
            raise ValidationError(_("Give an email or a phone to send the invitation to."))
        if not cleaned.get("all_companies") and not cleaned.get("companies") and not self.errors:
            self.add_error("companies", _("Choose at least one branch, or all branches."))
        return cleaned


class MembershipForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    all_companies = forms.BooleanField(label=_("All branches"), required=False)
    companies = forms.ModelMultipleChoiceField(
        label=_("Branches"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    own_records_only = forms.BooleanField(label=_("Only own records and clients"), required=False)
    is_active = forms.BooleanField(label=_("Access enabled"), required=False)

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companies"].queryset = chain.companies.filter(is_active=True)
        for section in Section:
            self.fields[f"perm_{section.value}"] = forms.TypedChoiceField(
                label=section.label,
                choices=Level.choices,
                coerce=int,
                required=True,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") != Role.OWNER and not cleaned.get("all_companies") and not cleaned.get("companies"):
            self.add_error("companies", _("Choose at least one branch, or all branches."))
        return cleaned

    def permission_fields(self):
        return [self[f"perm_{section.value}"] for section in Section]
