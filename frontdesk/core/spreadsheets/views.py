"""The import page every importer shares: upload → preview → confirm.

The preview is the dry run: it lists every bad row with its reasons and writes nothing. The
uploaded file waits in the session between the two steps and is read again on confirmation, so
what is written is checked against the data as it is then, not as it was at the preview.

An importer that names its `background` kind (`background.register_importer`) has a large file
(more than `background.BACKGROUND_ROWS` rows, estimated without reading it) checked and imported
by the task worker instead: the page then shows the job (`?job=<id>`), polls it while it runs
(how much of the file is read), and shows the same preview and confirm button when it is
checked."""

from __future__ import annotations

import base64
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from frontdesk.core.models import ImportJob, ImportStatus
from frontdesk.core.spreadsheets import background as jobs
from frontdesk.core.spreadsheets.report import ERROR, Preview, RowReport

PREVIEW_TEMPLATE = "core/import_preview.html"


def render_preview(request, page: str, context: dict, partial: str = PREVIEW_TEMPLATE):
    """The whole page, or only the preview when htmx sent the form (with upload progress)."""
    return render(request, partial if request.htmx else page, context)


def import_page(
    request,
    *,
    form_class,
    read: Callable,
    apply: Callable,
    session_key: str,
    page: str,
    done: Callable,
    context: dict | None = None,
    background: str | None = None,
):
    """Run one step of an import. `read(data)` returns a `Preview` (ValidationError for a file
    that cannot be read at all), `apply(preview)` writes a clean one and returns how many rows it
    changed, `done()` is the response after a successful import. A confirmation without a file
    waiting in the session imports nothing. `background`: the kind of the importer's jobs for
    large files (see the module's docstring)."""
    job_id = request.GET.get("job") or request.POST.get("job")
    if background and job_id:
        return _job_step(request, background, job_id, form_class, page, done, context)
    form = form_class(request.POST or None, request.FILES or None)
    preview = None
    confirming = request.method == "POST" and request.POST.get("confirm")
    if confirming:
        stored = request.session.get(session_key)
        if not stored:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect(request.path)
        form = form_class()
        try:
            preview = read(base64.b64decode(stored))
            if preview.ok:
                count = apply(preview)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if preview.ok:
                request.session.pop(session_key, None)
                messages.success(request, _("Imported: %(count)s changes.") % {"count": count})
                return done()
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        if background and jobs.estimate_rows(upload.name, data) > jobs.BACKGROUND_ROWS:
            request.session.pop(session_key, None)
            job = jobs.start(kind=background, company=request.company, user=request.user, name=upload.name, data=data)
            return render_preview(request, page, job_context(job, form_class(), context, done))
        try:
            preview = read(data)
        except ValidationError as error:
            form.add_error("file", error)
        if preview is not None and preview.ok:
            request.session[session_key] = base64.b64encode(data).decode()
        else:
            request.session.pop(session_key, None)
    context = {**(context or {}), "form": form, "preview": preview}
    if confirming:
        return render(request, page, context)
    return render_preview(request, page, context)


def _job_step(request, kind, job_id, form_class, page, done, context):
    return job_page(request, kind=kind, job_id=job_id, form=form_class(), page=page, done=done, context=context)


def job_page(request, *, kind, job_id, form, page, done, context=None, partial=PREVIEW_TEMPLATE):
    """The page of a job: its progress while it runs, the preview once checked (a POST with
    `confirm` asks the worker to import it), the result. For an importer with a page of its own;
    `import_page` calls it for the others."""
    job = ImportJob.objects.filter(pk=job_id if str(job_id).isdigit() else None, company=request.company, kind=kind)
    job = job.first()
    if job is None:
        messages.error(request, _("Upload the file again: the preview has expired."))
        return redirect(request.path)
    if request.method == "POST" and request.POST.get("confirm"):
        job = jobs.confirm(job)
    return render_preview(request, page, job_context(job, form, context, done), partial)


def job_context(job, form, context, done) -> dict:
    """What the preview template needs to show a job."""
    preview = None
    if job.status == ImportStatus.CHECKED:
        preview = _JobPreview(job.result)
    summary = {
        "created": job.result.get("new", 0),
        "updated": job.result.get("changed", 0),
        "unchanged": job.result.get("unchanged", 0),
        "errors": job.result.get("bad_count", 0),
    }
    return {
        "filename": job.filename,
        **(context or {}),
        "form": form,
        "job": job,
        "preview": preview,
        "summary": summary,
        "done_url": done().url,
    }


class _JobPreview(Preview):
    """A job's dry run as the preview template reads it: the counts and the first bad rows."""

    def __init__(self, result: dict):
        rows = [RowReport(number, label, ERROR, list(errors)) for number, label, errors in result.get("bad_rows", [])]
        super().__init__(rows=rows)
        self.result = result
        self.bad_count = result.get("bad_count", 0)

    @property
    def count_new(self) -> int:
        return self.result.get("new", 0)

    @property
    def count_changed(self) -> int:
        return self.result.get("changed", 0)

    @property
    def count_unchanged(self) -> int:
        return self.result.get("unchanged", 0)
