"""Checkout of a visit: the sale, its payments split across methods, debts and refunds.

A visit has at most one sale (a unique constraint); the sale's money is the sum of its
transactions, and `Sale.paid`/`Sale.refunded` are rewritten from them under the sale's lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from frontdesk.clients.card import Badge
from frontdesk.core.audit import log_action
from frontdesk.core.locking import lock_row
from frontdesk.core.money import MoneySum, format_money, to_money
from frontdesk.core.quantities import QuantityError, parse_quantity
from frontdesk.finance.errors import FinanceError
from frontdesk.finance.means import draft_for_sale, refuse_unproven, registered_means
from frontdesk.finance.models import (
    LineKind,
    MeansPayment,
    PaymentMethod,
    Sale,
    SaleLine,
    SaleStatus,
    Transaction,
)
from frontdesk.finance.services import ZERO, Payment, item_by_code, lock_accounts, parse_amount, post_transaction
from frontdesk.finance.signals import lines_returned, money_moved, refund_posted, sale_opened, sale_settled
from frontdesk.scheduling.errors import BookingError
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.scheduling.services import complete_visit
from frontdesk.staff.models import Specialist, SpecialistService


@dataclass
class LineDraft:
    """A service line as the checkout offers it: the booked price and the range it may move in."""

    record_service: RecordService
    price: Decimal
    price_min: Decimal
    price_max: Decimal

    @property
    def title(self) -> str:
        return self.record_service.service.title


def draft_lines(visit: Visit) -> list[LineDraft]:
    """The visit's service lines that a checkout sells, with each one's allowed price range: the
    service's range, widened by the specialist's own prices and by the price booked."""
    lines = list(
        RecordService.objects.filter(record__visit=visit)
        .exclude(record__status__in=RecordStatus.LOST)
        .select_related("service", "record")
        .order_by("record__start", "record_id", "position")
    )
    own = {
        (link.specialist_id, link.service_id): link
        for link in SpecialistService.objects.filter(
            specialist_id__in={line.record.specialist_id for line in lines},
            service_id__in={line.service_id for line in lines},
        )
    }
    drafts = []
    for line in lines:
        lows, highs = [line.service.price_min, line.price], [line.service.price_max, line.price]
        link = own.get((line.record.specialist_id, line.service_id))
        if link is not None:
            lows += [p for p in (link.price_min,) if p is not None]
            highs += [p for p in (link.price_max, link.price_min) if p is not None]
        drafts.append(LineDraft(line, to_money(line.price), to_money(min(lows)), to_money(max(highs))))
    return drafts


def _on_sale(line: SaleLine, sale: Sale) -> SaleLine:
    line.sale = sale
    return line


@dataclass
class CheckoutResult:
    sale: Sale
    change: Decimal = ZERO
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class MeansUse:
    """A payment by a loyalty means as typed at the desk: which means, which of its balances
    (`ref`), how much."""

    code: str
    ref: str
    amount: object


def _sale_money(sale: Sale) -> tuple[Decimal, Decimal]:
    """(paid net of refunds, refunded) from the ledgers themselves: the money transactions and the
    payments by loyalty means."""
    paid_in = given_back = Decimal(0)
    for rows in (Transaction.objects.filter(sale=sale), MeansPayment.objects.filter(sale=sale)):
        paid_in += rows.filter(amount__gt=0).aggregate(total=MoneySum("amount"))["total"] or 0
        given_back += rows.filter(amount__lt=0).aggregate(total=MoneySum("amount"))["total"] or 0
    return to_money(paid_in + given_back), to_money(-given_back)


def _settle(sale: Sale) -> Sale:
    sale.paid, sale.refunded = _sale_money(sale)
    if sale.refunded and sale.paid == 0:
        sale.status = SaleStatus.REFUNDED
    elif sale.paid + sale.refunded >= sale.total:
        sale.status = SaleStatus.PAID
    elif sale.paid + sale.refunded > 0:
        sale.status = SaleStatus.PARTLY_PAID
    else:
        sale.status = SaleStatus.UNPAID
    sale.save(update_fields=["paid", "refunded", "status"])
    return sale


def _take_means(sale: Sale, uses: list[MeansUse], user, codes=()) -> list[MeansPayment]:
    """Pay the sale with loyalty means (the caller holds the sale's lock): each means spends from
    its own ledger under its own lock and may refuse, which rolls everything back. A balance pays
    only when it is the sale's client's own or was found by one of `codes`, the codes typed at
    this checkout (means.refuse_unproven)."""
    known = registered_means()
    cleaned: dict[tuple[str, str], Decimal] = {}
    for use in uses:
        amount = parse_amount(use.amount, allow_zero=True)
        if amount == 0:
            continue
        if use.code not in known:
            raise FinanceError("unknown_means")
        key = (use.code, str(use.ref or ""))
        cleaned[key] = cleaned.get(key, ZERO) + amount
    if not cleaned:
        return []
    due = sale.total - sale.paid - sale.refunded
    paying = sum(cleaned.values(), ZERO)
    if paying > due:
        raise FinanceError("overpaid", paid=paying, due=max(due, ZERO))
    refuse_unproven(draft_for_sale(sale), list(cleaned), codes)
    posted = []
    for (code, ref), amount in cleaned.items():
        means = known[code]
        operation = means.spend(sale, ref, amount, user=user)
        posted.append(
            MeansPayment.objects.create(
                company_id=sale.company_id,
                chain_id=sale.chain_id,
                sale=sale,
                code=code,
                ref=ref,
                label=str(means.label)[:200],
                operation=str(operation or "")[:64],
                amount=amount,
                created_by=user if getattr(user, "pk", None) else None,
            )
        )
    _settle(sale)
    return posted


def _take_payments(
    sale: Sale, payments: list[Payment], cash_received, user, occurred_at=None, item_code: str = "services"
) -> tuple[list[Transaction], Decimal]:
    """Post the payments onto the sale (the caller holds the sale's lock). Returns the
    transactions and the change due on the cash received."""
    cleaned = []
    for payment in payments:
        amount = parse_amount(payment.amount, allow_zero=True)
        if amount == 0:
            continue
        if payment.account.company_id != sale.company_id:
            raise FinanceError("foreign_account")
        cleaned.append(Payment(payment.account, payment.method, amount))
    # Below zero when an online advance paid more than the sale (its rest is given back elsewhere).
    due = max(sale.total - sale.paid - sale.refunded, ZERO)
    paying = sum((p.amount for p in cleaned), ZERO)
    if paying > due:
        raise FinanceError("overpaid", paid=paying, due=max(due, ZERO))
    cash = sum((p.amount for p in cleaned if p.method == PaymentMethod.CASH), ZERO)
    change = ZERO
    if cash_received not in (None, ""):
        received = parse_amount(cash_received, allow_zero=True)
        if received < cash:
            raise FinanceError("cash_received_short", received=received, cash=cash)
        change = received - cash
    if not cleaned:
        return [], change
    locked = lock_accounts(*[p.account for p in cleaned])
    item = item_by_code(sale.chain_id, item_code)
    posted = [
        post_transaction(
            locked[p.account.pk], p.amount, method=p.method, item=item, user=user, sale=sale, occurred_at=occurred_at
        )
        for p in cleaned
    ]
    return posted, change


def checkout_visit(
    visit: Visit,
    *,
    prices: dict[int, object] | None = None,
    discount=0,
    payments: list[Payment] = (),
    means: list[MeansUse] = (),
    codes=(),
    discount_source: str = "",
    discount_label: str = "",
    cash_received=None,
    user=None,
    occurred_at=None,
    receipt_email: str = "",
    products: list[CounterLine] = (),
) -> CheckoutResult:
    """Check a visit out: sell its services (at prices within each service's range) and the
    products added to it (`products`: goods with quantities and sellers, after the services), take the
    payments by loyalty means and by money, complete its records. What is not paid stays as the
    client's debt. `discount_source`/`discount_label` record the loyalty rule the discount came from.
    `codes`: the codes typed at the desk — a balance that is not the client's (a gift certificate
    someone else bought) pays only when its code is among them.

    Guarantees: one sale per visit whatever arrives concurrently (the visit's row is locked and
    the sale is unique per visit); either everything is saved or nothing is."""
    prices = prices or {}
    discount = parse_amount(discount, allow_zero=True)
    try:
        with transaction.atomic():
            visit = lock_row(Visit.objects, visit.pk)
            if Sale.objects.filter(visit=visit).exists():
                raise FinanceError("already_checked_out")
            drafts = draft_lines(visit)
            if not drafts:
                if Record.objects.filter(visit=visit).exclude(status__in=RecordStatus.LOST).exists():
                    raise FinanceError("nothing_to_check_out")
                raise FinanceError("visit_cancelled")
            known = {d.record_service.pk for d in drafts}
            if set(prices) - known:
                raise FinanceError("unknown_line")
            for draft in drafts:
                if draft.record_service.pk in prices:
                    price = parse_amount(prices[draft.record_service.pk], allow_zero=True)
                    if not draft.price_min <= price <= draft.price_max:
                        raise FinanceError(
                            "price_out_of_range", service=draft.title, min=draft.price_min, max=draft.price_max
                        )
                    draft.price = price
            extra = _product_lines(visit.company, list(products), start=len(drafts)) if products else []
            subtotal = sum((d.price for d in drafts), ZERO) + sum((line.amount for line in extra), ZERO)
            if discount > subtotal:
                raise FinanceError("discount_too_big")
            sale = Sale.objects.create(
                company_id=visit.company_id,
                chain_id=visit.chain_id,
                visit=visit,
                client_id=visit.client_id,
                subtotal=subtotal,
                discount=discount,
                discount_source=discount_source[:64] if discount else "",
                discount_label=discount_label[:200] if discount else "",
                total=subtotal - discount,
                created_by=user if getattr(user, "pk", None) else None,
            )
            SaleLine.objects.bulk_create(
                [
                    SaleLine(
                        chain_id=visit.chain_id,
                        sale=sale,
                        record_service=d.record_service,
                        service_id=d.record_service.service_id,
                        title=d.title[:200],
                        price=d.price,
                        amount=d.price,
                        position=position,
                    )
                    for position, d in enumerate(drafts)
                ]
                + [_on_sale(line, sale) for line in extra]
            )
            sale_opened.send(sale=sale)
            advance = _settle(sale).paid
            _take_means(sale, list(means), user, codes)
            posted, change = _take_payments(sale, list(payments), cash_received, user, occurred_at)
            _settle(sale)
            complete_visit(visit)
            log_action(sale, code="sale.checked_out", changes={"total": [None, str(sale.total)]})
            if posted or advance:
                money_moved.send(
                    sale=sale, transactions=posted, operation="sell", kind="checkout", receipt_email=receipt_email
                )
            sale_settled.send(sale=sale, kind="checkout")
            return CheckoutResult(sale, change, posted)
    except IntegrityError:
        # The unique sale per visit caught a racing checkout the lock did not (SQLite has no row
        # locks; its write lock already serialises, so this is PostgreSQL's last line).
        raise FinanceError("already_checked_out") from None


def pay_sale(
    sale: Sale,
    payments: list[Payment],
    *,
    means: list[MeansUse] = (),
    codes=(),
    cash_received=None,
    user=None,
    receipt_email: str = "",
    occurred_at=None,
) -> CheckoutResult:
    """Pay (part of) what is still due on a sale: the client's debt. `occurred_at` (default: now)
    dates the money, as in `checkout_visit`."""
    with transaction.atomic():
        sale = lock_row(Sale.objects, sale.pk)
        if sale.total - sale.paid - sale.refunded <= 0:
            raise FinanceError("nothing_due")
        typed = [p for p in payments if parse_amount(p.amount, allow_zero=True) > 0]
        typed_means = [m for m in means if parse_amount(m.amount, allow_zero=True) > 0]
        if not typed and not typed_means:
            raise FinanceError("no_payments")
        _take_means(sale, list(means), user, codes)
        posted, change = _take_payments(
            sale, list(payments), cash_received, user, occurred_at, item_code=_income_item(sale)
        )
        _settle(sale)
        log_action(sale, code="sale.paid", changes={"paid": [None, str(sale.paid)]})
        if posted:
            money_moved.send(sale=sale, transactions=posted, operation="sell", kind="debt", receipt_email=receipt_email)
        sale_settled.send(sale=sale, kind="debt")
        return CheckoutResult(sale, change, posted)


# The income item a counter sale's money goes to, by what it sells.
ITEM_OF_KIND = {
    LineKind.SERVICE: "services",
    LineKind.GOODS: "goods",
    LineKind.CERTIFICATE: "certificates",
    LineKind.ABONEMENT: "certificates",
}


def _income_item(sale: Sale) -> str:
    if sale.visit_id:
        return "services"
    kinds = set(SaleLine.objects.filter(sale=sale).values_list("kind", flat=True))
    return ITEM_OF_KIND.get(kinds.pop(), "services") if len(kinds) == 1 else "services"


@dataclass
class CounterLine:
    """A product sold at the counter or added to a visit, as its provider listed it (`ref`), at
    the unit price charged, `quantity` units of it (goods; 1 for a certificate), sold by `seller`
    (a Specialist or its id, or None), with the receipt's VAT code (`vat`, "" for the branch's)."""

    kind: str
    ref: str
    title: str
    price: object
    quantity: object = 1
    seller: object = None
    vat: str = ""


def _product_lines(company, lines: list[CounterLine], *, start: int = 0) -> list[SaleLine]:
    """Unsaved sale lines of `lines` (no sale yet), every price, quantity and seller checked: a
    bad one raises FinanceError before anything is written. A seller must work in the branch;
    one query for all of them, none when no line names one."""
    sellers = {getattr(line.seller, "pk", line.seller) for line in lines if line.seller not in (None, "")}
    if sellers:
        known = set(
            Specialist.objects.filter(pk__in=[s for s in sellers if str(s).isdigit()], companies=company).values_list(
                "pk", flat=True
            )
        )
        if {int(s) if str(s).isdigit() else s for s in sellers} - known:
            raise FinanceError("seller_unknown")
    built = []
    for position, line in enumerate(lines, start=start):
        price = parse_amount(line.price, allow_zero=True)
        try:
            quantity = parse_quantity(line.quantity)
        except QuantityError as exc:
            raise FinanceError(exc.code) from None
        seller = getattr(line.seller, "pk", line.seller)
        built.append(
            SaleLine(
                chain_id=company.chain_id,
                kind=line.kind,
                ref=str(line.ref)[:64],
                title=str(line.title)[:200],
                price=price,
                quantity=quantity,
                amount=to_money(price * quantity),
                seller_id=int(seller) if seller not in (None, "") else None,
                vat=str(line.vat or "")[:8],
                position=position,
            )
        )
    return built


def sell_at_counter(
    company,
    *,
    client,
    lines: list[CounterLine],
    payments: list[Payment] = (),
    means: list[MeansUse] = (),
    codes=(),
    cash_received=None,
    user=None,
    receipt_email: str = "",
    occurred_at=None,
) -> CheckoutResult:
    """Sell products with no visit — goods, a gift certificate, an abonement — paid in full at
    once (a certificate is not sold on credit). Goods lines carry a quantity, a seller and a VAT
    code. The module that sells the product gives it to the client (or takes it from stock) on
    `sale_settled` (kind "counter"), in this same transaction: its refusal rolls the sale back.

    `occurred_at` (default: now) dates the money, as in `checkout_visit`.

    Queries: a fixed number whatever the number of lines (one more to check the sellers when a
    line names one)."""
    if not lines:
        raise FinanceError("nothing_to_sell")
    kinds = {line.kind for line in lines}
    if len({ITEM_OF_KIND.get(kind) for kind in kinds}) != 1 or None in {ITEM_OF_KIND.get(k) for k in kinds}:
        raise FinanceError("mixed_counter_sale")
    for line in lines:
        parse_amount(line.price)  # a product at the counter is never given away for nothing
    with transaction.atomic():
        built = _product_lines(company, lines)
        subtotal = to_money(sum((line.amount for line in built), ZERO))
        sale = Sale.objects.create(
            company_id=company.pk,
            chain_id=company.chain_id,
            visit=None,
            client=client,
            subtotal=subtotal,
            total=subtotal,
            created_by=user if getattr(user, "pk", None) else None,
        )
        for line in built:
            line.sale = sale
        SaleLine.objects.bulk_create(built)
        sale = lock_row(Sale.objects, sale.pk)
        _take_means(sale, list(means), user, codes)
        posted, change = _take_payments(
            sale, list(payments), cash_received, user, occurred_at, item_code=ITEM_OF_KIND[next(iter(kinds))]
        )
        _settle(sale)
        if sale.status != SaleStatus.PAID:
            raise FinanceError("counter_sale_unpaid", due=sale.total - sale.paid)
        log_action(sale, code="sale.sold", changes={"total": [None, str(sale.total)]})
        if posted:
            money_moved.send(
                sale=sale, transactions=posted, operation="sell", kind="counter", receipt_email=receipt_email
            )
        sale_settled.send(sale=sale, kind="counter")
        return CheckoutResult(sale, change, posted)


def means_refundable(payment: MeansPayment) -> Decimal:
    back = payment.reversals.aggregate(total=MoneySum("amount"))["total"] or 0
    return to_money(payment.amount + back)


def refund_means(payment: MeansPayment, amount=None, *, user=None) -> MeansPayment:
    """Give a payment by a loyalty means back to its balance (bonuses back to the card, money back
    onto the certificate, the visit back onto the abonement). `amount=None` gives back all that is left."""
    with transaction.atomic():
        sale = lock_row(Sale.objects, payment.sale_id)
        payment = MeansPayment.objects.get(pk=payment.pk, sale=sale, amount__gt=0)
        left = means_refundable(payment)
        if left <= 0:
            raise FinanceError("refund_too_big", refundable=ZERO)
        amount = left if amount in (None, "") else parse_amount(amount)
        if amount > left:
            raise FinanceError("refund_too_big", refundable=left)
        means = registered_means().get(payment.code)
        if means is None:
            raise FinanceError("unknown_means")
        operation = means.give_back(payment, amount, user=user)
        back = MeansPayment.objects.create(
            company_id=sale.company_id,
            chain_id=sale.chain_id,
            sale=sale,
            code=payment.code,
            ref=payment.ref,
            label=payment.label,
            operation=str(operation or "")[:64],
            amount=-amount,
            reverses=payment,
            created_by=user if getattr(user, "pk", None) else None,
        )
        _settle(sale)
        _return_lines(sale, None)
        log_action(sale, code="sale.refunded", changes={"refunded": [None, str(amount)], "means": [None, payment.code]})
        sale_settled.send(sale=sale, kind="refund")
        return back


def sale_means_payments(sale: Sale) -> list[MeansPayment]:
    return list(MeansPayment.objects.filter(sale=sale, amount__gt=0, reverses__isnull=True).order_by("id"))


def refundable(payment: Transaction) -> Decimal:
    """What is left to give back of one payment: its amount less what was already refunded."""
    back = payment.reversals.aggregate(total=MoneySum("amount"))["total"] or 0
    return to_money(payment.amount + back)


def sale_payments(sale: Sale) -> list[Transaction]:
    return list(
        Transaction.objects.filter(sale=sale, amount__gt=0, reverses__isnull=True)
        .select_related("account")
        .order_by("-occurred_at", "-id")
    )


def _return_lines(sale: Sale, returns: dict | None) -> list[tuple[SaleLine, Decimal]]:
    """Count units given back on the sale's lines (the caller holds the sale's lock, after the
    refund settled it): `returns` {line id: quantity} as the desk typed them; with none, a sale
    now refunded in full gives back everything still out. Announces `finance.lines_returned`
    when anything came back, so the module that gave it out takes it back (stock). Two queries
    (the lines, one update), whatever the number of lines."""
    lines = {line.pk: line for line in SaleLine.objects.filter(sale=sale)}
    wanted: dict[int, Decimal] = {}
    for key, typed in (returns or {}).items():
        if typed in (None, ""):
            continue
        line = lines.get(int(key)) if str(key).isdigit() else None
        if line is None:
            raise FinanceError("return_unknown_line")
        try:
            quantity = parse_quantity(typed, allow_zero=True)
        except QuantityError as exc:
            raise FinanceError(exc.code) from None
        left = line.quantity - line.returned
        if quantity > left:
            raise FinanceError("return_too_big", left=format(left.normalize(), "f"), product=line.title)
        if quantity:
            wanted[line.pk] = quantity
    if not returns and sale.status == SaleStatus.REFUNDED:
        wanted = {pk: line.quantity - line.returned for pk, line in lines.items() if line.quantity > line.returned}
    if not wanted:
        return []
    for pk, quantity in wanted.items():
        lines[pk].returned += quantity
    SaleLine.objects.bulk_update([lines[pk] for pk in wanted], ["returned"])
    pairs = [(lines[pk], quantity) for pk, quantity in wanted.items()]
    lines_returned.send(sale=sale, returns=pairs)
    return pairs


def refund_sale(
    sale: Sale,
    amount=None,
    *,
    payment: Transaction | None = None,
    user=None,
    comment="",
    receipt_email: str = "",
    occurred_at=None,
    returns: dict | None = None,
) -> list[Transaction]:
    """Give money back to the client by the method it was paid with, onto the account it went
    to: from `payment` if given, otherwise from the latest payments first. `amount=None` refunds
    everything that is left. A cash refund needs the cash in the desk. Logged on the sale.
    `occurred_at` (default: now) dates the money, as in `checkout_visit`.

    Money paid online goes back through the payment provider (a `finance.refund_posted` listener), asked
    last, under the sale's lock: two refunds of one payment queue here, and the second sees what
    the first gave back. A provider's refusal rolls everything back.

    `returns` {line id: quantity}: the units the client brings back (goods), at most what is
    still out on each line; a refund that leaves the sale refunded in full brings back all that
    is still out without being told (`finance.lines_returned`)."""
    with transaction.atomic():
        sale = lock_row(Sale.objects, sale.pk)
        payments = sale_payments(sale)
        if payment is not None:
            payments = [p for p in payments if p.pk == payment.pk]
        left = {p.pk: refundable(p) for p in payments}
        available = sum(left.values(), ZERO)
        if available <= 0:
            raise FinanceError("refund_too_big", refundable=ZERO)
        amount = available if amount in (None, "") else parse_amount(amount)
        if amount > available:
            raise FinanceError("refund_too_big", refundable=available)
        locked = lock_accounts(*[p.account_id for p in payments])
        posted, pairs, remaining = [], [], amount
        for original in payments:
            if remaining <= 0:
                break
            part = min(left[original.pk], remaining)
            if part <= 0:
                continue
            row = post_transaction(
                locked[original.account_id],
                -part,
                method=original.method,
                item=original.item,
                user=user,
                sale=sale,
                reverses=original,
                comment=comment,
                occurred_at=occurred_at,
            )
            posted.append(row)
            pairs.append((original, row))
            remaining -= part
        _settle(sale)
        _return_lines(sale, returns)
        log_action(sale, code="sale.refunded", changes={"refunded": [None, str(amount)]})
        money_moved.send(
            sale=sale, transactions=posted, operation="sell_refund", kind="refund", receipt_email=receipt_email
        )
        sale_settled.send(sale=sale, kind="refund")
        refund_posted.send(sale=sale, refunds=pairs)
        return posted


def resettle_sale(sale: Sale, *, kind: str = "refund") -> Sale:
    """Bring a sale in line with its ledger after money of it moved outside the cash desk's own
    pages (the rest of an online prepayment refunded from «Prepayments to settle»). The caller
    holds the sale's lock, inside its transaction; loyalty hears of it as of any refund."""
    _settle(sale)
    sale_settled.send(sale=sale, kind=kind)
    return sale


def refuse_changes_to_checked_out_visit(record: Record) -> None:
    """The scheduling guard: a record of a checked-out visit is not moved, re-priced or
    re-statused behind the cash desk's back."""
    if Sale.objects.filter(visit_id=record.visit_id).exists():
        raise BookingError("visit_checked_out")


def client_debt(client) -> Decimal:
    """What the client owes across the network: the unpaid rest of their sales."""
    owed = Sale.objects.filter(client=client, status__in=[SaleStatus.UNPAID, SaleStatus.PARTLY_PAID]).aggregate(
        total=MoneySum(F("total") - F("paid") - F("refunded"))
    )["total"]
    return to_money(owed or 0)


def debt_badge(card) -> list:
    """The client card's red mark when the client owes the salon money."""
    debt = client_debt(card.client)
    if not debt:
        return []
    currency = card.client.chain.currency_symbol if card.client.chain_id else ""
    return [Badge(_("Debt %(amount)s") % {"amount": format_money(debt, currency)}, "danger", "debt")]
