from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Service
from frontdesk.clients.lost import lost_rule_text
from frontdesk.clients.models import (
    MAX_FILE_SIZE,
    Client,
    ClientCategory,
    ClientSource,
    CustomField,
    DuplicatePolicy,
    FieldKind,
    FileKind,
    Gender,
    Importance,
)
from frontdesk.clients.services import clean_custom_values
from frontdesk.core.dates import DateTextInput
from frontdesk.core.forms import BootstrapFormMixin, MoneyField, PhoneField, choices_without
from frontdesk.core.phones import normalize_phone
from frontdesk.core.spreadsheets.forms import UploadForm
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.models import Company


class ClientForm(BootstrapFormMixin, forms.ModelForm):
    phone = PhoneField(label=_("Phone"), required=False)
    extra_phones_text = forms.CharField(
        label=_("Additional phones"),
        required=False,
        help_text=_("One per line or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Declared here, not derived from the model: the model's default querysets are tenant-scoped
    # and cannot be evaluated when the form class is built.
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        required=False,
        queryset=ClientCategory.unscoped.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    referrer = forms.ModelChoiceField(queryset=Client.unscoped.none(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Client
        fields = [
            "name",
            "phone",
            "email",
            "gender",
            "birthday",
            "categories",
            "importance",
            "discount",
            "source",
            "source_note",
            "referrer",
            "sms_consent",
            "email_consent",
            "comment",
        ]
        widgets = {
            "birthday": DateTextInput(),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, chain, **kwargs):
        self.chain = chain
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = ClientCategory.objects.filter(chain=chain)
        referrers = Client.objects.filter(chain=chain, erased_at__isnull=True)
        if self.instance.pk:
            referrers = referrers.exclude(pk=self.instance.pk)
        self.fields["referrer"].queryset = referrers
        # A network may have many thousands of clients: the referrer is typed in as a phone.
        self.fields["referrer_phone"] = PhoneField(
            label=_("Recommended by (phone)"),
            required=False,
            initial=self.instance.referrer.phone if self.instance.referrer_id else "",
        )
        self.fields["referrer_phone"].widget.attrs["class"] = "form-control"
        self.fields["extra_phones_text"].initial = "\n".join(self.instance.extra_phones or [])
        self.definitions = list(CustomField.objects.filter(chain=chain))
        for definition in self.definitions:
            self.fields[f"custom_{definition.key}"] = _custom_form_field(
                definition, (self.instance.custom or {}).get(definition.key)
            )

    def custom_fields(self):
        return [self[f"custom_{d.key}"] for d in self.definitions]

    def clean_extra_phones_text(self):
        raw = self.cleaned_data.get("extra_phones_text") or ""
        phones = []
        for part in raw.replace(",", "\n").replace(";", "\n").splitlines():
            if part.strip():
                phones.append(normalize_phone(part))
        return list(dict.fromkeys(phones))

    def clean_phone(self):
        phone = self.cleaned_data.get("phone") or ""
        if phone:
            others = Client.objects.filter(chain=self.chain, phone=phone)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            other = others.first()
            if other is not None:
                raise ValidationError(
                    _("This phone already belongs to the client “%(name)s”. Open that card or merge the two."),
                    params={"name": other},
                )
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("phone"):
            raise ValidationError(_("Enter a name or a phone."))
        referrer_phone = data.get("referrer_phone")
        data["referrer"] = None
        if referrer_phone:
            referrer = self.fields["referrer"].queryset.filter(phone=referrer_phone).first()
            if referrer is None:
                self.add_error("referrer_phone", _("No client with this phone."))
            else:
                data["referrer"] = referrer
        values = {d.key: data.get(f"custom_{d.key}") for d in self.definitions}
        try:
            data["custom"] = clean_custom_values(self.chain, values, self.definitions)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)
        return data

    def save(self, commit=True):
        client = super().save(commit=False)
        client.chain = self.chain
        client.extra_phones = [p for p in self.cleaned_data["extra_phones_text"] if p != client.phone]
        client.referrer = self.cleaned_data.get("referrer")
        client.custom = self.cleaned_data.get("custom", {})
        if commit:
            client.save()
            self.save_m2m()
        return client


def _custom_form_field(definition, value):
    label = definition.label
    if definition.kind == FieldKind.NUMBER:
        return forms.DecimalField(label=label, required=False, initial=value)
    if definition.kind == FieldKind.DATE:
        return forms.DateField(label=label, required=False, initial=value, widget=DateTextInput())
    if definition.kind == FieldKind.CHOICE:
        choices = [("", "—"), *((c, c) for c in definition.choices)]
        return forms.ChoiceField(label=label, required=False, choices=choices, initial=value)
    return forms.CharField(label=label, required=False, initial=value, max_length=1000)


class CategoryForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ClientCategory
        fields = ["title", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


class CustomFieldForm(BootstrapFormMixin, forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        help_text=_("For a choice from a list: one choice per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = CustomField
        fields = ["label", "key", "kind", "position"]
        help_texts = {"key": _("Latin letters, digits and dashes; the column name in imports and exports.")}

    def clean(self):
        data = super().clean()
        choices = [c.strip() for c in (data.get("choices_text") or "").splitlines() if c.strip()]
        if data.get("kind") == FieldKind.CHOICE and not choices:
            self.add_error("choices_text", _("List the choices, one per line."))
        data["choices"] = choices
        return data


class FileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind"), choices=FileKind.choices)
    title = forms.CharField(label=_("Title"), required=False, max_length=150)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                _("The file is too large: at most %(mb)s MB."), params={"mb": MAX_FILE_SIZE // (1024 * 1024)}
            )
        return upload


class NoteForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


def _month_day(value: str) -> int:
    """ "25.12" → 1225."""
    try:
        day, month = (int(part) for part in value.replace("/", ".").split(".")[:2])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise ValueError
    except ValueError:
        raise ValidationError(_("Enter a day and month as DD.MM, e.g. 25.12.")) from None
    return month * 100 + day


class ClientFilterForm(BootstrapFormMixin, forms.Form):
    SORT_CHOICES = [
        ("name", _("By name")),
        ("-last_visit", _("Last visit, newest first")),
        ("-visits", _("Most visits first")),
        ("-spend", _("Highest spend first")),
        ("-created", _("Newest cards first")),
    ]
    CONSENT_CHOICES = [
        ("", _("Any")),
        ("sms", _("Agrees to SMS")),
        ("email", _("Agrees to email")),
        ("none", _("No consent")),
    ]
    SCORE_CHOICES = [("", "—"), ("3", "3"), ("2", "2"), ("1", "1")]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", _("Any")), *Gender.choices])
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=ClientCategory.unscoped.none())
    importance = forms.ChoiceField(
        label=_("Importance"), required=False, choices=[("", _("Any")), *choices_without(Importance.choices)]
    )
    visits_min = forms.IntegerField(label=_("Visits from"), required=False, min_value=0)
    visits_max = forms.IntegerField(label=_("Visits to"), required=False, min_value=0)
    last_from = forms.DateField(label=_("Last visit from"), required=False, widget=DateTextInput())
    last_to = forms.DateField(label=_("Last visit to"), required=False, widget=DateTextInput())
    spend_min = MoneyField(label=_("Spend from"), required=False)
    spend_max = MoneyField(label=_("Spend to"), required=False)
    bday_from = forms.CharField(
        label=_("Birthday from"), required=False, widget=forms.TextInput(attrs={"placeholder": _("DD.MM")})
    )
    bday_to = forms.CharField(
        label=_("Birthday to"), required=False, widget=forms.TextInput(attrs={"placeholder": _("DD.MM")})
    )
    specialist = forms.ModelChoiceField(label=_("Specialist"), required=False, queryset=Specialist.unscoped.none())
    service = forms.ModelChoiceField(label=_("Service used"), required=False, queryset=Service.unscoped.none())
    branch = forms.ModelChoiceField(label=_("Branch"), required=False, queryset=Company.unscoped.none())
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any")), *choices_without(ClientSource.choices)]
    )
    consent = forms.ChoiceField(label=_("Consent"), required=False, choices=CONSENT_CHOICES)
    lost = forms.BooleanField(label=_("Lost clients"), required=False)
    r = forms.ChoiceField(label=_("Recency"), required=False, choices=SCORE_CHOICES)
    f = forms.ChoiceField(label=_("Frequency"), required=False, choices=SCORE_CHOICES)
    m = forms.ChoiceField(label=_("Money"), required=False, choices=SCORE_CHOICES)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    # Query parameters that are filters (kept in a segment); the rest is paging and sorting.
    FILTER_KEYS = [
        "q",
        "gender",
        "category",
        "importance",
        "visits_min",
        "visits_max",
        "last_from",
        "last_to",
        "spend_min",
        "spend_max",
        "bday_from",
        "bday_to",
        "specialist",
        "service",
        "branch",
        "source",
        "consent",
        "lost",
        "r",
        "f",
        "m",
        "sort",
    ]

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ClientCategory.objects.filter(chain=chain)
        self.fields["specialist"].queryset = Specialist.objects.filter(chain=chain)
        self.fields["service"].queryset = Service.objects.filter(chain=chain).order_by("title", "id")
        self.fields["branch"].queryset = Company.objects.filter(chain=chain)
        self.fields["lost"].help_text = lost_rule_text()
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, phone digits or email"), "autocomplete": "off", "type": "search"}
        )

    def clean(self):
        data = super().clean()
        for key in ("bday_from", "bday_to"):
            if data.get(key):
                try:
                    data[key] = _month_day(data[key])
                except ValidationError as error:
                    self.add_error(key, error)
        if bool(data.get("bday_from")) != bool(data.get("bday_to")):
            self.add_error("bday_to", _("Give both ends of the birthday range."))
        return data

    def active_count(self) -> int:
        if not self.is_bound:
            return 0
        return sum(1 for key in self.FILTER_KEYS if key not in ("q", "sort") and self.data.get(key))


class SegmentForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Segment name"), max_length=100)


class ImportUploadForm(UploadForm):
    extensions = (".xlsx", ".csv", ".txt")
    max_mb = 20
    wrong_type = _("Upload an .xlsx or .csv file.")

    file = forms.FileField(label=_("File"), help_text=_("Excel (.xlsx) or CSV in UTF-8 or Windows-1251."))


class ImportOptionsForm(BootstrapFormMixin, forms.Form):
    on_duplicate = forms.ChoiceField(
        label=_("When the phone is already in the base"), choices=DuplicatePolicy.choices, widget=forms.RadioSelect
    )
