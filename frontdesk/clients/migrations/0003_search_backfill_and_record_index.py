from django.db import migrations


def backfill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    for client in Client.objects.all().only("pk", "name").iterator():
        Client.objects.filter(pk=client.pk).update(name_search=(client.name or "").lower())


class Migration(migrations.Migration):
    """The client list and card read records by client (counts, last visit, the card's history).
    The index lives on the scheduling app's table but serves this app's queries; it is created
    here so that the scheduling app's own migration chain stays untouched."""

    dependencies = [
        ("clients", "0002_card_fields_categories_segments_imports"),
        ("scheduling", "0005_record_index_led_by_chain"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS record_client_status_start ON scheduling_record (client_id, status, start, visit_id)",
            "DROP INDEX IF EXISTS record_client_status_start",
        ),
    ]
