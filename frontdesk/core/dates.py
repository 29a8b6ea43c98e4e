"""Date and time fields in the interface language, not the browser's.

A native date or time input is drawn in the browser's own locale (an English Chromium
shows 12/07/2026 and 2:30 PM to a Russian salon), whatever language the page is in. So every date
and time field is a text field in the active language's format (ru: 07.12.2026, 14:30; en:
2026-12-07, 14:30), with a placeholder that shows the format and a numeric keyboard on phones.
The server reads the same formats (Django's DATE_INPUT_FORMATS of the language, ISO always), and
accepts the usual slips: "7,12,2026", "7/12/2026", "1430", "14.30".

Forms use DateTextInput / TimeTextInput / DateTimeTextInput; a hand-written template input uses
`{% date_attrs %}` / `{% time_attrs %}` (core/templatetags/dates.py); scripts read and write the
fields through static/js/dates.js, which takes the format from <html data-date-format>. A test
refuses native date and time inputs anywhere in the code."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _

TIME_FORMAT = "%H:%M"


def date_format() -> str:
    """The active language's date input format, e.g. "%d.%m.%Y"."""
    return formats.get_format("DATE_INPUT_FORMATS")[0]


def date_pattern() -> str:
    """The format as scripts and placeholders spell it: "dd.mm.yyyy", "yyyy-mm-dd"."""
    return date_format().replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")


def date_placeholder() -> str:
    parts = {"dd": _("DD"), "mm": _("MM"), "yyyy": _("YYYY")}
    return re.sub(r"dd|mm|yyyy", lambda m: str(parts[m.group(0)]), date_pattern())


def time_placeholder() -> str:
    return _("HH:MM")


def _normalise_date(value: str) -> str:
    """'7,12,2026' / '7/12/2026' / '7 12 2026' written with the language's separator."""
    separator = re.sub(r"[%a-zA-Z]", "", date_format())[:1] or "."
    return re.sub(r"[\s.,/\-]+", separator, value.strip()) if not re.fullmatch(r"\d{4}-\d\d-\d\d", value) else value


def _normalise_time(value: str) -> str:
    """'1430' / '14.30' / '14 30' / '9:05' as 'HH:MM'."""
    value = value.strip()
    digits = re.fullmatch(r"(\d{1,2})[\s.,:\-]?(\d{2})", value)
    return f"{int(digits.group(1)):02d}:{digits.group(2)}" if digits else value


class _TextInputMixin:
    """A text field in the language's format: `default_format()` to show a value, `normalise()`
    to read what was typed."""

    input_type = "text"
    numeric = False  # a date has separators a numeric keypad may lack; a time does not
    data_attr = ""

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs, format=format)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        attrs.setdefault("placeholder", self.placeholder())
        attrs.setdefault("inputmode", "numeric" if self.numeric else "text")
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault(self.data_attr, "")
        return context

    def format_value(self, value):
        return value.strftime(self.format or self.default_format()) if hasattr(value, "strftime") else value

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return self.normalise(value) if isinstance(value, str) and value.strip() else value


class DateTextInput(_TextInputMixin, forms.DateInput):
    data_attr = "data-date-input"

    def placeholder(self):
        return date_placeholder()

    def default_format(self):
        return date_format()

    def normalise(self, value):
        return _normalise_date(value)


class TimeTextInput(_TextInputMixin, forms.TimeInput):
    numeric = True
    data_attr = "data-time-input"

    def placeholder(self):
        return time_placeholder()

    def default_format(self):
        return TIME_FORMAT

    def normalise(self, value):
        return _normalise_time(value)


class DateTimeTextInput(_TextInputMixin, forms.DateTimeInput):
    data_attr = "data-datetime-input"

    def placeholder(self):
        return f"{date_placeholder()} {time_placeholder()}"

    def default_format(self):
        return f"{date_format()} {TIME_FORMAT}"

    def normalise(self, value):
        day, _sep, time = value.strip().replace("T", " ").partition(" ")
        return f"{_normalise_date(day)} {_normalise_time(time)}".strip()


def parse_date(text) -> datetime.date | None:
    """A date typed in a hand-written field (or ISO, as links and scripts send it); None when it
    is no date."""
    value = str(text or "").strip()[:32]
    if not value:
        return None
    field = forms.DateField()
    try:
        return field.clean(_normalise_date(value))
    except forms.ValidationError:
        return None
