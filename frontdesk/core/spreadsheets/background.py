"""Large imports in the task worker, with their progress on the import page.

A file is read in the web request only when it is small: `estimate_rows` guesses its length from
what costs nothing (the size the sheet declares, else its unpacked size; a CSV's line breaks), and
above `BACKGROUND_ROWS` the import page hands the file to the task worker as an `ImportJob`
instead. The worker runs the same two steps the page runs — the dry run, then, once the user
confirms, the import (which reads and checks the file again, as the page does) — so an importer
has nothing to write twice: it registers a factory that builds its `read` and `apply` for a job
(`register_importer`, from its AppConfig.ready()). The page polls the job and shows how much of
the file has been read, then the verdict, then the result.

A job never runs twice at once: each step claims it with a compare-and-set on its status.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import zipfile
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.models import ImportJob, ImportStatus
from frontdesk.core.scopes import scope
from frontdesk.core.spreadsheets import reading
from frontdesk.core.spreadsheets.archive import check_archive

# A job's file is kept this long (a preview left unconfirmed, a failed file), then deleted.
KEPT_FOR = datetime.timedelta(days=2)
BACKGROUND_ROWS = 10_000  # about two seconds of reading in a web request
SHOWN_BAD_ROWS = 500
# Bytes of sheet XML per row when a sheet does not declare its size (a short row is ~60).
BYTES_PER_ROW = 60

_importers: dict[str, Callable] = {}


def register_importer(kind: str, factory: Callable) -> None:
    """`factory(job)` returns `(read, apply)` for a job of this kind: `read(data)` gives the
    `Preview` (ValidationError for a file that cannot be read), `apply(preview)` writes a clean
    one and returns how many rows it changed — the same pair the import page is given."""
    _importers[kind] = factory


def estimate_rows(name: str, data: bytes) -> int:
    """About how many rows the file has, without reading it (0 for a file that is not a
    workbook: the page's own reading then says what is wrong with it)."""
    if not (name.lower().endswith(".xlsx") or data[:2] == b"PK"):
        return data.count(b"\n")
    stream = io.BytesIO(data)
    try:
        check_archive(stream)
        with zipfile.ZipFile(stream) as archive:
            sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                return 0
            with archive.open(sheets[0]) as sheet:
                head = sheet.read(4096).decode("utf-8", errors="replace")
            size = archive.getinfo(sheets[0]).file_size
    except (ValidationError, zipfile.BadZipFile, OSError, KeyError, ValueError):
        return 0
    declared = re.search(r'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(declared[1]) if declared else size // BYTES_PER_ROW


def start(*, kind: str, company, user, name: str, data: bytes, options: dict | None = None) -> ImportJob:
    from frontdesk.core.tasks import run_import_job

    job = ImportJob.objects.create(
        chain_id=company.chain_id,
        company=company,
        kind=kind,
        filename=name[:200],
        data=data,
        options=options or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    run_import_job.enqueue(job.pk, "check")
    return ImportJob.objects.get(pk=job.pk)


def confirm(job: ImportJob) -> ImportJob:
    """Ask the worker to import a checked job without bad rows; anything else is left as it is."""
    from frontdesk.core.tasks import run_import_job

    if job.status == ImportStatus.CHECKED and not job.result.get("bad_count"):
        run_import_job.enqueue(job.pk, "apply")
    return ImportJob.objects.get(pk=job.pk)


def _claim(job_id: int, before: str, after: str) -> bool:
    return bool(ImportJob.unscoped.filter(pk=job_id, status=before).update(status=after, percent=0))


def run(job_id: int, step: str) -> str:
    """One step of a job, in the task worker: "check" (the dry run) or "apply" (the import).
    Returns the job's new status."""
    job = ImportJob.unscoped.filter(pk=job_id).first()
    if job is None:
        return "gone"
    before, during = (
        (ImportStatus.QUEUED, ImportStatus.CHECKING)
        if step == "check"
        else (ImportStatus.CHECKED, ImportStatus.APPLYING)
    )
    if not _claim(job_id, before, during):
        return job.status
    with scope(job.chain_id):
        read, apply = _importers[job.kind](job)
        data = bytes(job.data)
        try:
            with reporting(lambda done, total: _progress(job_id, done, total)):
                preview = read(data)
            if step == "check" or not preview.ok:
                outcome = ImportStatus.CHECKED if step == "check" else ImportStatus.FAILED
                message = "" if step == "check" else _("The data has changed since the check; upload the file again.")
                _finish(job_id, outcome, result=_summary(preview), message=message)
                return outcome
            count = apply(preview)
        except ValidationError as error:
            _finish(job_id, ImportStatus.FAILED, message=" ".join(error.messages))
            return ImportStatus.FAILED
        except Exception:
            # The page must not wait for ever: the job says it stopped; the worker logs why.
            _finish(job_id, ImportStatus.FAILED, message=_("The import stopped with an error; nothing was imported."))
            raise
    _finish(job_id, ImportStatus.DONE, message=_("Imported: %(count)s changes.") % {"count": count}, data=b"")
    return ImportStatus.DONE


def _progress(job_id: int, done: int, total: int) -> None:
    percent = min(99, int(100 * done / total)) if total else 0
    ImportJob.unscoped.filter(pk=job_id).update(percent=percent)


def _finish(job_id: int, status: str, **fields) -> None:
    ImportJob.unscoped.filter(pk=job_id).update(status=status, percent=100, **fields)


def _summary(preview) -> dict:
    bad = preview.bad_rows
    return {
        "new": preview.count_new,
        "changed": preview.count_changed,
        "unchanged": preview.count_unchanged,
        "bad_count": len(bad),
        "bad_rows": [[row.number, str(row.label), [str(e) for e in row.errors]] for row in bad[:SHOWN_BAD_ROWS]],
    }


@contextlib.contextmanager
def reporting(callback: Callable[[int, int], None]):
    """Within the block, every sheet read reports its progress to `callback(done, total)`."""
    token = reading.progress_reporter.set(callback)
    try:
        yield
    finally:
        reading.progress_reporter.reset(token)


def forget_old_jobs() -> int:
    """Delete the jobs (and the files they hold) older than `KEPT_FOR`; an hourly job."""
    deleted, _by_model = ImportJob.unscoped.filter(updated_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted
