"""The lost-client rule got a floor (clients/lost.py): nobody is lost before 30 days without a
visit. The cached moments that came earlier move to last visit + 30 days; the later ones stay as
they are, exactly what a recount gives (verify_client_stats finds nothing to fix)."""

import datetime

from django.db import migrations
from django.db.models import F

MIN_DAYS = 30  # clients.lost.LOST_MIN_DAYS when this was written


def raise_to_the_floor(apps, schema_editor):
    ClientStats = apps.get_model("clients", "ClientStats")
    floor = F("last_visit") + datetime.timedelta(days=MIN_DAYS)
    ClientStats.objects.filter(lost_after__isnull=False, lost_after__lt=floor).update(lost_after=floor)


class Migration(migrations.Migration):
    dependencies = [("clients", "0010_import_unreadable_cells_and_reading")]

    operations = [migrations.RunPython(raise_to_the_floor, migrations.RunPython.noop)]
