from django import forms
from django.core.exceptions import ValidationError

from frontdesk.core.phones import normalize_phone


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
