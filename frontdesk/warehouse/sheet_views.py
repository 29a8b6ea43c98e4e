"""Pages that print or list for the shelf: the goods below their minimum in the branch's
warehouses (with its Excel file), and the price-tag sheet (a PDF). Both need VIEW in the
warehouse section; both only read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core import spreadsheets as sheets
from frontdesk.tenancy.permissions import section_required
from frontdesk.warehouse import low_stock as selectors
from frontdesk.warehouse import price_tags as tags
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.forms import descendants
from frontdesk.warehouse.models import Goods, GoodsCategory, Warehouse
from frontdesk.warehouse.views import PAGE_SIZE


def _rows(request):
    warehouse_id = request.GET.get("warehouse") or ""
    warehouse = None
    if warehouse_id.isdigit():
        warehouse = Warehouse.objects.filter(company=request.company, pk=int(warehouse_id)).first()
    return selectors.low_rows([request.company], warehouse), warehouse


@section_required(Section.WAREHOUSE, Level.VIEW)
def low_stock(request, company_id):
    rows, warehouse = _rows(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.order = selectors.to_order(row)
    return render(
        request,
        "warehouse/low_stock.html",
        {
            "page": page,
            "warehouse": warehouse,
            "warehouses": Warehouse.objects.filter(company=request.company, is_archived=False),
            "warehouse_tab": "low_stock",
        },
    )


@section_required(Section.WAREHOUSE, Level.VIEW)
def low_stock_export(request, company_id):
    rows, _warehouse = _rows(request)
    headers = [
        _("Warehouse"),
        _("Item name"),
        _("Article"),
        _("Left"),
        _("Minimum"),
        _("Unit"),
        _("To order"),
        _("Unit of sale"),
    ]
    data = (
        [
            r.warehouse.title,
            r.goods.title,
            r.goods.article,
            r.left,
            r.quantity,
            r.goods.get_writeoff_unit_display(),
            selectors.to_order(r).sale_units,
            r.goods.get_sale_unit_display(),
        ]
        for r in rows
    )
    workbook = sheets.write_workbook(
        [sheets.Sheet(_("Low stock")[:31], headers, data, [16, 40, 14, 10, 10, 8, 10, 10])]
    )
    return sheets.xlsx_response(workbook, f"low-stock-{timezone.localdate().isoformat()}.xlsx")


def branches_for(request):
    """The network's active branches the member works in (the price tags may be for any)."""
    companies = request.chain.companies.filter(is_active=True).order_by("name")
    membership = request.membership
    if not (membership.all_companies or membership.role == "owner"):
        companies = companies.filter(pk__in=membership.companies.values("pk"))
    return companies


def _int(value, default=None):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else default


@section_required(Section.WAREHOUSE, Level.VIEW)
def price_tags(request, company_id):
    """GET: the form (a category, or the goods ticked on the goods list, a branch, copies).
    POST: the PDF; bad input shows the form again with the reason."""
    data = request.POST if request.method == "POST" else request.GET
    branches = list(branches_for(request))
    branch = next((b for b in branches if b.pk == _int(data.get("branch"), request.company.pk)), None)
    chosen = [int(v) for v in data.getlist("goods") if v.isdigit() and len(v) < 10]
    category_id = _int(data.get("category"))
    copies = _int(data.get("copies") or "1")
    error = ""
    if request.method == "POST":
        try:
            if branch is None:
                raise WarehouseError("tags_branch")
            if copies is None or not 1 <= copies <= tags.MAX_COPIES:
                raise WarehouseError("tags_copies", max=tags.MAX_COPIES)
            goods = Goods.objects.filter(is_archived=False)
            if chosen:
                goods = goods.filter(pk__in=chosen)
            else:
                category = GoodsCategory.objects.filter(pk=category_id).first() if category_id else None
                if category is None:
                    raise WarehouseError("tags_no_goods")
                goods = goods.filter(category_id__in=descendants(category))
            pdf = tags.render(
                tags.tags_for(goods.values_list("pk", flat=True), branch, copies),
                branch=branch.name,
                currency=request.chain.currency_symbol,
                title=_("Price tags"),
            )
        except WarehouseError as refused:
            error = refused.text
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="price-tags-{timezone.localdate().isoformat()}.pdf"'
            )
            return response
    return render(
        request,
        "warehouse/price_tags.html",
        {
            "error": error,
            "branches": branches,
            "branch": branch or request.company,
            "categories": GoodsCategory.objects.order_by("title"),
            "category_id": category_id,
            "chosen": Goods.objects.filter(pk__in=chosen).order_by("title") if chosen else [],
            "copies": copies if copies is not None else 1,
            "max_copies": tags.MAX_COPIES,
            "warehouse_tab": "goods",
        },
        status=400 if error else 200,
    )
