"""Mass mailing benchmark (issue 9): a network with 10,000 clients (generated once, kept in the
benchmarks' own database) and a saved segment of all of them. Prints the time to queue an SMS
mailing to the segment (preview included separately) and the sending rate the worker reaches
with the console SMS adapter at the configured speed.

    .venv/bin/python bench/mailing.py                       # SQLite, 10,000 clients, 600/min
    .venv/bin/python bench/mailing.py --rate 6000 --send-seconds 20
    DATABASE_URL=postgres://… .venv/bin/python bench/mailing.py
"""

import argparse
import os
import sys
import time
from decimal import Decimal

os.environ.setdefault("SMS_BACKEND", "frontdesk.core.sms.ConsoleSmsBackend")
os.environ.setdefault("NOTIFY_WAKE_WORKER", "0")  # the bench runs the worker loop itself

from _setup import django_setup  # noqa: E402

django_setup()

import logging  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from frontdesk.clients.models import Client, Segment  # noqa: E402
from frontdesk.core.scopes import scope  # noqa: E402
from frontdesk.notifications import mailings  # noqa: E402
from frontdesk.notifications.models import (  # noqa: E402
    ChannelSettings,
    Mailing,
    Message,
    MessageStatus,
)
from frontdesk.notifications.worker import deliver_due  # noqa: E402
from frontdesk.tenancy.models import Chain, Company  # noqa: E402

CHAIN = "Mailing benchmark"
logging.getLogger("frontdesk").setLevel(logging.WARNING)  # the console adapter logs every SMS


def setup(total: int, rate: int):
    chain, _ = Chain.objects.get_or_create(name=CHAIN)
    company = Company.unscoped.filter(chain=chain).first() or Company.unscoped.create(
        chain=chain, name="Филиал рассылок", timezone="Europe/Moscow", onboarded=True, phone="+74950000000"
    )
    with scope(chain):
        ChannelSettings.objects.update_or_create(
            chain=chain,
            company=None,
            defaults={
                "language": "ru",
                "sms_enabled": True,
                "sms_price": Decimal("2.50"),
                "mailing_rate": rate,
                "quiet_from": None,
                "quiet_to": None,
                "reminder_hours": "",
            },
        )
        have = Client.objects.filter(chain=chain).count()
        if have < total:
            print(f"generating clients {have}…{total}", file=sys.stderr)
            with transaction.atomic():
                Client.objects.bulk_create(
                    [
                        Client(
                            chain=chain,
                            name=f"Клиент {n}",
                            name_search=f"клиент {n}",
                            phone=f"+7901{n:07d}",
                            # 9 in 10 agree to SMS marketing: the rest are counted as left out.
                            sms_consent=n % 10 != 0,
                        )
                        for n in range(have, total)
                    ],
                    batch_size=1000,
                )
        segment, _ = Segment.objects.get_or_create(chain=chain, name="Все", defaults={"params": {"sort": "name"}})
        # Earlier runs' mailings would hold the branch's queue (the speed is per branch).
        Message.objects.filter(company=company, mailing__isnull=False, status=MessageStatus.PENDING).update(
            status=MessageStatus.CANCELLED
        )
    return chain, company, segment


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=600, help="messages per minute (the branch's setting)")
    parser.add_argument("--send-seconds", type=float, default=20, help="how long to run the worker")
    args = parser.parse_args()
    chain, company, segment = setup(args.clients, args.rate)
    with scope(chain):
        mailing = Mailing.objects.create(
            chain=chain,
            company=company,
            name=f"Bench {timezone.now():%H:%M:%S}",
            body="{{ client_name }}, в {{ branch }} скидка 20% до воскресенья! Запись: {{ branch_phone }}",
            segment=segment,
        )
        started = time.perf_counter()
        preview = mailings.preview(mailing)
        preview_seconds = time.perf_counter() - started
        started = time.perf_counter()
        queued = mailings.queue_mailing(mailing)
        queue_seconds = time.perf_counter() - started
    print(f"database: {connection.vendor}; clients in the segment: {args.clients:,}")
    print(
        f"preview: {preview['recipients']:,} recipients, {preview['excluded']:,} left out, "
        f"{preview['parts']} SMS parts each, cost {preview['cost']} — {preview_seconds:.2f} s"
    )
    print(f"queue: {queued:,} messages written in {queue_seconds:.2f} s (target < 5 s)")

    # The worker as `send_due_messages --loop` runs it: take what is due, look again shortly.
    started = time.perf_counter()
    sent = 0
    while time.perf_counter() - started < args.send_seconds:
        sent += deliver_due(limit=200)
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    times = sorted(
        Message.unscoped.filter(mailing=mailing, status=MessageStatus.SENT).values_list("sent_at", flat=True)
    )
    # The messages that came due while the mailing was being written go out at once; the rate
    # is measured after that first catch-up (from 5 s after the first message on).
    steady = [t for t in times if times and (t - times[0]).total_seconds() >= 5]
    span = (steady[-1] - steady[0]).total_seconds() if len(steady) > 1 else 0
    achieved = (len(steady) - 1) / span * 60 if span else 0
    print(
        f"send: {sent:,} messages in {elapsed:.1f} s; steady rate {achieved:,.0f} per minute "
        f"(configured {args.rate:,} per minute, console SMS adapter, one worker)"
    )
    with scope(chain):
        mailings.cancel_mailing(mailing)  # the rest would only wait for the next run


if __name__ == "__main__":
    main()
