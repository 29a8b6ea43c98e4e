"""Payslips as PDF: any employee's for who may view the payroll section, a specialist's own (found
by their login on the server, never by the URL) for every member."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from frontdesk.accounts.permissions import Level, Section
from frontdesk.payroll import payslip
from frontdesk.payroll.errors import PayrollError
from frontdesk.payroll.views import _range_query, _specialist, dates_of, own_specialist
from frontdesk.tenancy.permissions import any_member, section_required


def _pdf(request, specialist, back: str):
    first, last = dates_of(request, request.company)
    try:
        data = payslip.render(payslip.build(request.company, specialist, first, last), request.chain.currency_symbol)
    except PayrollError as error:
        messages.error(request, error.text)
        return redirect(f"{back}?{_range_query(first, last)}")
    response = HttpResponse(data, content_type="application/pdf")
    name = f"payslip-{specialist.pk}-{first.isoformat()}-{last.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@section_required(Section.PAYROLL, Level.VIEW)
def employee_payslip(request, company_id, specialist_id):
    specialist = _specialist(request, specialist_id)
    return _pdf(request, specialist, reverse("payroll:employee", args=[company_id, specialist.pk]))


@any_member
def my_payslip(request, company_id):
    specialist = own_specialist(request)
    if specialist is None:
        messages.error(request, PayrollError("not_a_specialist").text)
        return redirect("payroll:mine", company_id=company_id)
    return _pdf(request, specialist, reverse("payroll:mine", args=[company_id]))
