import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.booking.models import OnlineBookingSettings
from frontdesk.core.forms import BootstrapFormMixin, PhoneField


class BookingForm(forms.Form):
    """The client's details on the last step of the booking page."""

    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = PhoneField(label=_("Phone"))
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    consent = forms.BooleanField(label=_("I agree to the processing of my personal data"))
    code = forms.CharField(label=_("Code from the SMS"), required=False, max_length=8)
    phone_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, settings: OnlineBookingSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = settings.email_required
        self.fields["comment"].required = settings.comment_required
        self.fields["code"].widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")
        self.fields["name"].error_messages["required"] = _("Enter your name.")
        self.fields["consent"].error_messages["required"] = _("Agree to the processing of personal data to book.")


HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class OnlineBookingSettingsForm(BootstrapFormMixin, forms.ModelForm):
    privacy_policy_url = forms.URLField(
        label=_("privacy policy link"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = OnlineBookingSettings
        fields = [
            "enabled",
            "step_order",
            "step",
            "min_notice",
            "max_days_ahead",
            "cancel_deadline",
            "phone_confirmation",
            "show_prices",
            "email_required",
            "comment_required",
            "accent_colour",
            "welcome_text",
            "confirmation_text",
            "privacy_policy_url",
        ]
        widgets = {
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
            "welcome_text": forms.Textarea(attrs={"rows": 3}),
            "confirmation_text": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_accent_colour(self):
        value = self.cleaned_data["accent_colour"]
        if not HEX_COLOUR.match(value or ""):
            raise ValidationError(_("Enter a colour as #RRGGBB."))
        return value.lower()
