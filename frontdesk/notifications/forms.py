from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.core.forms import BootstrapFormMixin
from frontdesk.notifications.models import ChannelKind, ChannelSettings, MessageEvent, MessageStatus, MessageTemplate
from frontdesk.notifications.templating import TemplateError, compile_text

SECRETS = ("sms_secret", "telegram_token")


class ChannelSettingsForm(BootstrapFormMixin, forms.ModelForm):
    """The secrets are never shown back; an empty secret field keeps the stored one."""

    class Meta:
        model = ChannelSettings
        fields = [
            "language",
            "sms_enabled",
            "sms_provider",
            "sms_login",
            "sms_secret",
            "sms_sender",
            "email_enabled",
            "email_from",
            "telegram_enabled",
            "telegram_token",
            "telegram_chat_id",
            "reminder_hours",
            "quiet_from",
            "quiet_to",
        ]
        widgets = {
            "sms_secret": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            "telegram_token": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_to": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            if getattr(self.instance, name):
                self.fields[name].help_text = _("Saved. Leave empty to keep it.")

    def clean(self):
        data = super().clean()
        for name in SECRETS:
            if not data.get(name):
                data[name] = getattr(self.instance, name)
        if bool(data.get("quiet_from")) != bool(data.get("quiet_to")):
            self.add_error("quiet_to", _("Give both ends of the quiet hours, or neither."))
        return data


class TestSendForm(BootstrapFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ChannelKind.choices)
    recipient = forms.CharField(
        label=_("To"), max_length=255, help_text=_("A phone for SMS, an address for email, a chat id for Telegram.")
    )

    def clean(self):
        data = super().clean()
        from frontdesk.notifications.services import clean_recipient

        if data.get("channel") and data.get("recipient"):
            try:
                data["recipient"] = clean_recipient(data["channel"], data["recipient"])
            except forms.ValidationError as error:
                self.add_error("recipient", error)
        return data


class MessageTemplateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.channel != ChannelKind.EMAIL:
            del self.fields["subject"]

    def _check(self, name):
        text = self.cleaned_data.get(name, "")
        try:
            compile_text(text)
        except TemplateError as error:
            raise forms.ValidationError(_("The template has an error: %(error)s"), params={"error": error}) from None
        return text

    def clean_body(self):
        return self._check("body")

    def clean_subject(self):
        return self._check("subject")


class MessageFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Recipient"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + MessageStatus.choices)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any"))] + ChannelKind.choices)
    event = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("Any"))] + MessageEvent.choices)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
