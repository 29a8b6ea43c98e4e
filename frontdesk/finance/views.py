"""The finance pages of a branch: accounts with live balances, an account's transactions, manual
income, expense and transfer, cash shifts, payment items and counterparties. Reading needs VIEW
in the finance section, every change needs EDIT. The checkout lives in checkout_views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core.money import MoneySum, format_money
from frontdesk.finance import services
from frontdesk.finance.forms import (
    AccountForm,
    CloseShiftForm,
    CounterpartyForm,
    MoneyOperationForm,
    PaymentItemForm,
    TransferForm,
)
from frontdesk.finance.models import (
    TRANSFER_CODE,
    Account,
    CashShift,
    Counterparty,
    ItemKind,
    PaymentItem,
    Transaction,
)
from frontdesk.tenancy.permissions import section_required

PAGE_SIZE = 50


def _can_edit(request) -> bool:
    return request.membership.can(Section.FINANCE, Level.EDIT)


def _account(request, account_id) -> Account:
    return get_object_or_404(Account.objects, pk=account_id, company=request.company)


def _currency(request) -> str:
    return request.chain.currency_symbol


def _to_accounts(request):
    return redirect("finance:accounts", company_id=request.company.pk)


# --- Accounts ------------------------------------------------------------------------------


@section_required(Section.FINANCE, Level.VIEW)
def accounts(request, company_id):
    rows = list(Account.objects.filter(company=request.company).order_by("is_archived", "kind", "title", "id"))
    amounts = services.balances(rows)
    open_shifts = {
        shift.account_id: shift for shift in CashShift.objects.filter(company=request.company, closed_at__isnull=True)
    }
    for account in rows:
        account.balance = amounts[account.pk]
        account.open_shift = open_shifts.get(account.pk)
    active = [a for a in rows if not a.is_archived]
    return render(
        request,
        "finance/accounts.html",
        {
            "accounts": rows,
            "total": sum((a.balance for a in active), services.ZERO),
            "can_edit": _can_edit(request),
            "currency": _currency(request),
        },
    )


def _account_form(request, account):
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The account “%(title)s” is saved.") % {"title": account.title})
        return _to_accounts(request)
    return render(request, "finance/account_form.html", {"form": form, "account": account})


@section_required(Section.FINANCE, Level.EDIT)
def account_add(request, company_id):
    return _account_form(request, Account(company=request.company, chain=request.chain))


@section_required(Section.FINANCE, Level.EDIT)
def account_edit(request, company_id, account_id):
    return _account_form(request, _account(request, account_id))


@section_required(Section.FINANCE, Level.EDIT)
def account_archive(request, company_id, account_id):
    account = _account(request, account_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    account.is_archived = not account.is_archived
    account.save(update_fields=["is_archived"])
    if account.is_archived:
        messages.success(request, _("The account “%(title)s” is archived.") % {"title": account.title})
    else:
        messages.success(request, _("The account “%(title)s” is restored.") % {"title": account.title})
    return _to_accounts(request)


@section_required(Section.FINANCE, Level.VIEW)
def account_detail(request, company_id, account_id):
    account = _account(request, account_id)
    rows = (
        Transaction.objects.filter(account=account)
        .select_related("item", "counterparty", "created_by", "sale", "reverses")
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shifts = list(CashShift.objects.filter(account=account).select_related("opened_by", "closed_by")[:10])
    return render(
        request,
        "finance/account_detail.html",
        {
            "account": account,
            "balance": services.balance(account),
            "page": page,
            "shifts": shifts,
            "open_shift": next((s for s in shifts if s.is_open), None),
            "close_form": CloseShiftForm(),
            "can_edit": _can_edit(request),
            "currency": _currency(request),
        },
    )


# --- Income, expense, transfer --------------------------------------------------------------


def _operation(request, kind):
    initial = {}
    account_id = request.GET.get("account", "")
    if account_id.isdigit():
        initial["account"] = account_id
    form = MoneyOperationForm(request.POST or None, initial=initial, company=request.company, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = services.record_income if kind == ItemKind.INCOME else services.record_expense
        try:
            record(
                data["account"],
                data["amount"],
                item=data["item"],
                method=data["method"],
                counterparty=data["counterparty"],
                comment=data["comment"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("finance:account", company_id=request.company.pk, account_id=data["account"].pk)
    title = _("Income") if kind == ItemKind.INCOME else _("Expense")
    return render(request, "finance/operation_form.html", {"form": form, "title": title, "kind": kind})


@section_required(Section.FINANCE, Level.EDIT)
def income(request, company_id):
    return _operation(request, ItemKind.INCOME)


@section_required(Section.FINANCE, Level.EDIT)
def expense(request, company_id):
    return _operation(request, ItemKind.EXPENSE)


@section_required(Section.FINANCE, Level.EDIT)
def transfer(request, company_id):
    form = TransferForm(request.POST or None, company=request.company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_money(
                data["from_account"], data["to_account"], data["amount"], comment=data["comment"], user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The money is moved."))
            return _to_accounts(request)
    return render(request, "finance/operation_form.html", {"form": form, "title": _("Transfer between accounts")})


# --- Cash shifts --------------------------------------------------------------------------


@section_required(Section.FINANCE, Level.EDIT)
def shift_open(request, company_id, account_id):
    account = _account(request, account_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    try:
        services.open_shift(account, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The shift is open."))
    return redirect("finance:account", company_id=request.company.pk, account_id=account.pk)


@section_required(Section.FINANCE, Level.EDIT)
def shift_close(request, company_id, account_id):
    account = _account(request, account_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    form = CloseShiftForm(request.POST)
    if form.is_valid():
        try:
            shift = services.close_shift(
                account, form.cleaned_data["counted"], comment=form.cleaned_data["comment"], user=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The shift is closed. Discrepancy: %(amount)s.")
                % {"amount": format_money(shift.discrepancy, request.chain.currency_symbol)},
            )
    else:
        messages.error(request, _("Enter the amount counted in the drawer."))
    return redirect("finance:account", company_id=request.company.pk, account_id=account.pk)


# --- Payment items ------------------------------------------------------------------------


def _item(request, item_id) -> PaymentItem:
    return get_object_or_404(PaymentItem.objects.exclude(code=TRANSFER_CODE), pk=item_id)


@section_required(Section.FINANCE, Level.VIEW)
def items(request, company_id):
    rows = PaymentItem.objects.exclude(code=TRANSFER_CODE).order_by("is_archived", "kind", "sort_order", "id")
    return render(request, "finance/items.html", {"items": rows, "can_edit": _can_edit(request)})


def _item_form(request, item):
    form = PaymentItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The payment item “%(title)s” is saved.") % {"title": str(item)})
        return redirect("finance:items", company_id=request.company.pk)
    return render(request, "finance/item_form.html", {"form": form, "item": item})


@section_required(Section.FINANCE, Level.EDIT)
def item_add(request, company_id):
    return _item_form(request, PaymentItem(chain=request.chain))


@section_required(Section.FINANCE, Level.EDIT)
def item_edit(request, company_id, payment_item_id):
    return _item_form(request, _item(request, payment_item_id))


@section_required(Section.FINANCE, Level.EDIT)
def item_archive(request, company_id, payment_item_id):
    item = _item(request, payment_item_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    item.is_archived = not item.is_archived
    item.save(update_fields=["is_archived"])
    return redirect("finance:items", company_id=request.company.pk)


# --- Counterparties -----------------------------------------------------------------------


def _counterparty(request, counterparty_id) -> Counterparty:
    return get_object_or_404(Counterparty.objects, pk=counterparty_id)


@section_required(Section.FINANCE, Level.VIEW)
def counterparties(request, company_id):
    rows = Counterparty.objects.order_by("is_archived", "name", "id")
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = rows.filter(name__icontains=query) | rows.filter(inn__startswith=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "finance/counterparties.html", {"page": page, "q": query, "can_edit": _can_edit(request)})


def _counterparty_form(request, counterparty):
    form = CounterpartyForm(request.POST or None, instance=counterparty)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The counterparty “%(name)s” is saved.") % {"name": counterparty.name})
        return redirect("finance:counterparties", company_id=request.company.pk)
    transactions, settlement = [], services.ZERO
    if counterparty.pk:
        # The branch's own dealings with the counterparty; other branches keep theirs.
        rows = Transaction.objects.filter(counterparty=counterparty, company=request.company)
        settlement = rows.aggregate(total=MoneySum("amount"))["total"] or services.ZERO
        transactions = list(rows.select_related("account", "item").order_by("-occurred_at", "-id")[:50])
    return render(
        request,
        "finance/counterparty_form.html",
        {
            "form": form,
            "counterparty": counterparty,
            "transactions": transactions,
            "settlement": settlement,
            "currency": _currency(request),
        },
    )


@section_required(Section.FINANCE, Level.EDIT)
def counterparty_add(request, company_id):
    return _counterparty_form(request, Counterparty(chain=request.chain))


@section_required(Section.FINANCE, Level.EDIT)
def counterparty_edit(request, company_id, counterparty_id):
    return _counterparty_form(request, _counterparty(request, counterparty_id))


@section_required(Section.FINANCE, Level.EDIT)
def counterparty_archive(request, company_id, counterparty_id):
    counterparty = _counterparty(request, counterparty_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    counterparty.is_archived = not counterparty.is_archived
    counterparty.save(update_fields=["is_archived"])
    return redirect("finance:counterparties", company_id=request.company.pk)
