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


@pytest.mark.django_db
def test_restarting_make_run_books_the_next_hourly_run_once(settings):
    # Issue 22, B6: each `make run` asks from a fresh process whose cache is empty; the queue
    # itself must show the run is already booked.
    from django.core.cache import cache
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from frontdesk.core.tasks import hourly_jobs_task, schedule_next_hourly_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    for _restart in range(3):
        cache.clear()
        schedule_next_hourly_run(now)
    assert DBTaskResult.objects.filter(task_path=hourly_jobs_task.module_path).count() == 1
