"""Counterparties to and from Excel. Export needs VIEW in the finance section, import EDIT; the
import is upload → preview (every bad row with the reason) → confirm, and nothing is written
before the confirmation: the file waits in the session between the two steps."""

from functools import partial

from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.spreadsheets import views as sheets_views
from frontdesk.finance import counterparty_spreadsheets
from frontdesk.tenancy.permissions import section_required

SESSION_KEY = "finance_counterparty_import"


@section_required(Section.FINANCE, Level.VIEW)
def counterparty_export(request, company_id):
    data = counterparty_spreadsheets.export_counterparties(get_language())
    return sheets.xlsx_response(data, f"counterparties-{timezone.localdate().isoformat()}.xlsx")


@section_required(Section.FINANCE, Level.EDIT)
def counterparty_import(request, company_id):
    return sheets_views.import_page(
        request,
        form_class=sheets.UploadForm,
        read=counterparty_spreadsheets.read_counterparties,
        apply=partial(counterparty_spreadsheets.apply_counterparties, chain=request.chain),
        session_key=SESSION_KEY,
        page="finance/counterparty_import.html",
        done=lambda: redirect("finance:counterparties", company_id=company_id),
        background="finance.counterparties",
    )
