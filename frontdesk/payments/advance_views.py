"""«Prepayments to settle»: the list of online advances no checkout will count, and the refund of
one of them (from the list, the journal's record dialog, the client card or the sale page).
Reading needs VIEW in the finance section, a refund EDIT."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core.money import format_money
from frontdesk.core.redirects import next_from
from frontdesk.payments import advances
from frontdesk.payments.models import OnlinePayment
from frontdesk.tenancy.permissions import section_required


def reason_labels() -> dict:
    return {
        advances.Reason.CANCELLED: _("Booking cancelled"),
        advances.Reason.NO_SHOW: _("The client did not come"),
        advances.Reason.RELEASED: _("Paid after the booking was released"),
        advances.Reason.CHECKED_OUT: _("Paid after the visit was checked out"),
        advances.Reason.SURPLUS: _("Prepaid more than the sale"),
        advances.Reason.PARTLY_REFUNDED: _("Partly refunded; the visit was booked again"),
    }


def _can_edit(request) -> bool:
    return request.membership.can(Section.FINANCE, Level.EDIT)


@section_required(Section.FINANCE, Level.VIEW)
def prepayments(request, company_id):
    offers = advances.settle_list(request.company)
    labels = reason_labels()
    for offer in offers:
        offer.reason_label = labels[offer.reason]
    return render(
        request,
        "payments/prepayments.html",
        {
            "offers": offers,
            "can_edit": _can_edit(request),
            "currency": request.chain.currency_symbol,
            "here": request.get_full_path(),
        },
    )


@section_required(Section.FINANCE, Level.EDIT)
def prepayment_refund(request, company_id, online_payment_id):
    payment = get_object_or_404(OnlinePayment, pk=online_payment_id, company=request.company)
    back = next_from(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            row = advances.refund_prepayment(payment, request.POST.get("amount") or None, user=request.user)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            messages.success(
                request,
                _("Refunded %(amount)s of the prepayment to the payer's card.")
                % {"amount": format_money(-row.amount, request.chain.currency_symbol)},
            )
            return redirect(back or reverse("payments:prepayments", kwargs={"company_id": request.company.pk}))
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    offer = advances.offer_for(payment)
    if offer is not None:
        offer.reason_label = reason_labels()[offer.reason]
    return render(
        request,
        "payments/prepayment_refund.html",
        {
            "payment": payment,
            "offer": offer,
            "error": error,
            "amount": request.POST.get("amount", "") if error else "",
            "next": back,
            "currency": request.chain.currency_symbol,
        },
        status=status,
    )


# ---------------------------------------------------------------- panels on other pages
def _panel(request, offers, *, testid: str, heading: bool, here: str = "") -> str:
    membership = getattr(request, "membership", None)
    if not offers or membership is None or not membership.can(Section.FINANCE, Level.VIEW):
        return ""
    labels = reason_labels()
    for offer in offers:
        offer.reason_label = labels[offer.reason]
    return render_to_string(
        "payments/_prepayment_offers.html",
        {
            "offers": offers,
            "can_edit": membership.can(Section.FINANCE, Level.EDIT),
            "currency": request.chain.currency_symbol,
            "here": here or request.get_full_path(),
            "testid": testid,
            "heading": heading,
        },
        request=request,
    )


def record_panel(request, record=None, **kwargs) -> str:
    """The journal's record dialog: a cancelled visit's advance, with its Refund action."""
    if request is None or record is None or getattr(request, "company", None) is None:
        return ""
    if not getattr(request, "membership", None) or not request.membership.can(Section.FINANCE, Level.VIEW):
        return ""
    offers = advances.offers_for_visits(request.company, [record.visit_id])
    if not offers:
        return ""
    # The dialog is opened from the journal: the refund comes back to its day.
    day = record.start.astimezone(request.company.tz).date().isoformat()
    here = reverse("journal:page", kwargs={"company_id": request.company.pk}) + f"?date={day}"
    return _panel(request, offers, testid="record-prepayment", heading=False, here=here)


def client_money_panel(request, client=None, **kwargs) -> str:
    """The client card's «To pay» panel: the client's advances to give back in this branch."""
    if request is None or client is None or getattr(request, "company", None) is None:
        return ""
    if not getattr(request, "membership", None) or not request.membership.can(Section.FINANCE, Level.VIEW):
        return ""
    return _panel(request, advances.offers_for_client(request.company, client), testid="card-prepayment", heading=True)


def sale_panel(request, sale=None, **kwargs) -> str:
    """The sale page: the rest of an advance larger than the sale."""
    if request is None or sale is None or not sale.visit_id or getattr(request, "company", None) is None:
        return ""
    if not getattr(request, "membership", None) or not request.membership.can(Section.FINANCE, Level.VIEW):
        return ""
    return _panel(
        request, advances.offers_for_visits(request.company, [sale.visit_id]), testid="sale-prepayment", heading=False
    )
