"""The words of every client's name, for "starts with" search read in index order
(`models.ClientWord`). On PostgreSQL the word column is collated "C": the range of a prefix
and the order are then by code point, as with SQLite's default collation, whatever the
database's own collation is."""

import django.db.models.deletion
from django.db import migrations, models


def collate_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE clients_clientword ALTER COLUMN word TYPE varchar(150) COLLATE "C"')


def backfill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    ClientWord = apps.get_model("clients", "ClientWord")
    pending = []
    for pk, chain_id, name, name_search in Client.objects.values_list("pk", "chain_id", "name", "name_search").iterator(
        5000
    ):
        for word in dict.fromkeys(name_search.split()):
            pending.append(ClientWord(client_id=pk, chain_id=chain_id, word=word, name=name))
        if len(pending) >= 5000:
            ClientWord.objects.bulk_create(pending)
            pending = []
    ClientWord.objects.bulk_create(pending)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_category_client_index"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=150)),
                ("name", models.CharField(max_length=150)),
                (
                    "chain",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.chain",
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="words", to="clients.client"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["chain", "word", "name", "client"], name="client_word_lookup")],
            },
        ),
        migrations.RunPython(collate_c, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
