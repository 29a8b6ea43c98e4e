"""The loyalty pages of the back office: programmes, cards with their bonus ledger, issuing a
card and linking a recommendation from the client card, the QR poster and the analytics.
Reading needs VIEW in the loyalty section, every change needs EDIT."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.models import Client
from frontdesk.core.siteurl import absolute_url
from frontdesk.finance.report_views import PeriodForm, sees_network
from frontdesk.loyalty import analytics, ledger, services
from frontdesk.loyalty.card_block import summary
from frontdesk.loyalty.errors import MESSAGES, LoyaltyError
from frontdesk.loyalty.forms import AdjustForm, CategoryRateFormSet, IssueForm, ProgrammeForm, TierFormSet
from frontdesk.loyalty.models import BonusOperation, Card, IssuedVia, Programme, ProgrammeKind, Referral
from frontdesk.tenancy.permissions import section_required

PAGE_SIZE = 50


def _can_edit(request) -> bool:
    return request.membership.can(Section.LOYALTY, Level.EDIT)


# --- Programmes ----------------------------------------------------------------------------


@section_required(Section.LOYALTY, Level.VIEW)
def programmes(request, company_id):
    rows = Programme.objects.prefetch_related("tiers", "branches").annotate(card_count=Count("memberships"))
    return render(
        request, "loyalty/programmes.html", {"programmes": rows, "can_edit": _can_edit(request), "tab": "programmes"}
    )


def _programme_form(request, programme):
    form = ProgrammeForm(request.POST or None, instance=programme, chain=request.chain)
    if "show" in request.POST:
        # "Show the fields of this type" (the page without its script): the same form again for
        # the chosen type, as typed so far, not yet checked.
        posted = form
        form = ProgrammeForm(
            initial={name: posted[name].data for name in posted.fields}, instance=programme, chain=request.chain
        )
    tiers = TierFormSet(request.POST or None, instance=programme, prefix="tiers")
    rates = CategoryRateFormSet(request.POST or None, instance=programme, prefix="rates")
    # Steps and category rates are read, checked and saved only for the types they apply to.
    formsets = [f for f, section in ((tiers, "steps"), (rates, "bonuses")) if form.applies(section)]
    if (
        request.method == "POST"
        and "show" not in request.POST
        and form.is_valid()
        and all(f.is_valid() for f in formsets)
    ):
        kept = tiers in formsets and [f for f in tiers.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if form.cleaned_data["kind"] == ProgrammeKind.CUMULATIVE and not kept:
            form.add_error(None, MESSAGES["tiers_needed"])
        else:
            with transaction.atomic():
                programme = form.save(commit=False)
                programme.chain = request.chain
                programme.save()
                form.save_m2m()
                for formset in formsets:
                    for item in formset.save(commit=False):
                        item.chain_id = request.chain.pk
                        item.programme = programme
                        item.save()
                    for item in formset.deleted_objects:
                        item.delete()
            messages.success(request, _("The programme “%(title)s” is saved.") % {"title": programme.title})
            return redirect("loyalty:programmes", company_id=request.company.pk)
    return render(
        request,
        "loyalty/programme_form.html",
        {"form": form, "tiers": tiers, "rates": rates, "programme": programme, "tab": "programmes"},
        # "Show the fields of this type" (the page without its script) only re-renders the form.
        status=400 if request.method == "POST" and "show" not in request.POST else 200,
    )


@section_required(Section.LOYALTY, Level.EDIT)
def programme_add(request, company_id):
    return _programme_form(request, Programme(chain=request.chain))


@section_required(Section.LOYALTY, Level.EDIT)
def programme_edit(request, company_id, programme_id):
    return _programme_form(request, get_object_or_404(Programme.objects, pk=programme_id))


# --- Cards ---------------------------------------------------------------------------------


@section_required(Section.LOYALTY, Level.VIEW)
def cards(request, company_id):
    rows = Card.objects.select_related("client").prefetch_related("programmes").order_by("-created_at", "-id")
    query = (request.GET.get("q") or "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = Q(client__name_search__contains=query.lower()) | Q(referral_code=query.upper())
        if digits:
            condition |= Q(number__contains=digits) | Q(client__phone__contains=digits)
        rows = rows.filter(condition)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    amounts = ledger.balances([card.pk for card in page])
    for card in page:
        card.balance = amounts.get(card.pk, 0)
    return render(
        request, "loyalty/cards.html", {"page": page, "q": query, "tab": "cards", "can_edit": _can_edit(request)}
    )


def _card(request, card_id) -> Card:
    return get_object_or_404(Card.objects.select_related("client", "company"), pk=card_id)


@section_required(Section.LOYALTY, Level.VIEW)
def card_detail(request, company_id, card_id, *, adjust_form=None, status=200):
    card = _card(request, card_id)
    operations = BonusOperation.objects.filter(card=card).select_related("company", "created_by", "sale")
    page = Paginator(operations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "loyalty/card.html",
        {
            "card": card,
            "summary": summary(card.client),
            "referrals": Referral.objects.filter(referrer_card=card).select_related("newcomer", "discount_sale")[:50],
            "lots": ledger.lots(card),
            "page": page,
            "adjust_form": adjust_form or AdjustForm(),
            "issue_form": IssueForm(company=request.company),
            "can_edit": _can_edit(request),
            "tab": "cards",
        },
        status=status,
    )


@section_required(Section.LOYALTY, Level.EDIT)
def card_adjust(request, company_id, card_id):
    card = _card(request, card_id)
    if request.method != "POST":  # after the lookup: a stranger's id is 404 first
        return HttpResponseNotAllowed(["POST"])
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            ledger.adjust(
                card,
                form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                company=request.company,
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("The bonuses are changed."))
            return redirect("loyalty:card", company_id=request.company.pk, card_id=card.pk)
    return card_detail(request, company_id, card.pk, adjust_form=form, status=400)


@section_required(Section.LOYALTY, Level.EDIT)
def client_issue(request, company_id, client_id):
    """Issue a card to the client (or add programmes to it) from the client card."""
    client = get_object_or_404(Client.objects, pk=client_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = IssueForm(request.POST, company=request.company)
    back = reverse("clients:card", kwargs={"company_id": request.company.pk, "client_id": client.pk})
    if not form.is_valid():
        messages.error(request, MESSAGES["no_programme"])
        return redirect(back)
    try:
        card = services.issue_card(
            client,
            programmes=form.cleaned_data["programmes"],
            company=request.company,
            via=IssuedVia.HAND,
            user=request.user,
        )
    except LoyaltyError as error:
        messages.error(request, error.text)
        return redirect(back)
    messages.success(request, _("Card %(number)s is issued.") % {"number": card.number})
    return redirect(back)


@section_required(Section.LOYALTY, Level.EDIT)
def client_refer(request, company_id, client_id):
    """Link a newcomer to the client who recommended them, by that client's referral code."""
    client = get_object_or_404(Client.objects, pk=client_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = reverse("clients:card", kwargs={"company_id": request.company.pk, "client_id": client.pk})
    try:
        referral = services.refer(client, request.POST.get("code", ""))
    except LoyaltyError as error:
        messages.error(request, error.text)
        return redirect(back)
    messages.success(
        request, _("Recommended by %(name)s.") % {"name": referral.referrer_card.client.name or referral.referrer_card}
    )
    return redirect(back)


# --- The counter: QR poster ------------------------------------------------------------------


@section_required(Section.LOYALTY, Level.VIEW)
def poster(request, company_id):
    import segno

    url = absolute_url(reverse("loyalty:join", kwargs={"branch_id": request.company.pk}), request)
    qr = segno.make(url, error="m").svg_inline(scale=8, dark="#111827")
    open_programmes = [p for p in Programme.objects.filter(is_active=True, self_issue=True) if p.valid_in(company_id)]
    return render(
        request, "loyalty/poster.html", {"qr": qr, "url": url, "programmes": open_programmes, "tab": "poster"}
    )


# --- Analytics -------------------------------------------------------------------------------


@section_required(Section.LOYALTY, Level.VIEW)
def analytics_page(request, company_id):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("first", (today.replace(day=1)).isoformat())
    data.setdefault("last", today.isoformat())
    form = PeriodForm(data)
    results, network = [], False
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        network = form.cleaned_data.get("scope") == "network" and sees_network(request)
        tz = request.company.tz
        period = analytics.Period(
            start=datetime.datetime.combine(first, datetime.time(), tzinfo=tz),
            end=datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=tz),
            company_ids=None if network else [request.company.pk],
        )
        results = analytics.sections(period)
    return render(
        request,
        "loyalty/analytics.html",
        {
            "form": form,
            "results": results,
            "network": network,
            "sees_network": sees_network(request),
            "tab": "analytics",
        },
        status=200 if form.is_valid() else 400,
    )
