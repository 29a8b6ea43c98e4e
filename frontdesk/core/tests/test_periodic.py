"""The hourly jobs: every module's job runs, one failing does not stop the rest, and the command
that `make run` and cron call runs them all."""

import io

import pytest
from django.core.management import call_command

from frontdesk.core import periodic

pytestmark = pytest.mark.django_db


def test_the_birthday_messages_bonus_expiry_and_prepaid_expiry_are_hourly_jobs():
    assert {"notifications.daily_messages", "loyalty.daily", "prepaid.expiry"} <= set(periodic.hourly_jobs())


def test_a_failing_job_is_logged_and_the_others_still_run(monkeypatch, caplog):
    ran = []
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register_hourly("a.broken", lambda: 1 / 0)
    periodic.register_hourly("b.fine", lambda: ran.append("fine") or 3)
    results = periodic.run_hourly_jobs()
    assert results == {"a.broken": "failed", "b.fine": 3} and ran == ["fine"]
    assert "a.broken" in caplog.text


def test_the_command_runs_every_registered_job(tenant_a):
    out = io.StringIO()
    call_command("run_hourly_jobs", stdout=out)
    printed = out.getvalue()
    assert "notifications.daily_messages:" in printed and "loyalty.daily:" in printed and "prepaid.expiry:" in printed
    assert "failed" not in printed
