"""Back-office pages of receipts and online payments: the receipts list and a receipt, the
register's shift, and the branch's settings (register, provider, prepayment rules). Reading needs
VIEW in the finance section, every change needs EDIT."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.catalog.models import Service
from frontdesk.finance.models import PaymentMethod
from frontdesk.payments.fiscal import register_for
from frontdesk.payments.forms import FiscalSettingsForm, PaymentSettingsForm
from frontdesk.payments.models import (
    FiscalReceipt,
    FiscalSettings,
    FiscalShift,
    OnlinePayment,
    OnlineRefund,
    PaymentSettings,
    PrepaymentMode,
    PrepaymentRule,
    ReceiptStatus,
)
from frontdesk.payments.receipts import deliver_receipt, email_receipt, receipt_context, sale_receipts
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.permissions import section_required

PAGE_SIZE = 50


def _can_edit(request) -> bool:
    return request.membership.can(Section.FINANCE, Level.EDIT)


@section_required(Section.FINANCE, Level.VIEW)
def receipts(request, company_id):
    rows = FiscalReceipt.objects.filter(company=request.company).select_related("sale")
    status = request.GET.get("status", "")
    if status in ReceiptStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    fiscal = FiscalSettings.for_company(request.company)
    shift = FiscalShift.objects.filter(company=request.company, driver=fiscal.driver, closed_at__isnull=True).first()
    return render(
        request,
        "payments/receipts.html",
        {
            "page": page,
            "status": status,
            "statuses": ReceiptStatus.choices,
            "fiscal": fiscal,
            "shift": shift,
            "last_shift": FiscalShift.objects.filter(company=request.company, closed_at__isnull=False).first(),
            "can_edit": _can_edit(request),
            "currency": request.chain.currency_symbol,
        },
    )


def sale_receipts_panel(request, sale=None, currency="", **kwargs) -> str:
    """The sale page's slot «finance.sale_documents»: the receipts of the sale, oldest first."""
    if sale is None:
        return ""
    return render_to_string(
        "payments/_sale_receipts.html", {"receipts": sale_receipts(sale), "currency": currency}, request=request
    )


def online_refund_notes(request, refunds, **kwargs) -> dict:
    """The sale page's row slot «finance.sale_refund»: under each refund of money paid online,
    the provider's refund and its status. One query for all the rows, none when no refund went
    back online (only money paid online is refunded online, by the same method)."""
    online = [row.pk for row in refunds if row.method == PaymentMethod.ONLINE]
    if not online:
        return {}
    return {
        refund.transaction_id: render_to_string("payments/_online_refund.html", {"refund": refund})
        for refund in OnlineRefund.objects.filter(transaction_id__in=online)
    }


def _receipt(request, receipt_id) -> FiscalReceipt:
    return get_object_or_404(
        FiscalReceipt.objects.select_related("sale", "company"), pk=receipt_id, company=request.company
    )


@section_required(Section.FINANCE, Level.VIEW)
def receipt_detail(request, company_id, receipt_id, *, error=None, status=200):
    receipt = _receipt(request, receipt_id)
    context = receipt_context(receipt)
    context.update(can_edit=_can_edit(request), error=error, currency=request.chain.currency_symbol)
    return render(request, "payments/receipt.html", context, status=status)


@section_required(Section.FINANCE, Level.EDIT)
def receipt_email(request, company_id, receipt_id):
    receipt = _receipt(request, receipt_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    address = request.POST.get("email", "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return receipt_detail(
            request, company_id, receipt_id, error=_("Enter the email address to send the receipt to."), status=400
        )
    if receipt.status != ReceiptStatus.DONE:
        return receipt_detail(
            request, company_id, receipt_id, error=_("The receipt is not registered yet; send it later."), status=400
        )
    if email_receipt(receipt, address, again=True):
        messages.success(request, _("The receipt is sent to %(email)s.") % {"email": address})
    else:
        messages.error(request, _("The receipt could not be sent; try again later."))
    return redirect("payments:receipt", company_id=request.company.pk, receipt_id=receipt.pk)


@section_required(Section.FINANCE, Level.EDIT)
def receipt_retry(request, company_id, receipt_id):
    receipt = _receipt(request, receipt_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    receipt = deliver_receipt(receipt.pk)
    if receipt.status == ReceiptStatus.DONE:
        messages.success(request, _("The receipt is registered."))
    else:
        messages.error(request, _("The register refused the receipt: %(error)s") % {"error": receipt.error})
    return redirect("payments:receipt", company_id=request.company.pk, receipt_id=receipt.pk)


def _shift_action(request, opening: bool):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fiscal = FiscalSettings.for_company(request.company)
    register = register_for(request.company, fiscal)
    if register is None:
        messages.error(request, _("The branch has no fiscal register; choose one in the settings."))
    elif opening:
        shift = register.open_shift(request.user.get_full_name())
        messages.success(request, _("Shift %(number)s is open.") % {"number": shift.number})
    else:
        shift = register.close_shift(request.user.get_full_name())
        if shift is None:
            messages.error(request, _("No shift is open."))
        else:
            messages.success(
                request,
                _("Shift %(number)s is closed: %(count)s receipts.")
                % {"number": shift.number, "count": shift.receipts_count},
            )
    return redirect("payments:receipts", company_id=request.company.pk)


@section_required(Section.FINANCE, Level.EDIT)
def shift_open(request, company_id):
    return _shift_action(request, True)


@section_required(Section.FINANCE, Level.EDIT)
def shift_close(request, company_id):
    return _shift_action(request, False)


def _rule_rows(company):
    rules = {(r.service_id, r.specialist_id): r.mode for r in PrepaymentRule.objects.filter(company=company)}
    services = list(Service.objects.filter(company=company, is_archived=False).order_by("title", "id"))
    specialists = list(Specialist.objects.filter(companies=company, is_dismissed=False).order_by("name", "id"))
    for service in services:
        service.prepayment = rules.get((service.pk, None), "")
    for specialist in specialists:
        specialist.prepayment = rules.get((None, specialist.pk), "")
    return services, specialists


def _save_rules(request, company, services, specialists):
    valid = set(PrepaymentMode.values)
    with transaction.atomic():
        for kind, rows in (("service", services), ("specialist", specialists)):
            for row in rows:
                mode = request.POST.get(f"{kind}_{row.pk}", "")
                lookup = {"company": company, "service": None, "specialist": None, kind: row}
                if mode in valid:
                    PrepaymentRule.objects.update_or_create(
                        **lookup, defaults={"mode": mode, "chain_id": company.chain_id}
                    )
                else:
                    PrepaymentRule.objects.filter(**lookup).delete()


@section_required(Section.FINANCE, Level.VIEW)
def settings_page(request, company_id):
    company = request.company
    fiscal = FiscalSettings.for_company(company)
    payments = PaymentSettings.for_company(company)
    posted = request.method == "POST"
    if posted and not _can_edit(request):
        raise PermissionDenied
    fiscal_form = FiscalSettingsForm(request.POST if posted else None, instance=fiscal, prefix="fiscal")
    payment_form = PaymentSettingsForm(
        request.POST if posted else None, instance=payments, prefix="online", company=company
    )
    services, specialists = _rule_rows(company)
    if posted and fiscal_form.is_valid() and payment_form.is_valid():
        with transaction.atomic():
            fiscal_form.save()
            payment_form.save()
            _save_rules(request, company, services, specialists)
        messages.success(request, _("The settings are saved."))
        return redirect("payments:settings", company_id=company.pk)
    return render(
        request,
        "payments/settings.html",
        {
            "fiscal_form": fiscal_form,
            "payment_form": payment_form,
            "services": services,
            "specialists": specialists,
            "modes": PrepaymentMode.choices,
            "can_edit": _can_edit(request),
            "payments": OnlinePayment.objects.filter(company=company).select_related("visit")[:20],
            "currency": request.chain.currency_symbol,
        },
        status=400 if posted else 200,
    )
