"""The goods catalogue and the branch's warehouses in YCLIENTS' shape: goods (list, read, create,
change, delete), goods categories (the tree, create, change, delete, search) and storages.

The catalogue belongs to the network (one item is sold in every branch); the branch in the URL
gives the sale price (its own or the network's), the stock (its warehouses) and the minimum stock
(its sale warehouse). Every operation needs a user token with the «warehouse» right in that branch:
view to read, edit to change. Writes go through the back office's own forms, so the API refuses
what the screens refuse, with the same words. See docs/api.md for the ids of units and VAT rates.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from ninja import Router

from frontdesk.accounts.permissions import Level, Section
from frontdesk.api.auth import require_user
from frontdesk.api.routing import company_or_404, route
from frontdesk.api.wire import (
    invalid,
    json_body,
    not_found,
    ok,
    optional_int,
    optional_path_id,
    page_params,
    parse_datetime,
    path_id,
    query_ids,
    text,
)
from frontdesk.core.money import plain_amount, to_money
from frontdesk.payments.models import Vat
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.forms import CategoryForm, GoodsForm
from frontdesk.warehouse.models import (
    Barcode,
    Goods,
    GoodsCategory,
    GoodsPrice,
    MinimumStock,
    StockMove,
    StockRemain,
    Unit,
    Warehouse,
    WarehouseKind,
    goods_search,
)
from frontdesk.warehouse.quantities import parse_quantity
from frontdesk.warehouse.selling import sale_warehouse

router = Router(tags=["goods and storages"])

# The wire's numeric ids of units and VAT rates, in the order of the choices (docs/api.md).
UNIT_IDS = {unit: number for number, unit in enumerate(Unit.values, 1)}
UNITS_BY_ID = {number: unit for unit, number in UNIT_IDS.items()}
VAT_IDS = {vat: number for number, vat in enumerate(Vat.values, 1)}
VATS_BY_ID = {number: vat for vat, number in VAT_IDS.items()}

GOODS_FIELDS = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": {"type": "string"},
        "article": {"type": "string"},
        "barcode": {"type": "string"},
        "category_id": {"type": "integer"},
        "cost": {"type": "number", "description": "sale price in this branch"},
        "actual_cost": {"type": "number", "description": "purchase price"},
        "sale_unit_id": {"type": "integer"},
        "service_unit_id": {"type": "integer"},
        "unit_equals": {"type": "number"},
        "critical_amount": {"type": "number"},
        "comment": {"type": "string"},
        "vat_id": {"type": "integer"},
    },
}
CATEGORY_FIELDS = {
    "type": "object",
    "required": ["title"],
    "properties": {"title": {"type": "string"}, "parent_category_id": {"type": "integer"}},
}


def _body(schema) -> dict:
    return {"requestBody": {"content": {"application/json": {"schema": schema}}, "required": True}}


def _branch(request, company_id, level=Level.VIEW):
    company = company_or_404(company_id)
    require_user(request, Section.WAREHOUSE, level, company)
    return company


def _number(value) -> str:
    """A quantity as the wire's strings carry it: no trailing zeros ("1000", "0.5")."""
    value = Decimal(value).normalize()
    return f"{value:f}"


# ---------------------------------------------------------------- search (before /goods/{company_id}/{good_id})
def _node(category=None, goods=None) -> dict:
    if goods is not None:
        return {
            "parent_id": goods.category_id or 0,
            "item_id": goods.pk,
            "category_id": 0,
            "title": goods.title,
            "article": goods.article,
            "is_chain": True,
            "is_category": False,
            "is_item": True,
        }
    return {
        "parent_id": category.parent_id or 0,
        "item_id": 0,
        "category_id": category.pk,
        "title": category.title,
        "is_chain": True,  # the catalogue is the network's
        "is_category": True,
        "is_item": False,
    }


@route(router, "GET", "/v1/goods/search/{company_id}", summary="Search goods and goods categories")
def search_goods(request, company_id: str, search_term: str | None = None, max_count: str | None = None):
    """Without `search_term`: the top-level categories. With it: the categories whose name holds
    it, then (up to `max_count` in all) the goods found by name, article or barcode."""
    company = _branch(request, company_id)
    term = text(search_term, 200)
    if not term:
        return ok([_node(category=c) for c in GoodsCategory.objects.filter(parent__isnull=True).order_by("title")])
    limit = optional_int(max_count, "max_count") or 25
    if not 1 <= limit <= 200:
        raise invalid(_("max_count must be between 1 and 200."), "max_count")
    found = [_node(category=c) for c in GoodsCategory.objects.filter(title__icontains=term).order_by("title")[:limit]]
    if len(found) < limit:
        goods = Goods.objects.filter(goods_search(company.chain_id, term), is_archived=False).order_by("title", "pk")
        found += [_node(goods=g) for g in goods[: limit - len(found)]]
    return ok(found)


@route(router, "GET", "/v1/goods/category_node/{company_id}/{category_id}", summary="Get a goods category node")
def get_goods_category_node(
    request, company_id: str, category_id: str, page: str | None = None, count: str | None = None
):
    """The category with its sub-categories (paged)."""
    _branch(request, company_id)
    category = _category_or_404(category_id)
    page_number, size = page_params(page, count, default=25, maximum=200)
    children = GoodsCategory.objects.filter(parent=category).order_by("title", "pk")
    total = children.count()
    rows = children[(page_number - 1) * size : page_number * size]
    node = {**_node(category=category), "children": [_node(category=c) for c in rows], "children_count": total}
    return ok(node, {"page": page_number, "count": total, "total_count": total})


# ---------------------------------------------------------------- goods
def _goods_rows(company, goods: list[Goods]) -> list[dict]:
    """The items as YCLIENTS sends them, with the branch's price, stock and minimum: four queries
    whatever the number of items."""
    ids = [g.pk for g in goods]
    prices = dict(GoodsPrice.objects.filter(company=company, goods_id__in=ids).values_list("goods_id", "price"))
    codes = defaultdict(list)
    for goods_id, code in Barcode.objects.filter(goods_id__in=ids).order_by("id").values_list("goods_id", "code"):
        codes[goods_id].append(code)
    amounts = defaultdict(list)
    remains = StockRemain.unscoped.filter(
        chain_id=company.chain_id, goods_id__in=ids, warehouse__company_id=company.pk, warehouse__is_archived=False
    ).order_by("warehouse_id")
    for goods_id, warehouse_id, quantity in remains.values_list("goods_id", "warehouse_id", "quantity"):
        amounts[goods_id].append((warehouse_id, quantity))
    selling = sale_warehouse(company)
    minimum = {}
    if selling is not None:
        minimum = dict(
            MinimumStock.objects.filter(warehouse=selling, goods_id__in=ids).values_list("goods_id", "quantity")
        )
    return [_goods_json(g, prices.get(g.pk, g.price), codes[g.pk], amounts[g.pk], minimum.get(g.pk)) for g in goods]


def _goods_json(goods: Goods, price, codes, amounts, minimum) -> dict:
    per_sale = goods.units_per_sale
    unit_cost = to_money(goods.purchase_price) / per_sale
    sale_unit, writeoff_unit = Unit(goods.sale_unit), Unit(goods.writeoff_unit)
    return {
        "good_id": str(goods.pk),
        "title": goods.title,
        "value": goods.title,
        "label": goods.title,
        "article": goods.article,
        "category_id": goods.category_id or 0,
        "cost": plain_amount(price),
        "actual_cost": plain_amount(goods.purchase_price),
        "unit_id": str(UNIT_IDS[sale_unit]),
        "unit_short_title": str(sale_unit.label),
        "service_unit_id": str(UNIT_IDS[writeoff_unit]),
        "service_unit_short_title": str(writeoff_unit.label),
        "unit_equals": _number(per_sale),
        "unit_actual_cost": _number(round(unit_cost, 6)),
        "unit_actual_cost_format": f"{_number(round(unit_cost, 2))} / {writeoff_unit.label}",
        "barcode": codes[0] if codes else "",
        "barcodes": codes,
        "vat_id": VAT_IDS[goods.vat],
        "comment": goods.comment,
        "critical_amount": float(minimum) if minimum is not None else 0.0,
        "desired_amount": 0.0,
        # Stock in sale units (bottles), as YCLIENTS counts it; the ledger keeps write-off units.
        "actual_amounts": [
            {"storage_id": str(warehouse_id), "amount": _number(round(quantity / per_sale, 3))}
            for warehouse_id, quantity in amounts
        ],
        "is_archived": goods.is_archived,
        "last_change_date": goods.changed_at.isoformat(),
    }


def _goods_list(request, company_id, good_id, term, page, count, category_id, changed_after, changed_before):
    company = _branch(request, company_id)
    wanted = optional_path_id(good_id)
    goods = Goods.objects.order_by("title", "pk")
    if wanted is not None:
        found = list(goods.filter(pk=wanted))
        if not found:
            raise not_found(_("No such goods item."))
        return ok(_goods_rows(company, found))
    goods = goods.filter(is_archived=False)
    term = text(term, 200)
    if term:
        goods = goods.filter(goods_search(company.chain_id, term))
    category = optional_int(category_id, "category_id")
    if category:
        goods = goods.filter(category_id=category)
    after = parse_datetime(changed_after, company.tz, "changed_after")
    before = parse_datetime(changed_before, company.tz, "changed_before")
    if after is not None:
        goods = goods.filter(changed_at__gte=after)
    if before is not None:
        goods = goods.filter(changed_at__lte=before)
    page_number, size = page_params(page, count, default=25, maximum=200)
    total = goods.count()
    rows = list(goods[(page_number - 1) * size : page_number * size])
    return ok(_goods_rows(company, rows), {"page": page_number, "count": total, "total_count": total})


@route(router, "GET", "/v1/goods/{company_id}/{good_id}", summary="List goods, or get one")
def list_goods(
    request,
    company_id: str,
    good_id: str,
    term: str | None = None,
    page: str | None = None,
    count: str | None = None,
    category_id: str | None = None,
    changed_after: str | None = None,
    changed_before: str | None = None,
):
    """`good_id` 0 or empty: the catalogue's items on sale (paged, filtered); else that item,
    archived ones too. Always a list."""
    return _goods_list(request, company_id, good_id, term, page, count, category_id, changed_after, changed_before)


@route(router, "GET", "/v1/goods/{company_id}", include_in_schema=False)
def list_all_goods(
    request,
    company_id: str,
    term: str | None = None,
    page: str | None = None,
    count: str | None = None,
    category_id: str | None = None,
    changed_after: str | None = None,
    changed_before: str | None = None,
):
    return _goods_list(request, company_id, None, term, page, count, category_id, changed_after, changed_before)


def _form_data(body: dict, goods: Goods | None, company) -> dict:
    """The body as the goods form reads it, over the item's current values (a PUT may send only
    some fields). `cost` is the price in this branch: a new item takes it as the network's price;
    a change that differs from the network's price becomes the branch's own."""
    data = {"sale_unit": Unit.PIECE, "writeoff_unit": Unit.PIECE, "units_per_sale": "1", "vat": Vat.NONE}
    data.update(purchase_price="0", price="0", branch_price="", barcodes="")
    if goods is not None:
        current = GoodsForm(instance=goods, company=company)
        data = {
            name: "" if current.initial.get(name) is None else str(current.initial[name]) for name in current.fields
        }
    for key, (name, limit) in {
        "title": ("title", 200),
        "article": ("article", 64),
        "comment": ("comment", 2000),
    }.items():
        if key in body:
            data[name] = text(body[key], limit)
    if "barcode" in body:
        data["barcodes"] = text(body["barcode"], 400).replace(",", " ")
    if "category_id" in body:
        data["category"] = optional_int(body["category_id"], "category_id") or ""
    if body.get("cost") not in (None, ""):
        if goods is None:
            data["price"] = str(body["cost"])
        else:
            data["branch_price"] = "" if _same_amount(body["cost"], goods.price) else str(body["cost"])
    if "actual_cost" in body:
        data["purchase_price"] = "" if body["actual_cost"] is None else str(body["actual_cost"])
    for key, name in (("sale_unit_id", "sale_unit"), ("service_unit_id", "writeoff_unit")):
        if key in body:
            unit = UNITS_BY_ID.get(optional_int(body[key], key))
            if unit is None:
                raise invalid(_("Unknown unit."), key)
            data[name] = unit
    if "unit_equals" in body:
        data["units_per_sale"] = str(body["unit_equals"])
    if "vat_id" in body:
        vat = VATS_BY_ID.get(optional_int(body["vat_id"], "vat_id"))
        if vat is None:
            raise invalid(_("Unknown VAT rate."), "vat_id")
        data["vat"] = vat
    return data


def _same_amount(value, amount) -> bool:
    try:
        return to_money(value) == to_money(amount)
    except (ValueError, ArithmeticError):
        return False  # the form refuses it with its own words


def _minimum(body: dict):
    if body.get("critical_amount") in (None, ""):
        return None
    try:
        return parse_quantity(str(body["critical_amount"]), allow_zero=True)
    except WarehouseError as exc:
        raise invalid(exc.text, "critical_amount") from None


def _sent(body: dict) -> dict:
    """The fields a client sent: a null is a field it did not fill (clients drop them anyway)."""
    return {key: value for key, value in body.items() if value is not None}


def _save_goods(request, company, body, goods: Goods | None) -> Goods:
    body = _sent(body)
    minimum = _minimum(body)
    data = _form_data(body, goods, company)
    form = GoodsForm(data, instance=goods or Goods(chain_id=company.chain_id), company=company)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise invalid(" ".join(errors), _WIRE_NAMES.get(field, field))
    with transaction.atomic():
        saved = form.save()
        selling = sale_warehouse(company)
        if minimum is not None and selling is not None:
            MinimumStock.objects.update_or_create(
                warehouse=selling, goods=saved, defaults={"quantity": minimum, "chain_id": saved.chain_id}
            )
    return saved


_WIRE_NAMES = {
    "category": "category_id",
    "branch_price": "cost",
    "price": "cost",
    "purchase_price": "actual_cost",
    "sale_unit": "sale_unit_id",
    "writeoff_unit": "service_unit_id",
    "units_per_sale": "unit_equals",
    "barcodes": "barcode",
    "vat": "vat_id",
}


@route(router, "POST", "/v1/goods/{company_id}", summary="Create a goods item", openapi_extra=_body(GOODS_FIELDS))
def create_goods(request, company_id: str):
    company = _branch(request, company_id, Level.EDIT)
    goods = _save_goods(request, company, json_body(request), None)
    return ok(_goods_rows(company, [goods]), {}, status=201)


def _goods_or_404(good_id) -> Goods:
    goods = Goods.objects.filter(pk=path_id(good_id)).first()
    if goods is None:
        raise not_found(_("No such goods item."))
    return goods


@route(
    router, "PUT", "/v1/goods/{company_id}/{good_id}", summary="Change a goods item", openapi_extra=_body(GOODS_FIELDS)
)
def update_goods(request, company_id: str, good_id: str):
    company = _branch(request, company_id, Level.EDIT)
    goods = _goods_or_404(good_id)
    goods = _save_goods(request, company, json_body(request), goods)
    goods.refresh_from_db()
    return ok(_goods_rows(company, [goods]))


@route(router, "DELETE", "/v1/goods/{company_id}/{good_id}", summary="Delete a goods item")
def delete_goods(request, company_id: str, good_id: str):
    """An item never moved in stock is deleted; one with movements is archived instead — the
    ledger keeps naming it — and leaves the lists as a deleted one would."""
    _branch(request, company_id, Level.EDIT)
    goods = _goods_or_404(good_id)
    with transaction.atomic():
        if StockMove.objects.filter(goods=goods).exists():
            goods.is_archived = True
            goods.save(update_fields=["is_archived", "changed_at"])
        else:
            goods.delete()
    return ok(None)


# ---------------------------------------------------------------- categories
def _category_json(category) -> dict:
    return {"id": category.pk, "title": category.title, "parent_category_id": category.parent_id or 0}


def _listed_category(category) -> dict:
    # The list operations type the id as a string, the create / change ones as a number.
    return {**_category_json(category), "id": str(category.pk)}


def _children(request, company_id, parent_category_id):
    _branch(request, company_id)
    parent = optional_int(parent_category_id, "parent_category_id") if parent_category_id else None
    categories = GoodsCategory.objects.order_by("title", "pk")
    if parent:
        if not GoodsCategory.objects.filter(pk=parent).exists():
            raise not_found(_("No such goods category."))
        categories = categories.filter(parent_id=parent)
    else:
        categories = categories.filter(parent__isnull=True)
    return ok([_listed_category(c) for c in categories])


# Before /goods_categories/{company_id}/{parent_category_id}, which would take «multiple» for a branch.
@route(router, "GET", "/v1/goods_categories/multiple/{company_id}", summary="List goods categories by id")
def list_goods_categories_multiple(request, company_id: str, id: str | None = None):  # noqa: A002
    _branch(request, company_id)
    ids = query_ids(request, "id")
    categories = GoodsCategory.objects.filter(pk__in=ids).order_by("title", "pk") if ids else []
    return ok([_listed_category(c) for c in categories])


# One path with the change and the delete below (the same pattern must carry every method of it).
@route(router, "GET", "/v1/goods_categories/{company_id}/{category_id}", summary="List goods categories")
def list_goods_categories(request, company_id: str, category_id: str):
    """The folders inside the category in the path (YCLIENTS' `parent_category_id`; 0: the top level)."""
    return _children(request, company_id, category_id)


@route(router, "GET", "/v1/goods_categories/{company_id}", include_in_schema=False)
def list_top_goods_categories(request, company_id: str):
    return _children(request, company_id, None)


@route(
    router,
    "GET",
    "/v1/company/{company_id}/goods_categories/{parent_category_id}",
    summary="List goods categories (the branch's path)",
)
def list_goods_categories_by_company(request, company_id: str, parent_category_id: str):
    return _children(request, company_id, parent_category_id)


def _save_category(company, body, category):
    body = _sent(body)
    data = {"title": text(body.get("title"), 120) if "title" in body or category is None else category.title}
    if "parent_category_id" in body:
        data["parent"] = optional_int(body["parent_category_id"], "parent_category_id") or ""
    else:
        data["parent"] = (category.parent_id or "") if category else ""
    form = CategoryForm(data, instance=category or GoodsCategory(chain_id=company.chain_id))
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise invalid(" ".join(errors), "parent_category_id" if field == "parent" else field)
    return form.save()


@route(
    router,
    "POST",
    "/v1/goods_categories/{company_id}",
    summary="Create a goods category",
    openapi_extra=_body(CATEGORY_FIELDS),
)
def create_goods_category(request, company_id: str):
    company = _branch(request, company_id, Level.EDIT)
    category = _save_category(company, json_body(request), None)
    return ok(_category_json(category), {}, status=201)


def _category_or_404(category_id) -> GoodsCategory:
    category = GoodsCategory.objects.filter(pk=path_id(category_id)).first()
    if category is None:
        raise not_found(_("No such goods category."))
    return category


@route(
    router,
    "PUT",
    "/v1/goods_categories/{company_id}/{category_id}",
    summary="Change a goods category",
    openapi_extra=_body(CATEGORY_FIELDS),
)
def update_goods_category(request, company_id: str, category_id: str):
    company = _branch(request, company_id, Level.EDIT)
    category = _save_category(company, json_body(request), _category_or_404(category_id))
    return ok(_category_json(category))


@route(router, "DELETE", "/v1/goods_categories/{company_id}/{category_id}", summary="Delete a goods category")
def delete_goods_category(request, company_id: str, category_id: str):
    """Only an empty folder goes: one holding goods or folders is refused (422), as on the screen."""
    _branch(request, company_id, Level.EDIT)
    category = _category_or_404(category_id)
    try:
        with transaction.atomic():
            category.delete()
    except ProtectedError:
        raise invalid(_("The category holds goods or other categories: move them first."), "category_id") from None
    return ok(None)


# ---------------------------------------------------------------- storages
@route(router, "GET", "/v1/storages/{company_id}", summary="List the branch's warehouses")
def list_storages(request, company_id: str):
    company = _branch(request, company_id)
    warehouses = Warehouse.objects.filter(company=company, is_archived=False).order_by("kind", "title", "pk")
    data = [
        {
            "id": w.pk,
            "title": w.title,
            "for_sale": 1 if w.kind == WarehouseKind.GOODS else 0,
            "for_service": 1 if w.kind == WarehouseKind.MATERIALS else 0,
            "comment": "",
        }
        for w in warehouses
    ]
    return ok(data, {"total_count": len(data)})
