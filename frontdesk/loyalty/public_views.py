"""The page behind the QR code on the salon's counter: a client confirms the phone by SMS (the
booking pages' phone confirmation, with its limits per phone, address and branch) and gets a
loyalty card in the branch's open programmes. A referral code (?ref=) links the newcomer to the
client who recommended them.

The branch in the URL decides the network's scope; a branch with no programme open to joining by
QR answers 404. POSTs are also limited per address (core.ratelimit)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import translation

from frontdesk.booking.phone_codes import code_context, confirmed_phone, phone_token, request_code, verify_code
from frontdesk.clients.services import find_or_create_client
from frontdesk.core.middleware import client_ip
from frontdesk.core.phones import normalize_phone
from frontdesk.core.ratelimit import ratelimit
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.core.siteurl import absolute_url
from frontdesk.loyalty import ledger, services
from frontdesk.loyalty.errors import LoyaltyError
from frontdesk.loyalty.models import IssuedVia, Programme
from frontdesk.tenancy.models import Company


def _open_programmes(company) -> list[Programme]:
    return [
        p
        for p in Programme.objects.filter(is_active=True, self_issue=True).prefetch_related("branches")
        if p.valid_in(company.pk)
    ]


@ratelimit("loyalty_join", limit=30, window=600)
def join(request, branch_id):
    with scopes_disabled():
        company = Company.unscoped.select_related("chain").filter(pk=branch_id, is_active=True).first()
    if company is None:
        raise Http404
    lang = request.GET.get("lang") or request.POST.get("lang")
    if lang in dict(settings.LANGUAGES):
        translation.activate(lang)
    with scope(company.chain_id):
        programmes = _open_programmes(company)
        if not programmes:
            raise Http404
        return _join(request, company, programmes)


def _join(request, company, programmes):
    ref = (request.POST.get("ref") or request.GET.get("ref") or "").strip()[:12]
    context = {"company": company, "programmes": programmes, "ref": ref}
    token = request.POST.get("phone_token", "")
    phone = confirmed_phone(company.chain_id, token)
    if request.method == "POST" and phone is None:
        context["phone"] = request.POST.get("phone", "")
        context["name"] = request.POST.get("name", "")
        try:
            phone_value = normalize_phone(request.POST.get("phone", ""))
            if request.POST.get("code"):
                token = verify_code(company, phone_value, request.POST["code"])
                phone = phone_value
            else:
                request_code(company, phone_value, client_ip(request))
                context.update(code_context(company, phone_value))
        except ValidationError as error:
            context["error"] = error.messages[0]
            context.update(code_context(company, context["phone"]))
            return render(request, "loyalty/join.html", context, status=400)
    if phone is not None:
        client = find_or_create_client(chain=company.chain, phone=phone, name=request.POST.get("name", ""))
        if ref:
            try:
                services.refer(client, ref)
            except LoyaltyError:
                pass  # a stale or foreign code does not stop the client from joining
        card = services.issue_card(client, programmes=programmes, company=company, via=IssuedVia.QR)
        context.update(
            card=card,
            balance=ledger.balance(card),
            phone_token=token or phone_token(company.chain_id, phone),
            referral_link=absolute_url(f"/book/{company.pk}/?ref={card.referral_code}", request),
        )
    return render(request, "loyalty/join.html", context)
