from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.permissions import Section
from frontdesk.core.navigation import NavItem, register


def register_menu():
    register(NavItem("classes", _("Classes"), "people", "classes:list", Section.JOURNAL, order=15))
    register(NavItem("waitlist", _("Waiting list"), "hourglass-split", "classes:waitlist", Section.JOURNAL, order=16))
