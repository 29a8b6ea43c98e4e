"""Demo notifications: the network's settings (SMS through the server's console adapter, reminders
a day and two hours before) and its templates. The demo's records were seeded, not booked by
clients just now, so their confirmations are dropped; their reminders stay and go out (to the
console) at their times, which fills the message log as the demo runs."""

import datetime
from decimal import Decimal

from django.utils import timezone

from frontdesk.clients.models import Segment
from frontdesk.notifications.models import ChannelKind, ChannelSettings, Mailing, Message, MessageEvent, MessageStatus
from frontdesk.notifications.outbox import sync_reminders
from frontdesk.notifications.templating import ensure_default_templates
from frontdesk.scheduling.models import Record, upcoming_q
from frontdesk.tenancy.demo import Demo, register_demo_step


@register_demo_step(90)
def demo_notifications(demo: Demo) -> None:
    ChannelSettings.objects.update_or_create(
        chain=demo.chain,
        company=None,
        defaults={
            "language": "ru",
            "sms_enabled": True,
            "reminder_hours": "24, 2",
            "quiet_from": datetime.time(21),
            "quiet_to": datetime.time(9),
            "sms_price": Decimal("2.50"),
            "mailing_rate": 60,
            "thanks_enabled": True,
        },
    )
    # A saved segment and a draft mailing to it: Messages → Mailings shows the preview at once.
    segment, _created = Segment.objects.get_or_create(
        chain=demo.chain, name="Согласны на SMS", defaults={"params": {"consent": "sms"}}
    )
    Mailing.objects.get_or_create(
        chain=demo.chain,
        company=demo.companies[0],
        name="Весенняя акция",
        defaults={
            "channel": ChannelKind.SMS,
            "body": "{{ client_name }}, в {{ branch }} скидка 20% на окрашивание до конца недели! {{ branch_phone }}",
            "segment": segment,
            "created_by": demo.owner,
        },
    )
    ensure_default_templates(demo.chain.pk)
    # Confirmations, staff notices of "online" bookings, thank-yous: all about seeded records.
    Message.objects.filter(chain=demo.chain).exclude(event=MessageEvent.REMINDER).delete()
    Message.objects.filter(chain=demo.chain, status=MessageStatus.CANCELLED).delete()
    # The seeded visits' reminders follow the settings just made (the records were booked first).
    upcoming = (
        Record.objects.filter(upcoming_q(timezone.now()), chain=demo.chain, client__isnull=False)
        .select_related("company", "client")
        .order_by("visit_id", "start")
    )
    seen = set()
    for record in upcoming:
        if record.visit_id not in seen:
            seen.add(record.visit_id)
            sync_reminders(record.visit_id, record.company, record.client)
