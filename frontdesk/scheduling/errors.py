from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "slot_taken": _("This time was just taken. Choose one of the nearest free times."),
    "slot_occupied": _("This time is already taken by another visit. Choose one of the nearest free times."),
    "slot_closed": _(
        "This time is not free: the specialist does not work then, or a room or equipment is busy. "
        "Choose one of the nearest free times."
    ),
    "past": _("This time has already passed."),
    "service_unavailable": _("This service cannot be booked here."),
    "specialist_needed": _("Choose a specialist for every service to overbook on purpose."),
    "no_segments": _("Choose at least one service."),
}


class BookingError(Exception):
    def __init__(self, code: str, alternatives=(), **params):
        self.code = code
        self.alternatives = list(alternatives)
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = str(MESSAGES[self.code])
        return text % self.params if self.params else text


class SlotTaken(BookingError):
    """The asked time is not free. `code` stays "slot_taken" for callers and the API; `reason`
    says what the person is told happened: "slot_occupied" (another visit already holds the time),
    "slot_closed" (nobody works then, or a room is busy) or "slot_taken" (lost a race just now)."""

    def __init__(self, alternatives=(), reason: str = "slot_taken"):
        self.reason = reason
        super().__init__("slot_taken", alternatives)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.reason])


MESSAGES.update(
    {
        "outside_work": _("The specialist does not work at this time or is busy. Choose another time."),
        "not_movable": _("A completed or cancelled record cannot be moved."),
        "bad_transition": _("A record cannot go from “%(from)s” to “%(to)s”."),
        "end_before_start": _("The end must be after the start."),
        "too_long": _("A record cannot be longer than 24 hours."),
        "visit_checked_out": _("This visit is checked out at the cash desk; change it through a refund there."),
    }
)

# The journal's change of a record's services and specialist (services.change_record_services).
MESSAGES.update(
    {
        "not_changeable": _("A completed or cancelled record cannot be changed."),
        "class_record": _("A place in a class is changed on the class's page."),
        "does_not_fit": _(
            "%(specialist)s is busy or not working from %(start)s to %(end)s, so the visit does not fit. "
            "Choose other services or another specialist, or overbook on purpose."
        ),
    }
)
