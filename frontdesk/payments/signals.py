"""What online payments tell the modules above them (notifications listens here, to hold a
booking's confirmation and reminders back until its required prepayment is paid). Each event is
sent from payments/online.py inside the transaction that changed the payment; see
docs/extensions.md."""

from frontdesk.core.events import DomainEvent

prepayment_held = DomainEvent(
    "payments.prepayment_held",
    payload=("payment",),
    doc=(
        "Sent inside the booking's transaction when a required online prepayment starts holding "
        "a visit's time: payment (the OnlinePayment, pending, required). Until it is paid the "
        "visit is not confirmed: a listener withdraws what it already told the client."
    ),
)

prepayment_paid = DomainEvent(
    "payments.prepayment_paid",
    payload=("payment",),
    doc=(
        "Sent inside the provider webhook's transaction when an online prepayment of a visit "
        "succeeded in time (its hold not released) and the visit's records are marked prepaid: "
        "payment (the OnlinePayment, succeeded, with its ledger transaction). A required one "
        "lets the visit's confirmation and reminders go."
    ),
)
