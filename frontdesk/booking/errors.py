"""The online booking's own messages, in the same table as the scheduling ones (BookingError)."""

from django.utils.translation import gettext_lazy as _

from frontdesk.scheduling.errors import MESSAGES

MESSAGES.update(
    {
        "class_unavailable": _("This class cannot be booked online."),
        "class_full": _("There are no seats left in this class."),
        "class_joined": _("You are already booked for this class."),
        "class_not_movable": _("A place in a class cannot be moved; cancel it and book another class."),
        "too_late": _("It is too late to change this booking online. Please call the salon."),
    }
)
