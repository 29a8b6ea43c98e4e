"""Date and time fields follow the interface language, not the browser's locale."""

import datetime
import pathlib
import re

import pytest
from django import forms
from django.utils import translation

from frontdesk.core.dates import DateTextInput, DateTimeTextInput, TimeTextInput, parse_date
from frontdesk.testing.fixtures import client_for

ROOT = pathlib.Path(__file__).resolve().parents[3]


class VisitForm(forms.Form):
    day = forms.DateField(widget=DateTextInput())
    at = forms.TimeField(widget=TimeTextInput())
    send_at = forms.DateTimeField(widget=DateTimeTextInput())


@pytest.mark.parametrize(
    ("language", "day", "placeholder"),
    [
        ("ru", 'value="07.12.2026"', 'placeholder="ДД.ММ.ГГГГ"'),
        ("en", 'value="2026-12-07"', 'placeholder="YYYY-MM-DD"'),
    ],
)
def test_a_date_field_shows_the_interface_languages_format(language, day, placeholder):
    with translation.override(language):
        html = str(VisitForm(initial={"day": datetime.date(2026, 12, 7), "at": datetime.time(14, 30)})["day"])
        time = str(VisitForm(initial={"at": datetime.time(14, 30)})["at"])
    assert 'type="text"' in html and day in html and placeholder in html
    assert 'value="14:30"' in time and 'inputmode="numeric"' in time


def test_what_a_russian_admin_types_is_read_with_the_usual_slips():
    with translation.override("ru"):
        form = VisitForm({"day": "7,12,2026", "at": "1430", "send_at": "08.12.2026 9.05"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 12, 7)
        assert form.cleaned_data["at"] == datetime.time(14, 30)
        assert form.cleaned_data["send_at"].replace(tzinfo=None) == datetime.datetime(2026, 12, 8, 9, 5)
        assert parse_date("2026-12-07") == datetime.date(2026, 12, 7)  # what links and scripts send
        assert parse_date("32.12.2026") is None
        assert not VisitForm({"day": "завтра", "at": "25:00", "send_at": "x"}).is_valid()


@pytest.mark.django_db
def test_the_event_log_filter_takes_a_russian_date(tenant_a, alice):
    alice.language = "ru"
    alice.save(update_fields=["language"])
    page = client_for(alice).get(f"/c/{tenant_a.company.pk}/events/", {"date_from": "01.01.2020"}).content.decode()
    assert "не дата" not in page and 'data-date-format="dd.mm.yyyy"' in page
    assert re.search(r'id="f-from"[^>]*|[^<]*id="f-from"', page)


NATIVE = re.compile(r"""type=["']?(date|time|datetime-local)\b|["']type["']:\s*["'](date|time|datetime-local)["']""")


def test_no_native_date_or_time_input_is_left():
    sources = [
        p
        for pattern in ("frontdesk/**/*.html", "frontdesk/**/*.py", "frontdesk/**/static/**/*.js")
        for p in ROOT.glob(pattern)
        if "tests" not in p.parts and "vendor" not in p.parts
    ]
    assert len(sources) > 200
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if NATIVE.search(line)
    ]
    assert offenders == [], "use frontdesk.core.dates (DateTextInput, {% date_attrs %}) instead"
