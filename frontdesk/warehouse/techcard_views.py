"""Technological cards on screen: the list of the branch's services with their cards, the card
editor (materials only), the checkout's «Materials» block (the amounts typed before payment) and
the paid visit's correction. Reading needs VIEW in the warehouse section, every change EDIT.
No script: plain forms, so the pages keep the strict CSP."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.catalog.models import Service
from frontdesk.core.money import format_money
from frontdesk.core.redirects import next_from
from frontdesk.finance.models import LineKind, Sale, SaleLine
from frontdesk.scheduling.models import Visit
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.permissions import section_required
from frontdesk.warehouse.errors import WarehouseError
from frontdesk.warehouse.models import Goods, StockRemain, TechCard, TechCardLine
from frontdesk.warehouse.services import ZERO, shown
from frontdesk.warehouse.techcards import (
    add_card,
    correct_materials,
    materials,
    materials_warehouse,
    plan_materials,
    sale_materials,
    set_card_lines,
    visit_materials,
)

AMOUNT = "m_"  # m_<line>_<goods>: an amount shown; add_goods_<line> / add_amount_<line>: one more


def _can(request, level) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.can(Section.WAREHOUSE, level)


def typed_amounts(data, keys) -> dict[int, dict[int, str]]:
    """{line key: {goods id: amount as typed}} from a materials form: every shown amount and, per
    line, the material added in its last row (a material already listed is refused)."""
    found: dict[int, dict[int, str]] = {key: {} for key in keys}
    for name, value in data.items():
        parts = name.split("_")
        if name.startswith(AMOUNT) and len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            key = int(parts[1])
            if key in found:
                found[key][int(parts[2])] = value
    for key in keys:
        goods_id = data.get(f"add_goods_{key}", "")
        if goods_id.isdigit():
            if int(goods_id) in found[key]:
                item = Goods.objects.filter(pk=int(goods_id)).first()
                raise WarehouseError("material_twice", goods=item.title if item else goods_id)
            found[key][int(goods_id)] = data.get(f"add_amount_{key}", "")
    return found


@section_required(Section.WAREHOUSE, Level.VIEW)
def techcards(request, company_id):
    services = list(Service.objects.filter(company=request.company, is_archived=False).order_by("title", "id"))
    cards: dict[int, list[TechCard]] = {}
    for card in (
        TechCard.objects.filter(service__in=services)
        .select_related("specialist")
        .prefetch_related("lines__goods")
        .order_by("specialist__name", "duration", "id")
    ):
        cards.setdefault(card.service_id, []).append(card)
    for service in services:
        service.cards = cards.get(service.pk, [])
    return render(
        request,
        "warehouse/techcards.html",
        {
            "services": services,
            "specialists": Specialist.objects.filter(companies=request.company).order_by("name"),
            "can_edit": _can(request, Level.EDIT),
            "warehouse_tab": "techcards",
        },
    )


@section_required(Section.WAREHOUSE, Level.EDIT)
def techcard_add(request, company_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = request.POST
    try:
        card = add_card(request.company, data.get("service", ""), data.get("specialist", ""), data.get("duration", ""))
    except WarehouseError as refused:
        messages.error(request, refused.text)
        return redirect("warehouse:techcards", company_id=request.company.pk)
    return redirect("warehouse:techcard", company_id=request.company.pk, techcard_id=card.pk)


@section_required(Section.WAREHOUSE, Level.VIEW)
def techcard(request, company_id, techcard_id):
    card = get_object_or_404(TechCard.objects.select_related("service", "specialist"), pk=techcard_id)
    can_edit = _can(request, Level.EDIT)
    error = ""
    if request.method == "POST":
        if not can_edit:
            return redirect("warehouse:techcard", company_id=request.company.pk, techcard_id=card.pk)
        try:
            set_card_lines(card, typed_amounts(request.POST, [card.pk])[card.pk])
        except WarehouseError as refused:
            error = refused.text
        else:
            messages.success(request, _("The card is saved."))
            return redirect("warehouse:techcard", company_id=request.company.pk, techcard_id=card.pk)
    lines = list(TechCardLine.objects.filter(card=card).select_related("goods").order_by("goods__title", "id"))
    listed = {line.goods_id for line in lines}
    return render(
        request,
        "warehouse/techcard.html",
        {
            "card": card,
            "lines": lines,
            "choices": [g for g in materials(request.chain.pk).order_by("title", "id") if g.pk not in listed],
            "can_edit": can_edit,
            "error": error,
            "typed": request.POST if error else {},
            "warehouse_tab": "techcards",
        },
    )


@section_required(Section.WAREHOUSE, Level.EDIT)
def techcard_delete(request, company_id, techcard_id):
    card = get_object_or_404(TechCard.objects, pk=techcard_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    card.delete()
    messages.success(request, _("The card is deleted."))
    return redirect("warehouse:techcards", company_id=request.company.pk)


@section_required(Section.WAREHOUSE, Level.EDIT)
def visit_materials_save(request, company_id, visit_id):
    visit = get_object_or_404(Visit.objects, pk=visit_id, company=request.company)
    back = next_from(request) or reverse("finance:checkout", kwargs={"company_id": company_id, "visit_id": visit.pk})
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    keys = [int(key) for key in request.POST.getlist("line") if key.isdigit()]
    try:
        plan_materials(visit, typed_amounts(request.POST, keys), user=request.user)
    except WarehouseError as refused:
        messages.error(request, refused.text)
    else:
        messages.success(request, _("The visit's materials are saved: the checkout writes these amounts off."))
    return redirect(back)


@section_required(Section.WAREHOUSE, Level.EDIT)
def sale_materials_save(request, company_id, sale_id):
    sale = get_object_or_404(Sale.objects, pk=sale_id, company=request.company)
    back = next_from(request) or reverse("finance:sale", kwargs={"company_id": company_id, "sale_id": sale.pk})
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    keys = [int(key) for key in request.POST.getlist("line") if key.isdigit()]
    try:
        document = correct_materials(sale, typed_amounts(request.POST, keys), user=request.user)
    except WarehouseError as refused:
        messages.error(request, refused.text)
    else:
        if document is None:
            messages.info(request, _("The amounts are the same: nothing was written off."))
        else:
            messages.success(request, _("The materials are corrected: %(document)s.") % {"document": document})
    return redirect(back)


def _in_stock(store, goods_ids) -> dict[int, object]:
    if store is None or not goods_ids:
        return {}
    return dict(
        StockRemain.unscoped.filter(warehouse=store, goods_id__in=goods_ids).values_list("goods_id", "quantity")
    )


def checkout_panel(request, visit=None, **kwargs) -> str:
    """Slot «finance.checkout»: the visit's materials by card (or as typed), collapsed; editable
    with EDIT in the warehouse section. Nothing when the branch has no materials warehouse or
    the visit is paid. A fixed number of queries."""
    if visit is None or not _can(request, Level.VIEW):
        return ""
    store = materials_warehouse(request.company)
    if store is None:
        return ""
    rows = visit_materials(visit)
    if not rows:
        return ""
    left = _in_stock(store, {item.pk for _line, planned, _typed in rows for item in planned})
    lines = [
        {
            "key": line.pk,
            "title": line.service.title,
            "typed": typed,
            "rows": [
                {
                    "goods": item,
                    "quantity": amount,
                    "note": _("%(quantity)s in stock") % {"quantity": shown(left.get(item.pk, 0))},
                }
                for item, amount in planned.items()
            ],
        }
        for line, planned, typed in rows
    ]
    return render_to_string(
        "warehouse/_checkout_materials.html",
        {
            "lines": lines,
            "count": sum(len(line["rows"]) for line in lines),
            "store": store,
            "choices": list(materials(request.chain.pk).order_by("title", "id")),
            "can_edit": _can(request, Level.EDIT),
            "action": reverse(
                "warehouse:visit_materials", kwargs={"company_id": request.company.pk, "visit_id": visit.pk}
            ),
            "back": request.get_full_path(),
        },
        request=request,
    )


def sale_panel(request, sale=None, **kwargs) -> str:
    """Slot «finance.sale»: what a visit's service lines used and its cost, with the correction
    form (EDIT in the warehouse section). A fixed number of queries."""
    if sale is None or not sale.visit_id or not _can(request, Level.VIEW):
        return ""
    currency = request.chain.currency_symbol
    used = sale_materials(sale)
    store = materials_warehouse(request.company)
    if not used and store is None:
        return ""
    lines = []
    for sold in SaleLine.unscoped.filter(sale_id=sale.pk, kind=LineKind.SERVICE).order_by("position", "id"):
        entries = [entry for entry in used.get(sold.pk, {}).values() if entry.quantity or entry.cost]
        lines.append(
            {
                "key": sold.pk,
                "title": sold.title,
                "rows": [
                    {"goods": e.goods, "quantity": e.quantity, "note": format_money(e.cost, currency)} for e in entries
                ],
                "cost": sum((entry.cost for entry in entries), ZERO),
            }
        )
    return render_to_string(
        "warehouse/_sale_materials.html",
        {
            "lines": lines,
            "total": sum((line["cost"] for line in lines), ZERO),
            "choices": list(materials(request.chain.pk).order_by("title", "id")),
            "can_edit": _can(request, Level.EDIT),
            "action": reverse(
                "warehouse:sale_materials", kwargs={"company_id": request.company.pk, "sale_id": sale.pk}
            ),
            "back": request.get_full_path(),
            "currency": currency,
        },
        request=request,
    )


def service_panel(request, service=None, **kwargs) -> str:
    """Slot «catalog.service»: the service's cards, with a link to the editor."""
    if service is None or not service.pk or not _can(request, Level.VIEW):
        return ""
    cards = list(
        TechCard.objects.filter(service=service)
        .select_related("specialist")
        .prefetch_related("lines__goods")
        .order_by("specialist__name", "duration", "id")
    )
    return render_to_string(
        "warehouse/_service_cards.html",
        {"service": service, "cards": cards, "can_edit": _can(request, Level.EDIT)},
        request=request,
    )
