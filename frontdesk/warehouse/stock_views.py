"""The stock pages of a branch: its warehouses, the remains of one (sorted by name, with value,
below-minimum marked; a fixed number of queries whatever the page holds), the movement documents,
and the receipt, write-off and transfer forms, which write through `services`. Reading needs VIEW
in the warehouse section, every change EDIT."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.money import MoneySum
from frontdesk.tenancy.permissions import section_required
from frontdesk.warehouse import services, spreadsheets
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.forms import DocumentForm, LineFormSet, WarehouseForm
from frontdesk.warehouse.models import (
    Goods,
    MinimumStock,
    MovementKind,
    StockDocument,
    StockMove,
    StockRemain,
    Warehouse,
    title_contains,
)
from frontdesk.warehouse.services import ItemLine
from frontdesk.warehouse.views import PAGE_SIZE, can_edit


def _warehouse(request, warehouse_id) -> Warehouse:
    return get_object_or_404(Warehouse.objects, pk=warehouse_id, company=request.company)


@section_required(Section.WAREHOUSE, Level.VIEW)
def index(request, company_id):
    rows = (
        Warehouse.objects.filter(company=request.company)
        .annotate(items=Count("remains", filter=~Q(remains__quantity=0)), total=MoneySum("remains__value"))
        .order_by("is_archived", "kind", "title", "id")
    )
    return render(
        request,
        "warehouse/index.html",
        {
            "warehouses": rows,
            "can_edit": can_edit(request),
            "allow_negative": services.negative_allowed(request.chain.pk),
            "warehouse_tab": "warehouses",
        },
    )


@section_required(Section.WAREHOUSE, Level.EDIT)
def negative_setting(request, company_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.set_negative_allowed(request.chain, request.POST.get("allow_negative") == "on")
    return redirect("warehouse:index", company_id=request.company.pk)


def _warehouse_form(request, warehouse):
    form = WarehouseForm(request.POST or None, instance=warehouse)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("warehouse:index", company_id=request.company.pk)
    return render(
        request, "warehouse/warehouse_form.html", {"form": form, "warehouse": warehouse, "warehouse_tab": "warehouses"}
    )


@section_required(Section.WAREHOUSE, Level.EDIT)
def warehouse_add(request, company_id):
    return _warehouse_form(request, Warehouse(chain=request.chain, company=request.company))


@section_required(Section.WAREHOUSE, Level.EDIT)
def warehouse_edit(request, company_id, warehouse_id):
    return _warehouse_form(request, _warehouse(request, warehouse_id))


@section_required(Section.WAREHOUSE, Level.EDIT)
def warehouse_archive(request, company_id, warehouse_id):
    warehouse = _warehouse(request, warehouse_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    warehouse.is_archived = not warehouse.is_archived
    warehouse.save(update_fields=["is_archived"])
    return redirect("warehouse:index", company_id=request.company.pk)


def remains_rows(warehouse, query: str = ""):
    """The remains of a warehouse sorted by the item's name, with the minimum stock beside each
    row: one query for any page of it."""
    minimum = MinimumStock.objects.filter(warehouse=warehouse, goods=OuterRef("goods_id")).values("quantity")[:1]
    rows = (
        StockRemain.objects.filter(warehouse=warehouse)
        .select_related("goods")
        .annotate(minimum=Subquery(minimum))
        .order_by("goods__title", "goods_id")
    )
    if query:
        rows = rows.filter(title_contains(query, "goods__"))
    return rows


@section_required(Section.WAREHOUSE, Level.VIEW)
def remains(request, company_id, warehouse_id):
    warehouse = _warehouse(request, warehouse_id)
    query = (request.GET.get("q") or "").strip()
    page = Paginator(remains_rows(warehouse, query), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.low = row.minimum is not None and row.quantity < row.minimum
    total = StockRemain.objects.filter(warehouse=warehouse).aggregate(value=MoneySum("value"))["value"]
    return render(
        request,
        "warehouse/remains.html",
        {"warehouse": warehouse, "page": page, "q": query, "total": total or 0, "warehouse_tab": "warehouses"},
    )


@section_required(Section.WAREHOUSE, Level.VIEW)
def remains_export(request, company_id, warehouse_id):
    warehouse = _warehouse(request, warehouse_id)
    data = spreadsheets.export_remains(get_language(), warehouse, remains_rows(warehouse))
    return sheets.xlsx_response(data, f"remains-{warehouse.pk}-{timezone.localdate().isoformat()}.xlsx")


@section_required(Section.WAREHOUSE, Level.VIEW)
def documents(request, company_id):
    rows = StockDocument.objects.filter(company=request.company).select_related("supplier")
    kind = request.GET.get("kind") or ""
    if kind in MovementKind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows.order_by("-occurred_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "warehouse/documents.html",
        {
            "page": page,
            "kind": kind,
            "kinds": MovementKind.choices,
            "can_edit": can_edit(request),
            "warehouse_tab": "documents",
        },
    )


@section_required(Section.WAREHOUSE, Level.VIEW)
def document(request, company_id, stock_document_id):
    doc = get_object_or_404(
        StockDocument.objects.select_related("supplier", "created_by"), pk=stock_document_id, company=request.company
    )
    lines = StockMove.objects.filter(document=doc).select_related("goods", "warehouse").order_by("id")
    return render(
        request,
        "warehouse/document.html",
        {
            "document": doc,
            "lines": lines,
            "warehouse_tab": "documents",
            "quantity_total": lines.aggregate(q=Sum("quantity"))["q"],
        },
    )


TITLES = {
    "receipt": gettext_lazy("Goods receipt from a supplier"),
    "write_off": gettext_lazy("Stock write-off"),
    "transfer": gettext_lazy("Transfer between warehouses"),
}


def _document_page(request, kind: str):
    form = DocumentForm(request.POST or None, company=request.company, kind=kind)
    formset = LineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        lines = [
            ItemLine(
                f.cleaned_data["item"],
                f.cleaned_data["quantity"],
                f.cleaned_data.get("price"),
                f.cleaned_data["unit"] == "sale",
            )
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("empty")
        ]
        data = form.cleaned_data
        try:
            if kind == "receipt":
                doc = services.receive(
                    request.company,
                    data["warehouse"],
                    data["supplier"],
                    lines,
                    document_number=data["document_number"],
                    comment=data["comment"],
                    user=request.user,
                )
            elif kind == "write_off":
                doc = services.write_off(
                    request.company,
                    data["warehouse"],
                    lines,
                    reason=data["reason"],
                    comment=data["comment"],
                    user=request.user,
                )
            else:
                doc = services.transfer(
                    request.company,
                    data["warehouse"],
                    data["target"],
                    lines,
                    comment=data["comment"],
                    user=request.user,
                )
        except WarehouseError as refused:
            form.add_error(None, refused.text)
        else:
            messages.success(request, _("%(document)s is saved.") % {"document": doc})
            return redirect("warehouse:document", company_id=request.company.pk, stock_document_id=doc.pk)
    choices = Goods.objects.filter(is_archived=False).order_by("title").values_list("pk", "title", "article")
    return render(
        request,
        "warehouse/document_form.html",
        {
            "form": form,
            "formset": formset,
            "kind": kind,
            "title": TITLES[kind],
            "goods_choices": [(f"{title} #{pk}", article) for pk, title, article in choices],
            "warehouse_tab": "documents",
        },
    )


@section_required(Section.WAREHOUSE, Level.EDIT)
def receipt(request, company_id):
    return _document_page(request, "receipt")


@section_required(Section.WAREHOUSE, Level.EDIT)
def write_off(request, company_id):
    return _document_page(request, "write_off")


@section_required(Section.WAREHOUSE, Level.EDIT)
def transfer(request, company_id):
    return _document_page(request, "transfer")
