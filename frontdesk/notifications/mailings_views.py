"""Back office: mass mailings (compose, preview, send or schedule, progress, cancel), and the two
public endpoints of notifications: the unsubscribe page and the Telegram bot's webhook."""

from __future__ import annotations

import datetime
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.selectors import MAILING_SELECTION
from frontdesk.core.ratelimit import ratelimit
from frontdesk.notifications import mailings, telegram, unsubscribe
from frontdesk.notifications.forms import MailingForm, ScheduleForm
from frontdesk.notifications.models import AudienceKind, Mailing, MailingStatus
from frontdesk.tenancy.models import Chain
from frontdesk.tenancy.permissions import section_required


def _mailing(request, mailing_id) -> Mailing:
    """The branch's mailing (404 for another branch's or network's)."""
    if request.membership.own_records_only:
        raise PermissionDenied  # a mailing reaches every client, not only one's own
    mailing = (
        Mailing.objects.filter(pk=mailing_id, company=request.company)
        .select_related("company__chain", "segment", "specialist", "group_event__service")
        .first()
    )
    if mailing is None:
        raise Http404
    return mailing


def _can_edit(request) -> bool:
    return request.membership.can(Section.CLIENTS, Level.EDIT) and not request.membership.own_records_only


@section_required(Section.CLIENTS, Level.VIEW)
def mailing_list(request, company_id):
    if request.membership.own_records_only:
        raise PermissionDenied
    rows = Mailing.objects.filter(company=request.company).select_related("segment")[:200]
    today = timezone.now().astimezone(request.company.tz).date()
    return render(
        request,
        "notifications/mailings.html",
        {
            "mailings": rows,
            "today": today,
            "tomorrow": today + datetime.timedelta(days=1),
            "can_edit": _can_edit(request),
            "can_see_settings": request.membership.can(Section.SETTINGS, Level.VIEW),
        },
    )


@section_required(Section.CLIENTS, Level.EDIT)
def mailing_new(request, company_id):
    """Compose. The audience may come pre-filled from a link ("everyone booked on this day",
    "everyone in this class"): ?audience=day&day=2026-12-24, ?audience=class&group_event=7."""
    if request.membership.own_records_only:
        raise PermissionDenied
    initial = {
        key: request.GET[key]
        for key in ("kind", "audience", "day", "day_to", "specialist", "group_event", "segment")
        if request.GET.get(key)
    }
    if initial.get("audience") not in AudienceKind.values:
        initial.pop("audience", None)
    # "Send a message" in the client list leaves its choice in the session.
    chosen = request.session.get(MAILING_SELECTION) or {}
    selection = (
        {k: v for k, v in chosen.items() if k != "company"} if chosen.get("company") == request.company.pk else {}
    )
    form = MailingForm(request.POST or None, initial=initial, company=request.company, selection=selection)
    if request.method == "POST" and form.is_valid():
        mailing = form.save(commit=False)
        mailing.company = request.company
        mailing.chain_id = request.company.chain_id
        mailing.created_by = request.user
        if mailing.audience == AudienceKind.CLIENTS:
            mailing.selection = selection
            request.session.pop(MAILING_SELECTION, None)
        mailing.save()
        return redirect("notifications:mailing", company_id=request.company.pk, mailing_id=mailing.pk)
    return render(
        request, "notifications/mailing_edit.html", {"form": form, "mailing": None}, status=400 if form.errors else 200
    )


@section_required(Section.CLIENTS, Level.EDIT)
def mailing_edit(request, company_id, mailing_id):
    mailing = _mailing(request, mailing_id)
    if mailing.status != MailingStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("notifications:mailing", company_id=request.company.pk, mailing_id=mailing.pk)
    form = MailingForm(request.POST or None, instance=mailing, company=request.company, selection=mailing.selection)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("notifications:mailing", company_id=request.company.pk, mailing_id=mailing.pk)
    return render(
        request,
        "notifications/mailing_edit.html",
        {"form": form, "mailing": mailing},
        status=400 if form.errors else 200,
    )


@section_required(Section.CLIENTS, Level.VIEW)
def mailing_detail(request, company_id, mailing_id):
    """A draft: the preview (recipients, left out, SMS parts and cost) and the send buttons. A
    scheduled mailing: when, and cancel. Sending or done: the progress and results."""
    mailing = _mailing(request, mailing_id)
    context = {"mailing": mailing, "can_edit": _can_edit(request)}
    if mailing.status == MailingStatus.DRAFT:
        try:
            context["preview"] = mailings.preview(mailing)
        except mailings.MailingError as error:
            context["invalid"] = str(error)  # the page says what to change; nothing can be sent
        context["schedule_form"] = ScheduleForm()
    elif mailing.status != MailingStatus.SCHEDULED:
        context["progress"] = mailings.progress(mailing)
    return render(request, "notifications/mailing.html", context)


@section_required(Section.CLIENTS, Level.VIEW)
def mailing_progress(request, company_id, mailing_id):
    """The progress block (htmx polls it while the mailing is being sent)."""
    mailing = _mailing(request, mailing_id)
    return render(
        request, "notifications/_mailing_progress.html", {"mailing": mailing, "progress": mailings.progress(mailing)}
    )


@section_required(Section.CLIENTS, Level.EDIT)
def mailing_send(request, company_id, mailing_id):
    mailing = _mailing(request, mailing_id)  # another branch's mailing: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("when") == "later":
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the date and time to send it at."))
        else:
            try:
                # The branch's zone is the request's (tenancy.middleware): the form read branch time.
                mailings.schedule_mailing(mailing, form.cleaned_data["send_at"])
            except mailings.MailingError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The mailing is scheduled."))
    else:
        if mailing.status not in (MailingStatus.DRAFT, MailingStatus.SCHEDULED):
            messages.error(request, _("This mailing has already been sent or cancelled."))
        else:
            try:
                count = mailings.queue_mailing(mailing)
            except mailings.MailingError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The mailing is queued: %(count)s messages.") % {"count": count})
    return redirect("notifications:mailing", company_id=request.company.pk, mailing_id=mailing.pk)


@section_required(Section.CLIENTS, Level.EDIT)
def mailing_cancel(request, company_id, mailing_id):
    mailing = _mailing(request, mailing_id)  # another branch's mailing: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        dropped = mailings.cancel_mailing(mailing)
    except mailings.MailingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The mailing is cancelled; %(count)s messages will not go out.") % {"count": dropped}
        )
    return redirect("notifications:mailing", company_id=request.company.pk, mailing_id=mailing.pk)


# ---------------------------------------------------------------- public
@ratelimit("unsubscribe", limit=20, window=600, methods=("GET", "POST"))
def unsubscribe_page(request, token):
    """The link at the end of marketing email: one button withdraws email marketing consent."""
    client = unsubscribe.client_for_token(token)
    if client is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    context = {"client": client}
    if request.method == "POST":
        unsubscribe.withdraw_email_consent(client)
        context["done"] = True
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "notifications/unsubscribe.html", context)


@csrf_exempt
@ratelimit("telegram-webhook", limit=600, window=60)
def telegram_webhook(request, chain_id):
    """Telegram's updates for a network's bot. Only Telegram knows the secret header (it was
    given to Telegram by setWebhook); anything else gets 403. The answer to a command is sent
    back in the webhook's response (Telegram's "reply in the webhook" form)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not constant_time_compare(secret, telegram.webhook_secret(chain_id)):
        return HttpResponse(status=403)
    try:
        update = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(update, dict):
        return HttpResponse(status=400)
    if not Chain.objects.filter(pk=chain_id).exists():
        return HttpResponse(status=404)
    reply = telegram.handle_update(chain_id, update)
    if reply is None:
        return HttpResponse(status=200)
    chat_id = update["message"]["chat"]["id"]
    return JsonResponse({"method": "sendMessage", "chat_id": chat_id, "text": reply})
