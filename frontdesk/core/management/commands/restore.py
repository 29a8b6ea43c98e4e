"""Put a backup made by `manage.py backup` back in place. Stop the server and the task worker
first (the command refuses while another process has the database open, unless --force):

    manage.py restore var/backups/frontdesk-20261207-031500.sqlite3

The backup is checked first; the current database and uploaded files are kept beside them as
`….before-restore-<time>`. See docs/operations.md and `core/backups.py`."""

from django.core.management.base import BaseCommand, CommandError

from frontdesk.core import backups


class Command(BaseCommand):
    help = "Restore the SQLite database (and the uploaded files saved with it) from a backup."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The .sqlite3 file made by `manage.py backup`.")
        parser.add_argument("--force", action="store_true", help="Restore even while another process has it open.")
        parser.add_argument("--no-media", action="store_true", help="Leave the uploaded files as they are.")

    def handle(self, *args, backup, force=False, no_media=False, **options):
        try:
            kept = backups.restore(backup, force=force, media=not no_media)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored from {backup}.")
        for path in kept:
            self.stdout.write(f"The previous version is kept in {path}")
