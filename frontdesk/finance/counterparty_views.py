"""Counterparties to and from Excel. Export needs VIEW in the finance section, import EDIT; the
import is upload → preview (every bad row with the reason) → confirm, and nothing is written
before the confirmation: the file waits in the session between the two steps."""

import base64

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.finance import counterparty_excel
from frontdesk.staff.forms import ImportForm
from frontdesk.tenancy.permissions import section_required

SESSION_KEY = "finance_counterparty_import"


@section_required(Section.FINANCE, Level.VIEW)
def counterparty_export(request, company_id):
    data = counterparty_excel.export_counterparties(get_language())
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="counterparties-{stamp}.xlsx"'
    return response


@section_required(Section.FINANCE, Level.EDIT)
def counterparty_import(request, company_id):
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY)
        if not stored:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect(request.path)
        preview = counterparty_excel.read_counterparties(base64.b64decode(stored))
        if preview.ok:
            count = counterparty_excel.apply_counterparties(preview, request.chain)
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Imported: %(count)s changes.") % {"count": count})
            return redirect("finance:counterparties", company_id=company_id)
        form = ImportForm()
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        preview = counterparty_excel.read_counterparties(data)
        if preview.ok:
            request.session[SESSION_KEY] = base64.b64encode(data).decode()
        else:
            request.session.pop(SESSION_KEY, None)
    return render(request, "finance/counterparty_import.html", {"form": form, "preview": preview})
