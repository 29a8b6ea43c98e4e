"""The checkout page of a visit (opened from the journal's record dialog) and the page of a sale:
its payments, the debt still due and refunds. Everything here needs EDIT in the finance section
except reading a sale."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.finance.checkout import (
    checkout_visit,
    draft_lines,
    pay_sale,
    refund_sale,
    refundable,
    sale_payments,
)
from frontdesk.finance.client_money import safe_next
from frontdesk.finance.forms import accounts_for_method
from frontdesk.finance.models import PaymentMethod, Sale, Transaction
from frontdesk.finance.services import ZERO, Payment
from frontdesk.finance.templatetags.finance import money
from frontdesk.payments.online import visit_advance
from frontdesk.payments.receipts import receipt_email_from, sale_receipts
from frontdesk.scheduling.models import Visit
from frontdesk.tenancy.permissions import section_required


def _payment_rows(request):
    """One row per payment method with the branch's accounts that take it (cash → cash desks,
    the rest → bank accounts) and what was typed, for the form and for re-showing it."""
    rows = []
    for method, label in PaymentMethod.choices:
        accounts = accounts_for_method(request.company, method)
        chosen = request.POST.get(f"account_{method}", "")
        rows.append(
            {
                "method": method,
                "label": label,
                "accounts": accounts,
                "chosen": int(chosen) if chosen.isdigit() else (accounts[0].pk if accounts else None),
                "amount": request.POST.get(f"amount_{method}", ""),
            }
        )
    return rows


def _payments_from(request, rows) -> list[Payment]:
    """The payments typed into the form; an account id that is not the branch's is refused."""
    payments = []
    for row in rows:
        amount = (row["amount"] or "").strip()
        if not amount:
            continue
        account = next((a for a in row["accounts"] if a.pk == row["chosen"]), None)
        if account is None:
            raise ValidationError(_("Choose an account for the payment by “%(method)s”.") % {"method": row["label"]})
        payments.append(Payment(account, row["method"], amount))
    return payments


def _next(request) -> str:
    """Where the page was opened from (the journal, the client card), to go back after paying."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _to_sale(request, sale, back: str):
    url = reverse("finance:sale", kwargs={"company_id": request.company.pk, "sale_id": sale.pk})
    return redirect(f"{url}?{urlencode({'next': back})}" if back else url)


@section_required(Section.FINANCE, Level.EDIT)
def checkout(request, company_id, visit_id):
    visit = get_object_or_404(Visit.objects.select_related("client"), pk=visit_id, company=request.company)
    back = _next(request)
    sale = Sale.objects.filter(visit=visit).first()
    if sale is not None:
        return _to_sale(request, sale, back)
    drafts = draft_lines(visit)
    rows = _payment_rows(request)
    error = None
    if request.method == "POST":
        prices = {d.record_service.pk: request.POST.get(f"price_{d.record_service.pk}", d.price) for d in drafts}
        try:
            result = checkout_visit(
                visit,
                prices=prices,
                discount=request.POST.get("discount") or "0",
                payments=_payments_from(request, rows),
                cash_received=request.POST.get("cash_received") or None,
                user=request.user,
                receipt_email=receipt_email_from(request),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            text = _("The visit is checked out.")
            if result.change:
                text += " " + _("Change due: %(amount)s.") % {
                    "amount": money(result.change, request.chain.currency_symbol)
                }
            if result.sale.debt:
                text += " " + _("Still due: %(amount)s.") % {
                    "amount": money(result.sale.debt, request.chain.currency_symbol)
                }
            messages.success(request, text)
            return redirect(back) if back else _to_sale(request, result.sale, "")
        for draft in drafts:
            draft.typed = request.POST.get(f"price_{draft.record_service.pk}", "")
    records = list(visit.records.select_related("specialist").order_by("start"))
    return render(
        request,
        "finance/checkout.html",
        {
            "visit": visit,
            "records": records,
            "lines": drafts,
            "subtotal": sum((d.price for d in drafts), ZERO),
            "discount": request.POST.get("discount", ""),
            "cash_received": request.POST.get("cash_received", ""),
            "rows": rows,
            "error": error,
            "currency": request.chain.currency_symbol,
            "no_accounts": not any(row["accounts"] for row in rows),
            "advance": visit_advance(visit),
            "receipt_email": request.POST.get("receipt_email", visit.client.email if visit.client else ""),
            "send_receipt": request.POST.get("send_receipt") == "1",
            "next": back,
        },
        status=400 if error else 200,
    )


def _sale(request, sale_id) -> Sale:
    return get_object_or_404(
        Sale.objects.select_related("client", "visit", "created_by"), pk=sale_id, company=request.company
    )


@section_required(Section.FINANCE, Level.VIEW)
def sale_detail(request, company_id, sale_id, *, error=None, status=200):
    sale = _sale(request, sale_id)
    payments = sale_payments(sale)
    for payment in payments:
        payment.left = refundable(payment)
    return render(
        request,
        "finance/sale.html",
        {
            "sale": sale,
            "lines": list(sale.lines.all()),
            "payments": payments,
            "refunds": list(
                Transaction.objects.filter(sale=sale, amount__lt=0).select_related("account", "created_by")
            ),
            "rows": _payment_rows(request),
            "can_edit": request.membership.can(Section.FINANCE, Level.EDIT),
            "receipts": sale_receipts(sale),
            "receipt_email": request.POST.get("receipt_email", sale.client.email if sale.client else ""),
            "error": error,
            "currency": request.chain.currency_symbol,
            "next": _next(request),
        },
        status=status,
    )


@section_required(Section.FINANCE, Level.EDIT)
def sale_pay(request, company_id, sale_id):
    sale = _sale(request, sale_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    try:
        result = pay_sale(
            sale,
            _payments_from(request, _payment_rows(request)),
            cash_received=request.POST.get("cash_received") or None,
            user=request.user,
            receipt_email=receipt_email_from(request),
        )
    except ValidationError as exc:
        return sale_detail(request, company_id, sale_id, error=" ".join(exc.messages), status=400)
    text = _("The payment is taken.")
    if result.change:
        text += " " + _("Change due: %(amount)s.") % {"amount": money(result.change, request.chain.currency_symbol)}
    messages.success(request, text)
    back = _next(request)
    return redirect(back) if back else redirect("finance:sale", company_id=request.company.pk, sale_id=sale.pk)


@section_required(Section.FINANCE, Level.EDIT)
def sale_refund(request, company_id, sale_id):
    sale = _sale(request, sale_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    payment_id = request.POST.get("payment", "")
    payment = None
    if payment_id.isdigit():
        payment = Transaction.objects.filter(sale=sale, pk=payment_id, amount__gt=0).first()
    if payment is None:
        return sale_detail(request, company_id, sale_id, error=_("Choose the payment to refund."), status=400)
    try:
        refunds = refund_sale(
            sale,
            request.POST.get("amount") or None,
            payment=payment,
            user=request.user,
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        return sale_detail(request, company_id, sale_id, error=" ".join(exc.messages), status=400)
    total = -sum((r.amount for r in refunds), Decimal(0))
    messages.success(request, _("Refunded %(amount)s.") % {"amount": money(total, request.chain.currency_symbol)})
    return redirect("finance:sale", company_id=request.company.pk, sale_id=sale.pk)
