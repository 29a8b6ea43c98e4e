"""Stocktaking screens of a branch: the list of counts and the start form, one count's page (the
scan field, the counted quantities, the discrepancy with its money and the totals), and its
apply and cancel buttons. Reading needs VIEW in the warehouse section; starting, counting,
applying and cancelling need EDIT. Every change goes through `stocktaking.py`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.accounts.permissions import Level, Section
from frontdesk.tenancy.permissions import section_required
from frontdesk.warehouse import stocktaking
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import GoodsCategory, Stocktaking, StocktakingStatus, Warehouse, title_contains
from frontdesk.warehouse.services import shown
from frontdesk.warehouse.views import PAGE_SIZE, can_edit

COUNT_FIELD = "count-"


def _count(request, stocktaking_id) -> Stocktaking:
    return get_object_or_404(
        Stocktaking.objects.select_related("warehouse", "category", "document", "started_by", "finished_by"),
        pk=stocktaking_id,
        company=request.company,
    )


def _to_page(request, count, page=None):
    response = redirect("warehouse:stocktaking", company_id=request.company.pk, stocktaking_id=count.pk)
    if page and str(page).isdigit():
        response["Location"] += f"?page={page}"
    return response


@section_required(Section.WAREHOUSE, Level.VIEW)
def stocktakings(request, company_id):
    rows = Stocktaking.objects.filter(company=request.company).select_related("warehouse", "category", "document")
    page = Paginator(rows.order_by("-started_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "warehouse/stocktakings.html",
        {
            "page": page,
            "warehouses": Warehouse.objects.filter(company=request.company, is_archived=False),
            "categories": GoodsCategory.objects.order_by("title"),
            "can_edit": can_edit(request),
            "warehouse_tab": "stocktaking",
        },
    )


@section_required(Section.WAREHOUSE, Level.EDIT)
def stocktaking_start(request, company_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    warehouse_id, category_id = request.POST.get("warehouse") or "", request.POST.get("category") or ""
    warehouse = None
    if warehouse_id.isdigit():
        warehouse = Warehouse.objects.filter(company=request.company, pk=int(warehouse_id)).first()
    category = GoodsCategory.objects.filter(pk=int(category_id)).first() if category_id.isdigit() else None
    if warehouse is None or (category_id and category is None):
        messages.error(request, _("Choose the warehouse to count."))
        return redirect("warehouse:stocktakings", company_id=request.company.pk)
    try:
        count = stocktaking.start_count(
            request.company,
            warehouse,
            category=category,
            comment=(request.POST.get("comment") or "").strip()[:1000],
            user=request.user,
        )
    except WarehouseError as refused:
        messages.error(request, refused.text)
        return redirect("warehouse:stocktakings", company_id=request.company.pk)
    return _to_page(request, count)


@section_required(Section.WAREHOUSE, Level.VIEW)
def stocktaking_page(request, company_id, stocktaking_id):
    count = _count(request, stocktaking_id)
    query = (request.GET.get("q") or "").strip()
    rows = stocktaking.sheet_rows(count)
    if query:
        rows = rows.filter(title_contains(query, "goods__"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [stocktaking.sheet_line(row) for row in page.object_list]
    return render(
        request,
        "warehouse/stocktaking.html",
        {
            "count": count,
            "page": page,
            "lines": lines,
            "q": query,
            "totals": stocktaking.totals(count),
            "is_open": count.status == StocktakingStatus.OPEN,
            "can_edit": can_edit(request),
            "count_field": COUNT_FIELD,
            "warehouse_tab": "stocktaking",
        },
    )


def _act(request, stocktaking_id, action, notice) -> HttpResponse:
    """A POST that changes the count: `action(count)` through the service, then `notice(result)`
    (the success message, or "") — or the service's refusal shown — and back to the count's
    page it came from. A stranger's count is 404 before the method is looked at."""
    count = _count(request, stocktaking_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        result = action(count)
    except WarehouseError as error:
        messages.error(request, error.text)
    else:
        text = notice(result)
        if text:
            messages.success(request, text)
    return _to_page(request, count, request.POST.get("page"))


def _scanned(line) -> str:
    values = {"goods": line.goods.title, "counted": shown(line.counted), "unit": line.goods.get_writeoff_unit_display()}
    return _("“%(goods)s”: %(counted)s %(unit)s counted.") % values


@section_required(Section.WAREHOUSE, Level.EDIT)
def stocktaking_scan(request, company_id, stocktaking_id):
    code = (request.POST.get("code") or "").strip()
    if not code:  # Enter in an empty field: nothing scanned
        return _act(request, stocktaking_id, lambda count: None, lambda _result: "")
    return _act(request, stocktaking_id, lambda count: stocktaking.scan(count, code, user=request.user), _scanned)


def _saved(changed: int) -> str:
    return ngettext("Counts saved: %(count)s line changed.", "Counts saved: %(count)s lines changed.", changed) % {
        "count": changed
    }


@section_required(Section.WAREHOUSE, Level.EDIT)
def stocktaking_counts(request, company_id, stocktaking_id):
    values = {
        int(key[len(COUNT_FIELD) :]): value
        for key, value in request.POST.items()
        if key.startswith(COUNT_FIELD) and key[len(COUNT_FIELD) :].isdigit()
    }
    return _act(request, stocktaking_id, lambda count: stocktaking.set_counts(count, values, user=request.user), _saved)


def _applied(count) -> str:
    if count.document_id:
        return _("The stocktaking is applied: %(document)s.") % {"document": count.document}
    return _("The stocktaking is applied: no discrepancies.")


@section_required(Section.WAREHOUSE, Level.EDIT)
def stocktaking_apply(request, company_id, stocktaking_id):
    return _act(request, stocktaking_id, lambda count: stocktaking.apply_count(count, user=request.user), _applied)


@section_required(Section.WAREHOUSE, Level.EDIT)
def stocktaking_cancel(request, company_id, stocktaking_id):
    return _act(
        request,
        stocktaking_id,
        lambda count: stocktaking.cancel_count(count, user=request.user),
        lambda _count: _("The stocktaking is cancelled; the stock is as it was."),
    )
