from django import forms
from django.core.exceptions import ValidationError

from frontdesk.core.money import AMOUNT_MESSAGES, AmountError, parse_amount, plain_amount
from frontdesk.core.phones import normalize_phone


def choices_without(choices, *values) -> list:
    """The `choices` less the entries whose value is one of `values` (with none given: less the
    blank entry, value "" or None, that a form puts before an optional field's choices).

    Entries are picked by value, never by position: whether a form adds a blank entry depends on
    the model field (one with a default gets none), so "everything after the first" drops a real
    choice there — the onboarding once lost «Beauty salon», its first business type, that way.
    `core/tests/test_choices.py` refuses a slice of choices anywhere in the product code."""
    drop = set(values) if values else {"", None}
    return [(value, label) for value, label in choices if value not in drop]


class PhoneField(forms.CharField):
    """A phone in any usual writing, cleaned to E.164."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.attrs.setdefault("placeholder", "+7 900 123-45-67")

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return ""
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class MoneyInput(forms.TextInput):
    """A text box for an amount: the phone's number keyboard with a decimal mark, and the value
    written back the way parse_amount reads it (“1500.50”, not “1 500,50”)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str):
            return value or None  # what the person typed comes back as typed, refused or not
        return plain_amount(value) or None


class MoneyField(forms.Field):
    """Every form's money input: read by core.money.parse_amount (grouping spaces, a comma or a
    dot, kopecks; bounded by MAX_AMOUNT), so "1e26", "NaN", "-1" or "12,345.6" get a translated
    message and never reach a service or the database. `allow_zero` (default) and `allow_negative`
    (a ± correction) widen what is taken; an empty optional field is None."""

    widget = MoneyInput

    def __init__(self, *args, allow_zero: bool = True, allow_negative: bool = False, **kwargs):
        # What a model's DecimalField hands its form field does not apply to typed text.
        for name in ("max_digits", "decimal_places", "min_value", "max_value", "step_size", "localize", "max_length"):
            kwargs.pop(name, None)
        self.allow_zero, self.allow_negative = allow_zero, allow_negative
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            value = str(value)
        value = value.strip()
        if not value:
            return None
        try:
            return parse_amount(value, allow_zero=self.allow_zero, allow_negative=self.allow_negative)
        except AmountError as refused:
            code = "amount_not_negative" if refused.code == "amount_positive" and self.allow_zero else refused.code
            raise ValidationError(AMOUNT_MESSAGES[code], code=code) from None

    def has_changed(self, initial, data):
        try:
            before = None if initial in (None, "") else parse_amount(initial, allow_zero=True, allow_negative=True)
            return self.to_python(data) != before
        except (ValidationError, AmountError):
            return True


class BootstrapFormMixin:
    """Adds Bootstrap 5 classes to widgets so that every form looks the same."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = ""
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
