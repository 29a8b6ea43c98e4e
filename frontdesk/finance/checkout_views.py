"""The checkout page of a visit (opened from the journal's record dialog) and the page of a sale:
its payments, the debt still due and refunds. Everything here needs EDIT in the finance section
except reading a sale."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.models import Client
from frontdesk.core.money import format_money
from frontdesk.core.panels import render_row_panels
from frontdesk.core.phones import normalize_phone
from frontdesk.core.redirects import next_from
from frontdesk.finance.checkout import (
    CounterLine,
    MeansUse,
    checkout_visit,
    draft_lines,
    means_refundable,
    pay_sale,
    refund_means,
    refund_sale,
    refundable,
    sale_means_payments,
    sale_payments,
    sell_at_counter,
)
from frontdesk.finance.forms import accounts_for_method
from frontdesk.finance.means import (
    DraftLine,
    SaleDraft,
    best_offer,
    counter_products,
    draft_for_sale,
    draft_for_visit,
    means_options,
    product_draft_lines,
    registered_means,
    visit_advance,
)
from frontdesk.finance.models import LineKind, MeansPayment, PaymentMethod, Sale, SaleLine, Transaction
from frontdesk.finance.product_lines import is_line_action, read_product_lines
from frontdesk.finance.services import ZERO, Payment, parse_amount
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


def _to_sale(request, sale, back: str):
    url = reverse("finance:sale", kwargs={"company_id": request.company.pk, "sale_id": sale.pk})
    return redirect(f"{url}?{urlencode({'next': back})}" if back else url)


def receipt_email_from(request) -> str:
    """The address the client asked the receipt to go to (the checkout's tick and field), handed
    on with the money (`finance.money_moved`); a malformed address is refused before any money
    moves."""
    if request.POST.get("send_receipt") != "1":
        return ""
    email = request.POST.get("receipt_email", "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Enter the email address to send the receipt to.")) from None
    return email


def _taken(request, rows) -> dict:
    """What the form says the client hands over: money by method, loyalty means (with the code
    typed at the desk, the proof for a balance that is not the client's), the cash received (for
    the change) and where the receipt goes."""
    return {
        "payments": _payments_from(request, rows),
        "means": _means_from(request),
        "codes": [request.POST.get("means_query", "")],
        "cash_received": request.POST.get("cash_received") or None,
        "user": request.user,
        "receipt_email": receipt_email_from(request),
    }


def _with_change(request, text: str, result) -> str:
    if result.change:
        text += " " + _("Change due: %(amount)s.") % {
            "amount": format_money(result.change, request.chain.currency_symbol)
        }
    return text


def _means_rows(request, draft) -> list[dict]:
    """One row per balance that can pay the draft — the client's own (bonuses, certificates,
    abonements) and any found by the code typed at the desk — with what was typed into it."""
    options = means_options(draft)
    query = request.POST.get("means_query", "").strip()
    if query:
        for means in registered_means().values():
            options.extend(means.find(draft, query))
    rows, seen = [], set()
    for option in options:
        if option.key in seen:
            continue
        seen.add(option.key)
        rows.append({"option": option, "amount": request.POST.get(f"means[{option.key}]", "")})
    return rows


def _means_from(request) -> list[MeansUse]:
    """The payments by loyalty means typed into the form: `means[<code>:<ref>]` = amount. The
    checkout checks, when it spends, that the balance is the client's or was found by the code
    typed here, and the means that it exists and may pay this sale."""
    uses = []
    for name, value in request.POST.items():
        if not (name.startswith("means[") and name.endswith("]")) or not value.strip():
            continue
        code, _sep, ref = name[6:-1].partition(":")
        uses.append(MeansUse(code, ref, value))
    return uses


def _discount_from(request, draft, offer) -> tuple[str, str, str]:
    """(discount, source, label) for the checkout. A loyalty rule's discount is applied as offered;
    changing it takes the right to edit loyalty, checked here rather than only in the page."""
    typed = (request.POST.get("discount") or "0").strip()
    if offer is None:
        return typed, "", ""
    if not request.membership.can(Section.LOYALTY, Level.EDIT):
        return str(offer.amount), offer.source, offer.label
    try:
        same = parse_amount(typed, allow_zero=True) == offer.amount
    except ValidationError:
        same = False
    return (typed, offer.source, offer.label) if same else (typed, "", "")


@section_required(Section.FINANCE, Level.EDIT)
def checkout(request, company_id, visit_id):
    visit = get_object_or_404(Visit.objects.select_related("client"), pk=visit_id, company=request.company)
    back = next_from(request)
    sale = Sale.objects.filter(visit=visit).first()
    if sale is not None:
        return _to_sale(request, sale, back)
    drafts = draft_lines(visit)
    rows = _payment_rows(request)
    records = list(visit.records.select_related("specialist").order_by("start"))
    goods = read_product_lines(
        request, request.company, default_seller=str(records[0].specialist_id) if records else ""
    )
    draft = draft_for_visit(visit, drafts=drafts, products=goods.priced())
    if request.method == "POST":
        typed_prices = {}
        for line in drafts:
            try:
                typed_prices[line.record_service.pk] = parse_amount(
                    request.POST.get(f"price_{line.record_service.pk}", ""), allow_zero=True
                )
            except ValidationError:
                pass
        draft = draft_for_visit(visit, typed_prices, drafts=drafts, products=goods.priced())
    offer = best_offer(draft)
    means_rows = _means_rows(request, draft)
    error = None
    if request.method == "POST" and request.POST.get("action") != "find" and not is_line_action(request):
        prices = {d.record_service.pk: request.POST.get(f"price_{d.record_service.pk}", d.price) for d in drafts}
        discount, source, label = _discount_from(request, draft, offer)
        try:
            result = checkout_visit(
                visit,
                prices=prices,
                discount=discount,
                discount_source=source,
                discount_label=label,
                products=goods.counter_lines(),
                **_taken(request, rows),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            text = _with_change(request, _("The visit is checked out."), result)
            if result.sale.debt:
                text += " " + _("Still due: %(amount)s.") % {
                    "amount": format_money(result.sale.debt, request.chain.currency_symbol)
                }
            messages.success(request, text)
            return redirect(back) if back else _to_sale(request, result.sale, "")
    if request.method == "POST":
        for line in drafts:
            line.typed = request.POST.get(f"price_{line.record_service.pk}", "")
    can_change_discount = offer is None or request.membership.can(Section.LOYALTY, Level.EDIT)
    discount = request.POST.get("discount", "") if request.method == "POST" and can_change_discount else ""
    if offer is not None and not (request.method == "POST" and can_change_discount):
        discount = str(offer.amount)
    return render(
        request,
        "finance/checkout.html",
        {
            "visit": visit,
            "records": records,
            "lines": drafts,
            "goods": goods,
            "subtotal": sum((d.price for d in drafts), ZERO) + goods.subtotal,
            "discount": discount,
            "offer": offer,
            "can_change_discount": can_change_discount,
            "means_rows": means_rows,
            "means_query": request.POST.get("means_query", ""),
            "has_means": bool(registered_means()) and visit.client_id is not None,
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
    means_paid = sale_means_payments(sale)
    for payment in means_paid:
        payment.left = means_refundable(payment)
    refunds = list(Transaction.objects.filter(sale=sale, amount__lt=0).select_related("account", "created_by"))
    # What modules above say about each refund (payments: the provider's refund of money paid
    # online), asked once for all the rows.
    notes = render_row_panels("finance.sale_refund", refunds, request)
    for refund in refunds:
        refund.panels = notes.get(refund.pk, "")
    lines = list(sale.lines.select_related("seller"))
    returnable = [line for line in lines if line.kind == LineKind.GOODS and line.quantity > line.returned]
    return render(
        request,
        "finance/sale.html",
        {
            "sale": sale,
            "lines": lines,
            "returnable": returnable,
            "payments": payments,
            "means_paid": means_paid,
            "means_back": list(MeansPayment.objects.filter(sale=sale, amount__lt=0).select_related("created_by")),
            "means_rows": _means_rows(request, draft_for_sale(sale)) if sale.debt and sale.client_id else [],
            "means_query": request.POST.get("means_query", ""),
            "has_means": bool(registered_means()) and sale.client_id is not None,
            "refunds": refunds,
            "rows": _payment_rows(request),
            "can_edit": request.membership.can(Section.FINANCE, Level.EDIT),
            "receipt_email": request.POST.get("receipt_email", sale.client.email if sale.client else ""),
            "error": error,
            "currency": request.chain.currency_symbol,
            "next": next_from(request),
        },
        status=status,
    )


@section_required(Section.FINANCE, Level.EDIT)
def sale_pay(request, company_id, sale_id):
    sale = _sale(request, sale_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("action") == "find":
        return sale_detail(request, company_id, sale_id)
    try:
        taken = _taken(request, _payment_rows(request))
        result = pay_sale(sale, taken.pop("payments"), **taken)
    except ValidationError as exc:
        return sale_detail(request, company_id, sale_id, error=" ".join(exc.messages), status=400)
    messages.success(request, _with_change(request, _("The payment is taken."), result))
    back = next_from(request)
    return redirect(back) if back else redirect("finance:sale", company_id=request.company.pk, sale_id=sale.pk)


def _returns_from(request, sale) -> dict:
    """{line id: quantity} of the goods the client brings back with this refund (`return_<id>`)."""
    returns = {}
    for line_id in SaleLine.objects.filter(sale=sale, kind=LineKind.GOODS).values_list("pk", flat=True):
        typed = request.POST.get(f"return_{line_id}", "").strip()
        if typed:
            returns[line_id] = typed
    return returns


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
            returns=_returns_from(request, sale),
        )
    except ValidationError as exc:
        return sale_detail(request, company_id, sale_id, error=" ".join(exc.messages), status=400)
    total = -sum((r.amount for r in refunds), Decimal(0))
    messages.success(
        request, _("Refunded %(amount)s.") % {"amount": format_money(total, request.chain.currency_symbol)}
    )
    return redirect("finance:sale", company_id=request.company.pk, sale_id=sale.pk)


@section_required(Section.FINANCE, Level.EDIT)
def sale_refund_means(request, company_id, sale_id):
    """Give a payment by bonuses, a certificate or an abonement back to its balance."""
    sale = _sale(request, sale_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    payment_id = request.POST.get("payment", "")
    payment = None
    if payment_id.isdigit():
        payment = MeansPayment.objects.filter(sale=sale, pk=payment_id, amount__gt=0).first()
    if payment is None:
        return sale_detail(request, company_id, sale_id, error=_("Choose the payment to refund."), status=400)
    try:
        back = refund_means(payment, request.POST.get("amount") or None, user=request.user)
    except ValidationError as exc:
        return sale_detail(request, company_id, sale_id, error=" ".join(exc.messages), status=400)
    messages.success(
        request,
        _("Given back to “%(means)s”: %(amount)s.")
        % {"means": payment.label or payment.code, "amount": format_money(-back.amount, request.chain.currency_symbol)},
    )
    return redirect("finance:sale", company_id=request.company.pk, sale_id=sale.pk)


def _counter_client(request):
    """The buyer: the client the page was opened for, or the one whose phone was typed. A gift
    certificate may be sold to nobody in particular; the module selling it says if it needs one."""
    client_id = request.POST.get("client") or request.GET.get("client") or ""
    if client_id.isdigit():
        return get_object_or_404(Client, pk=client_id)
    phone = request.POST.get("phone", "").strip()
    if not phone:
        return None
    e164 = normalize_phone(phone)  # a ValidationError with a clear message on a bad number
    client = Client.objects.filter(phone=e164).first()
    if client is None:
        raise ValidationError(
            _("There is no client with the phone %(phone)s; add the client first.") % {"phone": phone}
        )
    return client


@section_required(Section.FINANCE, Level.EDIT)
def sell(request, company_id):
    """A sale at the counter: gift certificates, abonements, goods (whatever the modules above
    offer; goods found by name, article or a scanned barcode), paid in full by money and loyalty
    means."""
    products = counter_products(request.company)
    goods = read_product_lines(request, request.company)
    rows = _payment_rows(request)
    error, client = None, None
    try:
        client = _counter_client(request)
    except ValidationError as exc:
        if request.method == "POST":
            error = " ".join(exc.messages)
    chosen, product_rows = [], []
    for product in products:
        row = {
            "product": product,
            "quantity": request.POST.get(f"qty[{product.key}]", "").strip(),
            "price": request.POST.get(f"price[{product.key}]", "").strip(),
        }
        product_rows.append(row)
        if row["quantity"].isdigit() and int(row["quantity"]) > 0:
            chosen.append((row, min(int(row["quantity"]), 50)))
    draft = SaleDraft(
        company=request.company,
        client=client,
        lines=[
            DraftLine(
                position=n,
                kind=r["product"].kind,
                title=r["product"].title,
                price=r["product"].price,
                ref=r["product"].ref,
            )
            for n, (r, _q) in enumerate(chosen)
        ]
        + product_draft_lines(goods.priced(), start=len(chosen)),
    )
    means_rows = _means_rows(request, draft) if client is not None else []
    if (
        request.method == "POST"
        and request.POST.get("action") not in ("find", "client")
        and not is_line_action(request)
        and error is None
    ):
        try:
            lines = []
            for row, quantity in chosen:
                product = row["product"]
                price = product.price
                if product.free_price:
                    price = parse_amount(row["price"] or product.price)
                    if not product.price_min <= price <= product.price_max:
                        raise ValidationError(
                            _("The price of “%(product)s” must be between %(min)s and %(max)s.")
                            % {
                                "product": product.title,
                                "min": format_money(product.price_min),
                                "max": format_money(product.price_max),
                            }
                        )
                lines += [CounterLine(product.kind, product.ref, product.title, price)] * quantity
            lines += goods.counter_lines()
            result = sell_at_counter(
                request.company,
                client=client,
                lines=lines,
                **_taken(request, rows),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _with_change(request, _("Sold."), result))
            return redirect("finance:sale", company_id=request.company.pk, sale_id=result.sale.pk)
    return render(
        request,
        "finance/sell.html",
        {
            "finance_tab": "sell",
            "products": product_rows,
            "goods": goods,
            "client": client,
            "phone": request.POST.get("phone", ""),
            "rows": rows,
            "means_rows": means_rows,
            "means_query": request.POST.get("means_query", ""),
            "has_means": bool(registered_means()) and client is not None,
            "cash_received": request.POST.get("cash_received", ""),
            "receipt_email": request.POST.get("receipt_email", client.email if client else ""),
            "send_receipt": request.POST.get("send_receipt") == "1",
            "error": error,
            "currency": request.chain.currency_symbol,
            "no_accounts": not any(row["accounts"] for row in rows),
        },
        status=400 if error else 200,
    )
