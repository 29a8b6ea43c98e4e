from django.db import migrations, models


def backfill(apps, schema_editor):
    """Existing goods get their lower-cased name (Python's lower(): Cyrillic too, which SQLite's
    LOWER() would leave as it is)."""
    Goods = apps.get_model("warehouse", "Goods")
    for goods in Goods.objects.all().only("pk", "title").iterator():
        Goods.objects.filter(pk=goods.pk).update(title_search=goods.title.lower())


class Migration(migrations.Migration):
    dependencies = [
        ("warehouse", "0004_goods_changed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="goods",
            name="title_search",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
