from decimal import Decimal, InvalidOperation

from django import template

from frontdesk.accounts.permissions import Level, Section
from frontdesk.core.money import format_money
from frontdesk.core.panels import render_panels
from frontdesk.finance.client_money import open_sales, visits_to_check_out

register = template.Library()


@register.filter
def money(value, currency=""):
    """`{{ amount|money:currency }}`: core.money.format_money, for the templates."""
    return format_money(value, currency)


@register.filter
def plain_amount(value):
    """An amount for an <input>: a dot, no grouping, so the browser and the server both read it."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(value):.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value  # what the person typed, shown back as typed


@register.inclusion_tag("finance/_client_money.html", takes_context=True)
def client_money(context, client):
    """The client card's panel of open money in this branch: visits to check out and debts, each
    with its button for whoever may take payments (the pages check it again)."""
    from django.utils import timezone

    request = context["request"]
    membership = getattr(request, "membership", None)
    company = getattr(request, "company", None)
    if membership is None or company is None or not membership.can(Section.FINANCE, Level.VIEW):
        return {"shown": False}
    return {
        "shown": True,
        "request": request,
        "visits": visits_to_check_out(client, company, timezone.now()),
        "sales": open_sales(client, company),
        # Other modules' rows of open money (the payments app: prepayments to give back).
        "more": render_panels("finance.client_money", request, client=client),
        "can_edit": membership.can(Section.FINANCE, Level.EDIT),
        "here": request.get_full_path(),
        "currency": request.chain.currency_symbol,
    }


@register.filter
def may_edit(request, section: str) -> bool:
    """Whether the signed-in member may edit a section (`request|may_edit:"finance"`), for buttons
    that lead there; the views check again."""
    membership = getattr(request, "membership", None)
    return bool(membership and membership.can(section, 2))
