"""What the money side tells the modules above it (the fiscal receipts, online payments, loyalty,
certificates and abonements listen here). Each event is sent from finance/checkout.py inside the
transaction that changed the sale, under the sale's row lock; see docs/extensions.md."""

from frontdesk.core.events import DomainEvent

money_moved = DomainEvent(
    "finance.money_moved",
    payload=("sale", "transactions", "operation", "kind", "receipt_email"),
    doc=(
        "Sent inside the transaction that took or gave back money on a sale, after the sale is "
        "settled: sale, transactions (the rows just posted), operation ('sell' for a checkout or a "
        "debt payment, 'sell_refund' for a refund), kind ('checkout', 'debt', 'counter', 'refund'), "
        "receipt_email (where the client asked the receipt to go, or ''). A listener that writes "
        "rows writes them in the same transaction, so that they exist exactly when the money does."
    ),
)

sale_opened = DomainEvent(
    "finance.sale_opened",
    payload=("sale",),
    doc=(
        "Sent inside the checkout's transaction right after the sale and its lines are written, "
        "before any payment is taken. A listener may attach money the client paid in advance (an "
        "online prepayment) to the sale by pointing its transaction at it; the checkout then counts "
        "it as paid."
    ),
)

sale_settled = DomainEvent(
    "finance.sale_settled",
    payload=("sale", "kind"),
    doc=(
        "Sent inside the transaction after every change of what was paid on a sale — a checkout, a "
        "debt payment, a counter sale, a refund of money or of a loyalty means: sale (settled), kind "
        "('checkout', 'debt', 'counter', 'refund'). Loyalty listens here: it issues the certificates "
        "and abonements a counter sale paid for, accrues bonuses, counts visits and spend."
    ),
)

refund_posted = DomainEvent(
    "finance.refund_posted",
    payload=("sale", "refunds"),
    doc=(
        "Sent last inside a refund's transaction, still under the sale's lock, once everything local "
        "is written (the refund rows, the settled sale, the receipts): sale, refunds — a list of "
        "(original payment, refund row) pairs. A listener that has to give the money back outside "
        "the product (the payment provider of an online payment) does it here; raising a "
        "ValidationError (a FinanceError) rolls the whole refund back, so the ledger never says "
        "'refunded' unless the money went back."
    ),
)

lines_returned = DomainEvent(
    "finance.lines_returned",
    payload=("sale", "returns"),
    doc=(
        "Sent inside a refund's transaction, under the sale's lock, when units of the sale's lines "
        "came back: the ones the desk named, or — when the refund left the sale refunded in full — "
        "all still out. sale (settled), returns — a list of (SaleLine, quantity) pairs, each line "
        "with its `returned` already counted. The module that gave the units out takes them back "
        "here (the warehouse: a client's return into stock); raising rolls the refund back."
    ),
)
