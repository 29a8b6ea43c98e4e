from django.core.management.base import BaseCommand
from django.db import transaction

from frontdesk.tenancy import demo


class Command(BaseCommand):
    help = "Create the demo salon network (only if it is not there yet) and print its logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-new", action="store_true", help="Do nothing if the demo network exists.")

    def handle(self, *args, **options):
        if demo.demo_exists():
            if not options["if_new"]:
                self.stdout.write("The demo network exists already.")
        else:
            with transaction.atomic():
                demo.create_demo()
            self.stdout.write(self.style.SUCCESS("The demo network is created."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for who, email in [
            ("owner", demo.OWNER_EMAIL),
            ("administrator", demo.ADMIN_EMAIL),
            ("specialist", demo.SPECIALIST_EMAIL),
        ]:
            self.stdout.write(f"  {who:<14} {email}")
        with transaction.atomic():
            for line in demo.demo_info_lines():
                self.stdout.write(line)
