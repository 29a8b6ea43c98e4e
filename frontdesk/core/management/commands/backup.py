"""Back up the embedded SQLite database and the uploaded files while the salon works.

    manage.py backup                   # into var/backups (BACKUP_DIR), keeps every backup
    manage.py backup --keep 14         # keeps the 14 newest
    15 3 * * *  cd /srv/frontdesk && .venv/bin/python manage.py backup --keep 14

On PostgreSQL it says to use pg_dump instead. See docs/operations.md and `core/backups.py`."""

from django.core.management.base import BaseCommand, CommandError

from frontdesk.core import backups


class Command(BaseCommand):
    help = "Copy the SQLite database (a consistent snapshot, taken online) and MEDIA_ROOT into the backup folder."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Folder for the backups (default: BACKUP_DIR, else var/backups).")
        parser.add_argument("--keep", type=int, default=0, help="Keep only this many newest backups (0: all).")

    def handle(self, *args, dir=None, keep=0, **options):
        if keep < 0:
            raise CommandError("--keep must be 0 or more.")
        try:
            made = backups.back_up(dir, keep=keep)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Database: {made.database}")
        if made.media:
            self.stdout.write(f"Uploaded files: {made.media}")
