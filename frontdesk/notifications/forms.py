import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.clients.models import Segment
from frontdesk.core.dates import DateTextInput, DateTimeTextInput, TimeTextInput
from frontdesk.core.forms import BootstrapFormMixin
from frontdesk.notifications.models import (
    MAX_NOTICE_DAYS,
    SERVICE_AUDIENCES,
    AudienceKind,
    ChannelKind,
    ChannelSettings,
    Mailing,
    MailingKind,
    MessageEvent,
    MessageStatus,
    MessageTemplate,
)
from frontdesk.notifications.services import clean_recipient
from frontdesk.notifications.templating import TemplateError, check_text
from frontdesk.scheduling.models import GroupEvent, GroupEventStatus
from frontdesk.staff.models import Specialist

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
            "telegram_bot_name",
            "reminder_hours",
            "quiet_from",
            "quiet_to",
            "sms_price",
            "mailing_rate",
            "thanks_enabled",
            "thanks_hours",
            "birthday_enabled",
            "birthday_hour",
            "winback_enabled",
            "winback_gap_days",
            "staff_notice",
        ]
        widgets = {
            "sms_secret": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            "telegram_token": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            "quiet_from": TimeTextInput(),
            "quiet_to": TimeTextInput(),
        }

    # Left out of a submitted form: the stored (or default) value stays.
    KEEP_IF_EMPTY = ("sms_price", "mailing_rate", "thanks_hours", "birthday_hour", "winback_gap_days", "staff_notice")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            if getattr(self.instance, name):
                self.fields[name].help_text = _("Saved. Leave empty to keep it.")
        for name in self.KEEP_IF_EMPTY:
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in SECRETS:
            if not data.get(name):
                data[name] = getattr(self.instance, name)
        for name in self.KEEP_IF_EMPTY:
            if name in data and data[name] in (None, ""):
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
            check_text(text)
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
    date_from = forms.DateField(label=_("From"), required=False, widget=DateTextInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateTextInput())


class MailingForm(BootstrapFormMixin, forms.ModelForm):
    """A mailing's text and audience. The choices are the branch's (segments are the network's)."""

    segment = forms.ModelChoiceField(label=_("Segment"), required=False, queryset=Segment.unscoped.none())
    specialist = forms.ModelChoiceField(label=_("Specialist"), required=False, queryset=Specialist.unscoped.none())
    group_event = forms.ModelChoiceField(label=_("Class"), required=False, queryset=GroupEvent.unscoped.none())

    class Meta:
        model = Mailing
        fields = [
            "name",
            "kind",
            "channel",
            "subject",
            "body",
            "audience",
            "segment",
            "day",
            "day_to",
            "specialist",
            "group_event",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "body": forms.Textarea(attrs={"rows": 5}),
            "day": DateTextInput(),
            "day_to": DateTextInput(),
        }

    def __init__(self, *args, company, selection=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        self.company = company
        self.selection = selection or {}
        # The kind is the sender's explicit choice: a new mailing starts with neither ticked.
        self.fields["kind"].choices = MailingKind.choices
        if self.instance.pk is None and self.initial.get("kind") not in MailingKind.values:
            self.initial["kind"] = None
        self.fields["kind"].error_messages["required"] = _("Choose whether it is a service notice or advertising.")
        self.fields["day_to"].help_text = _("Empty: only the day above.")
        if not self.selection:
            # Chosen clients come only from the client list's "Send a message".
            self.fields["audience"].choices = [
                choice for choice in self.fields["audience"].choices if choice[0] != AudienceKind.CLIENTS
            ]
        self.fields["segment"].queryset = Segment.objects.filter(chain_id=company.chain_id)
        self.fields["specialist"].queryset = Specialist.objects.filter(companies=company)
        self.fields["group_event"].queryset = (
            GroupEvent.objects.filter(company=company, status=GroupEventStatus.SCHEDULED)
            .filter(start__gte=timezone.now() - datetime.timedelta(days=1))
            .select_related("service")
        )
        self.fields["group_event"].label_from_instance = lambda event: (
            f"{event.service.title} · {event.start.astimezone(company.tz):%d.%m.%Y %H:%M}"
        )
        self.fields["subject"].help_text = _("Only for email.")
        self.fields["body"].help_text = _(
            "Variables: {{ client_name }}, {{ branch }}, {{ branch_address }}, {{ branch_phone }}, {{ link }}."
        )

    def clean_body(self):
        text = self.cleaned_data.get("body", "")
        try:
            check_text(text)
        except TemplateError as error:
            raise forms.ValidationError(_("The text has an error: %(error)s"), params={"error": error}) from None
        return text

    def clean_subject(self):
        text = self.cleaned_data.get("subject", "")
        try:
            check_text(text)
        except TemplateError as error:
            raise forms.ValidationError(_("The text has an error: %(error)s"), params={"error": error}) from None
        return text

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        needs = {
            AudienceKind.SEGMENT: ["segment"],
            AudienceKind.DAY: ["day"],
            AudienceKind.SPECIALIST_DAY: ["day", "specialist"],
            AudienceKind.CLASS: ["group_event"],
        }.get(audience, [])
        for name in needs:
            if not data.get(name):
                self.add_error(name, _("Choose it for this audience."))
        kind = data.get("kind")
        if kind == MailingKind.SERVICE and audience and audience not in SERVICE_AUDIENCES:
            self.add_error(
                "audience",
                _(
                    "A service notice goes only to clients booked on the chosen days or in a class; choose such an audience."
                ),
            )
        day, day_to = data.get("day"), data.get("day_to")
        if day and day_to:
            if day_to < day:
                self.add_error("day_to", _("The last day cannot be before the first."))
            elif (day_to - day).days >= MAX_NOTICE_DAYS:
                self.add_error("day_to", _("At most %(days)s days at once.") % {"days": MAX_NOTICE_DAYS})
        if audience == AudienceKind.CLIENTS and not self.selection:
            self.add_error("audience", _("Choose the clients in the client list and press “Send a message” there."))
        if "day" in needs:
            needs = [*needs, "day_to"]
        for name in ("segment", "day", "day_to", "specialist", "group_event"):
            if name not in needs:
                data[name] = None
        if data.get("channel") == ChannelKind.EMAIL and not (data.get("subject") or "").strip():
            self.add_error("subject", _("An email needs a subject."))
        return data


class ScheduleForm(BootstrapFormMixin, forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at (branch time)"),
        widget=DateTimeTextInput(),
    )
