"""Import of clients from a spreadsheet: upload → column mapping and dry run → import in chunks
with a progress bar (each chunk is one request, so no worker is needed and a stopped import
resumes where it stopped)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients import spreadsheets
from frontdesk.clients.forms import ImportOptionsForm, ImportUploadForm
from frontdesk.clients.models import ClientImport, CustomField, ImportStatus
from frontdesk.tenancy.permissions import section_required


def _targets():
    targets = [(key, str(label)) for key, label in spreadsheets.TARGETS.items()]
    targets += [(f"custom:{f.key}", f.label) for f in CustomField.objects.all()]
    return targets


@section_required(Section.CLIENTS, Level.EDIT)
def import_upload(request, company_id):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = spreadsheets.create_import(
                chain=request.chain, user=request.user, name=upload.name, data=upload.read(), company=request.company
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("clients:import_check", company_id=company_id, client_import_id=job.pk)
    return render(request, "clients/import_upload.html", {"form": form})


@section_required(Section.CLIENTS, Level.EDIT)
def import_check(request, company_id, client_import_id):
    """Map the columns and see the bad rows before anything is written."""
    job = get_object_or_404(ClientImport.objects.all(), pk=client_import_id)
    if job.status == ImportStatus.READING:
        # A large file read by the task worker: its progress, asked for again every second.
        return render(request, "clients/import_reading.html", {"job": job, "reading": spreadsheets.reading_job(job)})
    if request.htmx and request.method == "GET":
        return HttpResponse(headers={"HX-Refresh": "true"})  # read meanwhile: the whole page now
    if job.status in (ImportStatus.RUNNING, ImportStatus.DONE):
        return render(request, "clients/import_run.html", {"job": job})
    targets = _targets()
    valid = {key for key, _label in targets}
    options = ImportOptionsForm(request.POST or None, initial={"on_duplicate": job.on_duplicate})
    if request.method == "POST":
        mapping = {}
        for index in range(len(job.headers)):
            target = request.POST.get(f"col_{index}", "")
            if target and target in valid and target not in mapping.values():
                mapping[str(index)] = target
        job.mapping = mapping
        if options.is_valid():
            job.on_duplicate = options.cleaned_data["on_duplicate"]
        job.status = ImportStatus.CHECKED
        job.save(update_fields=["mapping", "on_duplicate", "status"])
        if request.POST.get("start") == "1":
            if "phone" not in mapping.values():
                messages.error(request, _("Map a column to the phone first."))
            else:
                job.status = ImportStatus.RUNNING
                job.errors = []
                job.save(update_fields=["status", "errors"])
                return render(request, "clients/import_run.html", {"job": job})
    preview = spreadsheets.check_rows(job) if job.status == ImportStatus.CHECKED else None
    columns = [
        (index, header, job.mapping.get(str(index), ""), [row[index] for row in job.rows[:3]])
        for index, header in enumerate(job.headers)
    ]
    return render(
        request,
        "clients/import_check.html",
        {
            "job": job,
            "columns": columns,
            "targets": targets,
            "options": options,
            "preview": preview,
            "bad_count": len(preview.bad_rows) if preview else 0,
        },
    )


@section_required(Section.CLIENTS, Level.EDIT)
def import_step(request, company_id, client_import_id):
    """Import the next chunk; answers with the progress block, which asks for the next chunk."""
    job = get_object_or_404(ClientImport.objects.all(), pk=client_import_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if job.status == ImportStatus.RUNNING:
        job = spreadsheets.import_chunk(job)
    return render(request, "clients/_import_progress.html", {"job": job})
