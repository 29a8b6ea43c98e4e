"""What online booking tells the modules above it (loyalty listens here, for referral codes that
came with a booking). See docs/extensions.md."""

from frontdesk.core.events import DomainEvent

booked_online = DomainEvent(
    "booking.booked_online",
    payload=("visit", "source"),
    doc=(
        "Sent inside the transaction of a booking made by the client online (the booking page, "
        "the widget, a class, the API's booking), once its records, link and source are written: "
        "visit, source (the BookingSource: channel, UTM tags and the referrer parameter)."
    ),
)
