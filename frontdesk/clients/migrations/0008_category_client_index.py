"""The list filtered by category reads "the cards of this category" (`selectors.apply_filters`).
The link table's own index on the category gave row ids only, so every one of a category's
13,000 links was fetched for its client id; this index holds the client id itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clients", "0007_record_specialist_client_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS client_categories_category_client "
            "ON clients_client_categories (clientcategory_id, client_id)",
            "DROP INDEX IF EXISTS client_categories_category_client",
        ),
    ]
