from django import forms
from django.core.exceptions import ValidationError

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
