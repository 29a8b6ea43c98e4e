"""Back office: the message log, the templates editor, and Settings → Notifications."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.permissions import Level, Section
from frontdesk.clients.selectors import visible_clients
from frontdesk.core.http import HttpError
from frontdesk.core.phones import format_phone
from frontdesk.notifications import services
from frontdesk.notifications.forms import ChannelSettingsForm, MessageFilterForm, MessageTemplateForm, TestSendForm
from frontdesk.notifications.models import (
    TEMPLATE_EVENTS,
    ChannelKind,
    ChannelSettings,
    Message,
    MessageStatus,
    MessageTemplate,
)
from frontdesk.notifications.outbox import settings_for
from frontdesk.notifications.telegram import register_webhook
from frontdesk.notifications.templating import (
    VARIABLES,
    TemplateError,
    ensure_default_templates,
    render_text,
    sample_variables,
)
from frontdesk.tenancy.permissions import section_required

PAGE_SIZE = 50


def _can_edit_settings(request) -> bool:
    return request.membership.can(Section.SETTINGS, Level.EDIT)


def _result_message(request, message: Message) -> None:
    if message.status == MessageStatus.SENT:
        messages.success(request, _("The test message is sent to %(to)s.") % {"to": format_phone(message.recipient)})
    elif message.status == MessageStatus.CONSOLE:
        messages.warning(
            request,
            _("The test message did not go to %(to)s: %(reason)s.")
            % {"to": format_phone(message.recipient), "reason": _(message.error)},
        )
    elif message.status == MessageStatus.PENDING:
        messages.warning(
            request, _("The gateway did not answer; the message will be retried. %(error)s") % {"error": message.error}
        )
    else:
        messages.error(request, _("The test message was not sent: %(error)s") % {"error": message.error})


# ---------------------------------------------------------------- the log
@section_required(Section.CLIENTS, Level.VIEW)
def message_log(request, company_id):
    if request.membership.own_records_only:
        raise PermissionDenied  # the log shows every client's contacts
    company = request.company
    form = MessageFilterForm(request.GET or None)
    rows = Message.objects.filter(company=company).select_related("client").order_by("-created_at", "-id")
    mailing_id = request.GET.get("mailing", "")
    if mailing_id.isdigit():
        rows = rows.filter(mailing_id=int(mailing_id))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.filter(recipient__icontains=data["q"].strip())
        for name in ("status", "channel", "event"):
            if data[name]:
                rows = rows.filter(**{name: data[name]})
        if data["date_from"]:
            rows = rows.filter(
                created_at__gte=datetime.datetime.combine(data["date_from"], datetime.time(), tzinfo=company.tz)
            )
        if data["date_to"]:
            end = datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time(), tzinfo=company.tz
            )
            rows = rows.filter(created_at__lt=end)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "notifications/_log_rows.html" if request.htmx else "notifications/log.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query,
            "can_see_settings": request.membership.can(Section.SETTINGS, Level.VIEW),
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- templates
@section_required(Section.SETTINGS, Level.VIEW)
def template_list(request, company_id):
    ensure_default_templates(request.company.chain_id)
    templates = list(MessageTemplate.objects.filter(chain_id=request.company.chain_id))
    order = {event: n for n, event in enumerate(TEMPLATE_EVENTS)}
    channels = {kind: n for n, kind in enumerate(ChannelKind.values)}
    templates.sort(key=lambda t: (order.get(t.event, 99), channels.get(t.channel, 9), t.language))
    groups = []
    for template in templates:
        if not groups or groups[-1][0] != template.get_event_display():
            groups.append((template.get_event_display(), []))
        groups[-1][1].append(template)
    return render(request, "notifications/templates.html", {"groups": groups})


def _template(request, message_template_id) -> MessageTemplate:
    """The network's template (404 for another network's, before anything else is told)."""
    template = MessageTemplate.objects.filter(pk=message_template_id).first()
    if template is None:
        raise Http404
    return template


@section_required(Section.SETTINGS, Level.VIEW)
def template_edit(request, company_id, message_template_id):
    template = _template(request, message_template_id)
    can_edit = _can_edit_settings(request)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = MessageTemplateForm(request.POST if request.method == "POST" else None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The template is saved."))
        return redirect("notifications:template", company_id=request.company.pk, message_template_id=template.pk)
    test_form = TestSendForm(initial={"channel": template.channel})
    return render(
        request,
        "notifications/template_edit.html",
        {
            "template": template,
            "form": form,
            "test_form": test_form,
            "can_edit": can_edit,
            "variables": VARIABLES.items(),
            "preview": _preview(template.subject, template.body),
        },
        status=400 if form.errors else 200,
    )


def _preview(subject: str, body: str) -> dict:
    variables = sample_variables()
    try:
        return {"subject": render_text(subject, variables) if subject else "", "body": render_text(body, variables)}
    except TemplateError as error:
        return {"error": str(error)}


@section_required(Section.SETTINGS, Level.VIEW)
def template_preview(request, company_id, message_template_id):
    """The text as a client would read it, with sample data (htmx, while typing)."""
    template = _template(request, message_template_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    subject = request.POST.get("subject", "")[:200]
    body = request.POST.get("body", "")[:2000]
    preview = _preview(subject, body)
    return render(
        request,
        "notifications/_preview.html",
        {"preview": preview, "template": template},
        status=400 if "error" in preview else 200,
    )


@section_required(Section.SETTINGS, Level.EDIT)
def template_test(request, company_id, message_template_id):
    template = _template(request, message_template_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = request.POST.copy()
    data["channel"] = template.channel  # a template is tried on its own channel
    form = TestSendForm(data)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The test message was not sent: %(error)s") % {"error": errors})
    else:
        try:
            sent = services.send_template_test(
                template, company=request.company, recipient=form.cleaned_data["recipient"], user=request.user
            )
        except TemplateError as error:
            messages.error(request, _("The template has an error: %(error)s") % {"error": error})
        else:
            _result_message(request, sent)
    return redirect("notifications:template", company_id=request.company.pk, message_template_id=template.pk)


@section_required(Section.SETTINGS, Level.EDIT)
def template_restore(request, company_id, message_template_id):
    template = _template(request, message_template_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.restore_default(template)
    messages.success(request, _("The default text is back."))
    return redirect("notifications:template", company_id=request.company.pk, message_template_id=template.pk)


# ---------------------------------------------------------------- settings
@section_required(Section.SETTINGS, Level.VIEW)
def channel_settings(request, company_id):
    company = request.company
    network = request.GET.get("level") == "network"
    can_edit = _can_edit_settings(request)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    row = services.settings_row(company.chain, None if network else company)
    form = ChannelSettingsForm(request.POST if request.method == "POST" else None, instance=row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Notification settings are saved."))
        return redirect(request.get_full_path())
    own_row = row.pk is not None
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "network": network,
            "own_row": own_row,
            "can_edit": can_edit,
            "test_form": TestSendForm(initial={"recipient": row.telegram_chat_id} if row.telegram_enabled else None),
        },
        status=400 if form.errors else 200,
    )


@section_required(Section.SETTINGS, Level.EDIT)
@require_POST
def channel_settings_reset(request, company_id):
    """The branch goes back to the network's settings."""
    ChannelSettings.objects.filter(company=request.company).delete()
    messages.success(request, _("This branch uses the network's settings now."))
    return redirect("notifications:settings", company_id=request.company.pk)


@section_required(Section.SETTINGS, Level.EDIT)
@require_POST
def channel_test(request, company_id):
    """The settings page's test button: a short message through the branch's settings."""
    form = TestSendForm(request.POST)
    if form.is_valid():
        sent = services.send_test(
            company=request.company,
            channel=form.cleaned_data["channel"],
            recipient=form.cleaned_data["recipient"],
            subject=_("Test message"),
            body=_("A test message from %(branch)s: the channel works.") % {"branch": request.company.name},
            user=request.user,
        )
        _result_message(request, sent)
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The test message was not sent: %(error)s") % {"error": errors})
    return redirect("notifications:settings", company_id=request.company.pk)


@section_required(Section.SETTINGS, Level.EDIT)
@require_POST
def telegram_connect(request, company_id):
    """Register the network's bot webhook with Telegram, so clients can link their chats."""
    config = settings_for(request.company)
    if not config.telegram_token:
        messages.error(request, _("Enter the bot token first."))
    else:
        try:
            register_webhook(config)
        except HttpError as error:
            messages.error(request, _("Telegram did not accept the webhook: %(error)s") % {"error": error})
        else:
            messages.success(request, _("The bot is connected: clients can link their Telegram now."))
    return redirect("notifications:settings", company_id=request.company.pk)


# ---------------------------------------------------------------- the client card
@section_required(Section.CLIENTS, Level.EDIT)
def client_channel(request, company_id, client_id):
    """Stop (or resume) booking messages to a client on one channel."""
    client = visible_clients(request).filter(pk=client_id).first()
    if client is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    channel = request.POST.get("channel")
    if channel not in ChannelKind.values:
        messages.error(request, _("Unknown channel."))
    else:
        services.set_receiving(client, channel, request.POST.get("receive") == "1")
    return redirect("clients:card", company_id=request.company.pk, client_id=client.pk)
