"""A large import runs in the task worker: the page shows how much of the file is read, then the
same preview and confirm button as a small file's, then the result; other networks never see it.
Staff is the importer used here; every importer with a `background` kind behaves the same."""

import io

import pytest
from openpyxl import Workbook

from frontdesk.core.models import ImportJob, ImportStatus
from frontdesk.core.spreadsheets import background, reading
from frontdesk.staff.models import Specialist
from frontdesk.testing.fixtures import client_for
from frontdesk.testing.spreadsheets import long_sheet

pytestmark = pytest.mark.django_db


def staff_file(count, bad=()) -> bytes:
    book = Workbook()
    book.active.append(["Name", "Branches", "Hidden from online booking"])
    for n in range(count):
        book.active.append([f"Мастер {n}", "Лаванда Арбат", "maybe" if n in bad else "no"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 20)
    monkeypatch.setattr(reading, "PROGRESS_EVERY", 10)
    seen = []
    original = background._progress
    monkeypatch.setattr(
        background, "_progress", lambda job_id, done, total: seen.append(done / total) or original(job_id, done, total)
    )
    return seen


def upload(browser, company, data):
    page = f"/c/{company.pk}/staff/import/"
    file = io.BytesIO(data)
    file.name = "staff.xlsx"
    return page, browser.post(page, {"file": file}, HTTP_ACCEPT_LANGUAGE="en")


def test_a_large_file_is_checked_and_imported_by_the_task_worker_with_its_progress(tenant_a, alice, small_threshold):
    browser = client_for(alice)
    page, response = upload(browser, tenant_a.company, staff_file(60))
    job = ImportJob.objects.get()
    html = response.content.decode()
    # The request only handed the file over; the worker (immediate in tests) checked it.
    assert 'data-testid="import-job"' in html and job.status == ImportStatus.CHECKED
    assert small_threshold and small_threshold == sorted(small_threshold) and 0 < small_threshold[-1] <= 1
    assert "New: 60. Changed: 0. Unchanged: 0." in html
    assert f'name="job" value="{job.pk}"' in html and not Specialist.objects.exists()
    # Asked again (as the page's poll does), the job shows the same verdict.
    assert "New: 60." in browser.get(f"{page}?job={job.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    done = browser.post(page, {"confirm": "1", "job": job.pk}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and 'data-testid="import-job-done"' in done
    assert "Imported: 60 changes." in done and Specialist.objects.count() == 60
    assert job.data in (b"", memoryview(b"")) or bytes(job.data) == b""  # the file is not kept after the import


def test_the_page_polls_a_running_job_and_shows_how_far_it_got(tenant_a, alice):
    job = ImportJob.objects.create(
        chain=tenant_a.chain, company=tenant_a.company, kind="staff.staff", filename="big.xlsx", data=b"x"
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, percent=40)
    html = (
        client_for(alice)
        .get(f"/c/{tenant_a.company.pk}/staff/import/?job={job.pk}", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in html and "40%" in html and "Checking the file" in html
    assert 'data-testid="confirm-import"' not in html


def test_bad_rows_of_a_large_file_are_listed_and_nothing_is_imported(tenant_a, alice, small_threshold):
    browser = client_for(alice)
    page, response = upload(browser, tenant_a.company, staff_file(40, bad={3, 17}))
    html = response.content.decode()
    assert html.count('data-testid="bad-row"') == 2 and 'data-row="5"' in html and 'data-row="19"' in html
    assert 'data-testid="confirm-import"' not in html
    job = ImportJob.objects.get()
    browser.post(page, {"confirm": "1", "job": job.pk})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and not Specialist.objects.exists()


def test_a_file_over_the_row_cap_fails_in_the_worker_with_the_reason(tenant_a, alice, small_threshold):
    browser = client_for(alice)
    page, response = upload(browser, tenant_a.company, long_sheet(6000))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "The file has more than 5000 rows; split it into parts." in response.content.decode()


def test_another_network_cannot_see_or_confirm_a_job(tenant_a, tenant_b, alice, bob, small_threshold):
    upload(client_for(alice), tenant_a.company, staff_file(30))
    job = ImportJob.objects.get()
    intruder = client_for(bob)
    own_page = f"/c/{tenant_b.company.pk}/staff/import/"
    assert intruder.get(f"{own_page}?job={job.pk}").status_code == 302
    intruder.post(own_page, {"confirm": "1", "job": job.pk})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and not Specialist.objects.exists()


def test_the_length_of_a_file_is_estimated_without_reading_it():
    assert background.estimate_rows("a.csv", b"a\n" * 5000) == 5000
    assert background.estimate_rows("a.xlsx", staff_file(3)) == 4  # the size the sheet declares
    assert background.estimate_rows("a.xlsx", long_sheet(30_000)) > 20_000  # no size declared
    assert background.estimate_rows("a.xlsx", b"not a zip") == 0


def test_a_jobs_file_is_deleted_two_days_later_by_the_hourly_jobs(tenant_a):
    from django.utils import timezone

    from frontdesk.core.periodic import run_hourly_jobs

    old = ImportJob.objects.create(chain=tenant_a.chain, company=tenant_a.company, kind="staff.staff", data=b"x")
    fresh = ImportJob.objects.create(chain=tenant_a.chain, company=tenant_a.company, kind="staff.staff", data=b"y")
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - background.KEPT_FOR * 1.1)
    run_hourly_jobs()
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [fresh.pk]
