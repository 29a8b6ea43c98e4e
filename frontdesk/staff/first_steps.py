"""The overview's «First steps» that staff owns: specialists with their services, then their
working days (registered in StaffConfig.ready; see tenancy/first_steps.py)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.staff.models import SpecialistService, WorkInterval
from frontdesk.tenancy.first_steps import FirstStep, register_first_step


def has_bookable_specialist(company, user) -> bool:
    """A working specialist of the branch, shown online, performs one of its services."""
    return SpecialistService.objects.filter(
        specialist__companies=company,
        specialist__is_dismissed=False,
        specialist__hidden_online=False,
        service__company=company,
        service__is_archived=False,
    ).exists()


def has_working_days_ahead(company, user) -> bool:
    """A working specialist has a shift in the branch today or later (the branch's today)."""
    today = timezone.now().astimezone(company.tz).date()
    return WorkInterval.objects.filter(company=company, date__gte=today, specialist__is_dismissed=False).exists()


def register_staff_steps() -> None:
    register_first_step(
        FirstStep(
            "specialists",
            20,
            _("Add your specialists"),
            _("Who does the work, and which services each of them does."),
            "staff:add",
            _("Add a specialist"),
            done=has_bookable_specialist,
        )
    )
    register_first_step(
        FirstStep(
            "schedule",
            30,
            _("Fill in their working days"),
            _("Clients see free times only on the days a specialist works."),
            "staff:schedule",
            _("Open the schedule"),
            done=has_working_days_ahead,
        )
    )
