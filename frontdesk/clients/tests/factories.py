"""Builders for client tests: records written straight to the tables (the booking rules are
tested in scheduling; here only the history matters)."""

import datetime
from decimal import Decimal

from frontdesk.clients.models import Client
from frontdesk.scheduling.models import Record, RecordService, RecordStatus, Visit
from frontdesk.scheduling.tests.factories import make_service, make_specialist

__all__ = ["make_client", "make_record", "make_service", "make_specialist"]


def make_client(tenant, name="Ирина Петрова", phone="+79001234567", **extra) -> Client:
    return Client.objects.create(chain=tenant.chain, name=name, phone=phone, **extra)


def make_record(
    company, client, specialist, service, start, status=RecordStatus.COMPLETED, price=2000, visit=None, **extra
):
    """A one-hour record with one service line, in a visit of its own unless `visit` is given;
    `extra` goes to the record (e.g. overbooked=True for history that overlaps)."""
    end = start + datetime.timedelta(hours=1)
    visit = visit or Visit.objects.create(company=company, chain=company.chain, client=client)
    record = Record.objects.create(
        company=company,
        chain=company.chain,
        visit=visit,
        client=client,
        specialist=specialist,
        start=start,
        end=end,
        block_start=start,
        block_end=end,
        status=status,
        **extra,
    )
    RecordService.objects.create(
        chain=company.chain, record=record, service=service, start=start, duration=60, price=Decimal(price)
    )
    return record
