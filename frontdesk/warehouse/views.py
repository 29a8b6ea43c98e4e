"""The goods catalogue of the network: goods (search, category filter, create, edit, archive,
barcodes), categories, Excel export and import. Reading needs VIEW in the warehouse section,
every change needs EDIT. Stock pages live in stock_views."""

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core import spreadsheets as sheets
from frontdesk.core.spreadsheets import views as sheets_views
from frontdesk.tenancy.permissions import section_required
from frontdesk.warehouse import spreadsheets
from frontdesk.warehouse.forms import CategoryForm, GoodsForm
from frontdesk.warehouse.models import Barcode, Goods, GoodsCategory, GoodsPrice, goods_search

PAGE_SIZE = 50
IMPORT_SESSION_KEY = "warehouse_goods_import"


def can_edit(request) -> bool:
    return request.membership.can(Section.WAREHOUSE, Level.EDIT)


@section_required(Section.WAREHOUSE, Level.VIEW)
def goods_list(request, company_id):
    rows = Goods.objects.select_related("category").order_by("is_archived", "title", "id")
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = rows.filter(goods_search(request.chain.pk, query))
    category = request.GET.get("category") or ""
    if category.isdigit():
        rows = rows.filter(category_id=int(category))
    rows = rows.prefetch_related(
        Prefetch("barcodes", queryset=Barcode.objects.order_by("id")),
        Prefetch("prices", queryset=GoodsPrice.objects.filter(company=request.company), to_attr="branch_prices"),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.branch_price = item.branch_prices[0].price if item.branch_prices else item.price
    return render(
        request,
        "warehouse/goods.html",
        {
            "page": page,
            "q": query,
            "category": category,
            "categories": GoodsCategory.objects.order_by("title"),
            "can_edit": can_edit(request),
            "warehouse_tab": "goods",
        },
    )


def _goods_form(request, goods):
    form = GoodsForm(request.POST or None, instance=goods, company=request.company)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("“%(name)s” is saved.") % {"name": goods.title})
        return redirect("warehouse:goods", company_id=request.company.pk)
    return render(request, "warehouse/goods_form.html", {"form": form, "goods": goods, "warehouse_tab": "goods"})


@section_required(Section.WAREHOUSE, Level.EDIT)
def goods_add(request, company_id):
    return _goods_form(request, Goods(chain=request.chain))


@section_required(Section.WAREHOUSE, Level.EDIT)
def goods_edit(request, company_id, goods_id):
    return _goods_form(request, get_object_or_404(Goods.objects, pk=goods_id))


@section_required(Section.WAREHOUSE, Level.EDIT)
def goods_archive(request, company_id, goods_id):
    goods = get_object_or_404(Goods.objects, pk=goods_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    goods.is_archived = not goods.is_archived
    goods.save(update_fields=["is_archived", "changed_at"])
    return redirect("warehouse:goods", company_id=request.company.pk)


@section_required(Section.WAREHOUSE, Level.VIEW)
def categories(request, company_id):
    rows = GoodsCategory.objects.select_related("parent").order_by("title", "id")
    return render(
        request,
        "warehouse/categories.html",
        {"categories": rows, "can_edit": can_edit(request), "warehouse_tab": "categories"},
    )


def _category_form(request, category):
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("warehouse:categories", company_id=request.company.pk)
    return render(
        request, "warehouse/category_form.html", {"form": form, "category": category, "warehouse_tab": "categories"}
    )


@section_required(Section.WAREHOUSE, Level.EDIT)
def category_add(request, company_id):
    return _category_form(request, GoodsCategory(chain=request.chain))


@section_required(Section.WAREHOUSE, Level.EDIT)
def category_edit(request, company_id, goods_category_id):
    return _category_form(request, get_object_or_404(GoodsCategory.objects, pk=goods_category_id))


@section_required(Section.WAREHOUSE, Level.VIEW)
def goods_export(request, company_id):
    data = spreadsheets.export_goods(get_language(), request.company)
    return sheets.xlsx_response(data, f"goods-{timezone.localdate().isoformat()}.xlsx")


@section_required(Section.WAREHOUSE, Level.EDIT)
def goods_import(request, company_id):
    return sheets_views.import_page(
        request,
        form_class=sheets.UploadForm,
        read=spreadsheets.read_goods,
        apply=partial(spreadsheets.apply_goods, chain=request.chain),
        session_key=IMPORT_SESSION_KEY,
        page="warehouse/goods_import.html",
        done=lambda: redirect("warehouse:goods", company_id=company_id),
        context={"warehouse_tab": "goods"},
        background="warehouse.goods",
    )
