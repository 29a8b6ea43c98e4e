"""Roles and section permissions. Checked on the server for every back-office view."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    SPECIALIST = "specialist", _("Specialist")
    ACCOUNTANT = "accountant", _("Accountant")


class Section(models.TextChoices):
    JOURNAL = "journal", _("Journal")
    CLIENTS = "clients", _("Clients")
    FINANCE = "finance", _("Finance")
    LOYALTY = "loyalty", _("Loyalty")
    WAREHOUSE = "warehouse", _("Warehouse")
    PAYROLL = "payroll", _("Payroll")
    ANALYTICS = "analytics", _("Analytics")
    SETTINGS = "settings", _("Settings")


class Level(models.IntegerChoices):
    NONE = 0, _("No access")
    VIEW = 1, _("View")
    EDIT = 2, _("View and edit")


_ALL_EDIT = dict.fromkeys(Section.values, Level.EDIT)

ROLE_DEFAULTS: dict[str, dict[str, int]] = {
    Role.OWNER: _ALL_EDIT,
    Role.MANAGER: _ALL_EDIT,
    Role.ADMINISTRATOR: {
        Section.JOURNAL: Level.EDIT,
        Section.CLIENTS: Level.EDIT,
        Section.FINANCE: Level.EDIT,
        Section.LOYALTY: Level.EDIT,
        Section.WAREHOUSE: Level.EDIT,
        Section.PAYROLL: Level.NONE,
        Section.ANALYTICS: Level.VIEW,
        Section.SETTINGS: Level.NONE,
    },
    Role.SPECIALIST: {
        Section.JOURNAL: Level.EDIT,
        Section.CLIENTS: Level.VIEW,
        Section.FINANCE: Level.NONE,
        Section.LOYALTY: Level.NONE,
        Section.WAREHOUSE: Level.NONE,
        Section.PAYROLL: Level.NONE,
        Section.ANALYTICS: Level.NONE,
        Section.SETTINGS: Level.NONE,
    },
    Role.ACCOUNTANT: {
        Section.JOURNAL: Level.VIEW,
        Section.CLIENTS: Level.NONE,
        Section.FINANCE: Level.EDIT,
        Section.LOYALTY: Level.VIEW,
        Section.WAREHOUSE: Level.EDIT,
        Section.PAYROLL: Level.EDIT,
        Section.ANALYTICS: Level.VIEW,
        Section.SETTINGS: Level.NONE,
    },
}

# Specialists see their own records and clients only, unless the owner widens it.
ROLE_OWN_ONLY_DEFAULT = {Role.SPECIALIST: True}
