"""Networks that existed before the cash desk get the default payment items too."""

from django.db import migrations

CODES = [
    ("services", "income"),
    ("goods", "income"),
    ("certificates", "income"),
    ("salaries", "expense"),
    ("rent", "expense"),
    ("purchases", "expense"),
    ("utilities", "expense"),
    ("taxes", "expense"),
    ("advertising", "expense"),
]


def add_items(apps, schema_editor):
    Chain = apps.get_model("tenancy", "Chain")
    PaymentItem = apps.get_model("finance", "PaymentItem")
    for chain_id in Chain.objects.values_list("pk", flat=True):
        have = set(PaymentItem.objects.filter(chain_id=chain_id).values_list("code", flat=True))
        rows = [
            PaymentItem(chain_id=chain_id, code=code, kind=kind, sort_order=order)
            for order, (code, kind) in enumerate(CODES)
            if code not in have
        ]
        if "transfer" not in have:
            rows.append(
                PaymentItem(chain_id=chain_id, code="transfer", kind="expense", sort_order=999, is_archived=True)
            )
        PaymentItem.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial"), ("tenancy", "0001_initial")]

    operations = [migrations.RunPython(add_items, migrations.RunPython.noop)]
