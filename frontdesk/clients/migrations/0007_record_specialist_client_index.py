"""The list filtered by specialist reads "the clients of this specialist's records"
(`selectors.apply_filters`). With the records' (chain, specialist, block_start) index every one of
a busy specialist's 60,000 records was fetched from the table for its client id; this index holds
the client id itself, so the database reads the index alone. Like 0003, it lives on the
scheduling app's table but serves this app's queries."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clients", "0006_client_stats_sort_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS record_chain_specialist_client "
            "ON scheduling_record (chain_id, specialist_id, client_id)",
            "DROP INDEX IF EXISTS record_chain_specialist_client",
        ),
    ]
