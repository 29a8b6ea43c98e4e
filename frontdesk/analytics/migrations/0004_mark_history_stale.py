"""An installation with history gets empty fact tables from 0001: mark every local date of every
branch's data stale, so that the first reader recomputes what it reads (or `manage.py
rebuild_analytics` does it all at once) instead of showing zeros."""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import Max, Min


def mark_history(apps, schema_editor):
    Company = apps.get_model("tenancy", "Company")
    Record = apps.get_model("scheduling", "Record")
    Transaction = apps.get_model("finance", "Transaction")
    WorkInterval = apps.get_model("staff", "WorkInterval")
    StaleDay = apps.get_model("analytics", "StaleDay")
    for company in Company.objects.all().iterator():
        zone = ZoneInfo(company.timezone)
        spans = [
            Record.objects.filter(company_id=company.pk).aggregate(low=Min("start"), high=Max("start")),
            Transaction.objects.filter(company_id=company.pk, sale__isnull=False).aggregate(
                low=Min("occurred_at"), high=Max("occurred_at")
            ),
        ]
        dates = [span[key].astimezone(zone).date() for span in spans for key in ("low", "high") if span[key]]
        shifts = WorkInterval.objects.filter(company_id=company.pk).aggregate(low=Min("date"), high=Max("date"))
        dates += [day for day in shifts.values() if day]
        if not dates:
            continue
        low, high = min(dates), max(dates)
        StaleDay.objects.bulk_create(
            [
                StaleDay(
                    chain_id=company.chain_id,
                    company_id=company.pk,
                    date=low + datetime.timedelta(days=n),
                    token=uuid.uuid4(),
                )
                for n in range((high - low).days + 1)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_daily_facts"),
        ("finance", "0005_payment_means"),
        ("scheduling", "0007_record_cancellation_reason"),
        ("staff", "0002_schedule_template"),
        ("tenancy", "0002_company_first_steps_hidden"),
    ]

    operations = [migrations.RunPython(mark_history, migrations.RunPython.noop)]
