"""What the back office does with notifications: save settings, edit templates, send a test."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.audit import log_action
from frontdesk.core.phones import normalize_phone
from frontdesk.notifications.models import (
    ChannelKind,
    ChannelSettings,
    Message,
    MessageAttachment,
    MessageEvent,
    MessageTemplate,
    OptOut,
)
from frontdesk.notifications.outbox import settings_for, wake_worker
from frontdesk.notifications.templating import default_text, render_text, sample_variables
from frontdesk.notifications.worker import send_now


def clean_recipient(channel: str, value: str) -> str:
    value = value.strip()
    if channel == ChannelKind.SMS:
        return normalize_phone(value)
    if channel == ChannelKind.EMAIL:
        validate_email(value)
        return value
    if not value.lstrip("-").isdigit() and not value.startswith("@"):
        raise ValidationError(_("A Telegram chat id is a number (or @channel name)."))
    return value


def settings_row(chain, company=None) -> ChannelSettings:
    """The stored row of a branch (or of the network, company=None), or a new unsaved one that
    starts from what applies now."""
    row = ChannelSettings.objects.filter(chain=chain, company=company).first()
    if row is not None:
        return row
    base = ChannelSettings.objects.filter(chain=chain, company__isnull=True).first() if company else None
    row = ChannelSettings(chain=chain, company=company)
    if base is not None:
        for field in ChannelSettings._meta.concrete_fields:
            if field.name not in ("id", "chain", "company"):
                setattr(row, field.attname, getattr(base, field.attname))
    return row


def send_test(*, company, channel: str, recipient: str, subject: str, body: str, user=None) -> Message:
    """Write a test message to the outbox and send it at once (the gateway's answer is shown)."""
    with transaction.atomic():
        message = Message.objects.create(
            chain_id=company.chain_id,
            company=company,
            event=MessageEvent.TEST,
            channel=channel,
            recipient=recipient,
            subject=subject[:255],
            body=body,
            due_at=timezone.now(),
            created_by=user,
        )
    return send_now(message.pk)


def queue_staff_email(
    *, company, recipient: str, subject: str, body: str, idempotency_key: str, attachments=(), language=""
) -> Message | None:
    """Write a letter to a member of the staff (a scheduled report) to the outbox, with its
    files (`attachments`: (filename, bytes, content type) triples); the worker sends it at once.
    Call it inside the caller's transaction: the letter is gone if that rolls back.
    `idempotency_key` names the reason (the report, the period, the address): a second call with
    the same key writes nothing and returns None."""
    key = f"report:{idempotency_key}"[:64]
    with transaction.atomic():
        if Message.unscoped.filter(idempotency_key=key).exists():
            return None
        message = Message.unscoped.create(
            chain_id=company.chain_id,
            company=company,
            event=MessageEvent.REPORT,
            channel=ChannelKind.EMAIL,
            to_staff=True,
            recipient=recipient,
            subject=subject[:255],
            body=body,
            due_at=timezone.now(),
            language=language or settings_for(company).language,
            idempotency_key=key,
        )
        MessageAttachment.unscoped.bulk_create(
            MessageAttachment(
                chain_id=company.chain_id, message=message, filename=name, content_type=kind, content=content
            )
            for name, content, kind in attachments
        )
    wake_worker(message.due_at)
    return message


def queue_staff_emails(
    *, company, recipients, subject: str, body: str, reason: str, attachments=(), language=""
) -> int:
    """`queue_staff_email` to each of `recipients`, the idempotency key made of `reason` (the
    report and its period, the day's low-stock letter) and a digest of the address; returns how
    many letters were written (one already written for the same reason and address is not)."""
    written = 0
    for address in recipients:
        digest = hashlib.sha256(address.lower().encode()).hexdigest()[:16]
        message = queue_staff_email(
            company=company,
            recipient=address,
            subject=subject,
            body=body,
            idempotency_key=f"{reason}:{digest}",
            attachments=attachments,
            language=language,
        )
        written += message is not None
    return written


def send_template_test(template: MessageTemplate, *, company, recipient: str, user=None) -> Message:
    variables = sample_variables()
    return send_test(
        company=company,
        channel=template.channel,
        recipient=recipient,
        subject=render_text(template.subject, variables) if template.subject else _("Test message"),
        body=render_text(template.body, variables),
        user=user,
    )


def restore_default(template: MessageTemplate) -> MessageTemplate:
    template.subject, template.body = default_text(template.event, template.channel, template.language)
    template.is_active = True
    template.save()
    return template


def set_receiving(client, channel: str, receive: bool) -> None:
    """Whether the client gets booking messages on the channel; the worker checks it before each
    message, so pending reminders stop too. Written to the client's event log."""
    with transaction.atomic():
        if receive:
            changed = OptOut.objects.filter(client=client, channel=channel).delete()[0] > 0
        else:
            _row, changed = OptOut.objects.get_or_create(
                client=client, channel=channel, defaults={"chain_id": client.chain_id}
            )
        if changed:
            log_action(
                client, code="client.messages_on" if receive else "client.messages_off", changes={"channel": channel}
            )
