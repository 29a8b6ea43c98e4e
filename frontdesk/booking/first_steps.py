"""The last of the overview's «First steps», which booking owns: the booking link to copy, the
widget code for the salon's site (one for the branch, one per specialist). Done once the branch
has its first booking made online (registered in BookingConfig.ready; see
tenancy/first_steps.py)."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.booking.embeds import one_choice_codes
from frontdesk.booking.models import OnlineBookingSettings
from frontdesk.booking.settings_views import snippets
from frontdesk.scheduling.models import Record, RecordSource
from frontdesk.staff.models import Specialist
from frontdesk.tenancy.first_steps import FirstStep, register_first_step

ONLINE_SOURCES = (RecordSource.ONLINE, RecordSource.WIDGET)


def has_online_booking(company, user) -> bool:
    return Record.objects.filter(company=company, source__in=ONLINE_SOURCES).exists()


def specialist_snippets(request, company) -> list[dict]:
    """Per specialist shown online: their own booking link and the code of a button that opens
    the widget with them chosen (the same codes as the online booking settings, booking.embeds)."""
    rows = []
    for specialist in Specialist.objects.filter(companies=company, is_dismissed=False, hidden_online=False):
        label = _("Book with %(name)s") % {"name": specialist.name}
        codes = one_choice_codes(request, company, specialist=specialist, label=label)
        rows.append({"id": specialist.pk, "name": specialist.name, "link": codes["link"], "code": codes["button"]})
    return rows


def share_detail(request) -> str:
    company = request.company
    return render_to_string(
        "booking/_first_steps_share.html",
        {
            "snippets": snippets(request, company),
            "specialists": specialist_snippets(request, company),
            "enabled": OnlineBookingSettings.for_company(company).enabled,
        },
        request=request,
    )


def register_booking_steps() -> None:
    register_first_step(
        FirstStep(
            "share",
            50,
            gettext_lazy("Share your booking link"),
            gettext_lazy(
                "Put the link in your social profiles and messengers, or the widget on your site: "
                "the step is done with the first booking a client makes online."
            ),
            "booking:settings",
            gettext_lazy("Online booking settings"),
            done=has_online_booking,
            detail=share_detail,
        )
    )
