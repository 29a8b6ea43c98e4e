"""The import page every importer shares: upload → preview → confirm.

The preview is the dry run: it lists every bad row with its reasons and writes nothing. The
uploaded file waits in the session between the two steps and is read again on confirmation, so
what is written is checked against the data as it is then, not as it was at the preview."""

from __future__ import annotations

import base64
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
):
    """Run one step of an import. `read(data)` returns a `Preview` (ValidationError for a file
    that cannot be read at all), `apply(preview)` writes a clean one and returns how many rows it
    changed, `done()` is the response after a successful import. A confirmation without a file
    waiting in the session imports nothing."""
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
        data = form.cleaned_data["file"].read()
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
