import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def from_creation(apps, schema_editor):
    apps.get_model("warehouse", "Goods").objects.update(changed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0003_stock_move_index_for_reports")]

    operations = [
        migrations.AddField(
            model_name="goods",
            name="changed_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="changed"),
            preserve_default=False,
        ),
        migrations.RunPython(from_creation, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="goods",
            index=models.Index(fields=["chain", "changed_at"], name="warehouse_g_chain_i_cd37d1_idx"),
        ),
    ]
