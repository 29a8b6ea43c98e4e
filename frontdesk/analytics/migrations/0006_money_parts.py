"""The money parts (`DayMoneyPart`: money by branch × local date × specialist × line kind ×
payment method) start empty: every date that has money facts (`DayMoney`) is marked stale, so the
first reader recomputes both from the ledger (the kinds of `DayMoney` with the shared split,
`money_split`) — or `manage.py rebuild_analytics` does it all at once — instead of the money
reports reading zeros. Dates already stale stay marked."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import frontdesk.core.money


def mark_money_days(apps, schema_editor):
    DayMoney = apps.get_model("analytics", "DayMoney")
    StaleDay = apps.get_model("analytics", "StaleDay")
    batch = []
    for chain_id, company_id, date in DayMoney.objects.values_list("chain_id", "company_id", "date").iterator():
        batch.append(StaleDay(chain_id=chain_id, company_id=company_id, date=date, token=uuid.uuid4()))
        if len(batch) == 2000:
            StaleDay.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    StaleDay.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_client_months"),
        ("staff", "0002_schedule_template"),
        ("tenancy", "0002_company_first_steps_hidden"),
    ]

    operations = [
        migrations.CreateModel(
            name="DayMoneyPart",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("kind", models.CharField(blank=True, max_length=16)),
                ("method", models.CharField(max_length=16)),
                ("taken", frontdesk.core.money.MoneyField(decimal_places=2, default=0, max_digits=14)),
                ("refunded", frontdesk.core.money.MoneyField(decimal_places=2, default=0, max_digits=14)),
                ("checks", models.PositiveIntegerField(default=0)),
                (
                    "chain",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.chain"
                    ),
                ),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.company"
                    ),
                ),
                (
                    "specialist",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="staff.specialist"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["company", "date"], name="analytics_moneypart_day"),
                    models.Index(fields=["chain", "date"], name="analytics_moneypart_chain"),
                ],
            },
        ),
        migrations.RunPython(mark_money_days, migrations.RunPython.noop),
    ]
