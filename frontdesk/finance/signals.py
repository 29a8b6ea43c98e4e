"""What the money side tells other parts of the product (the fiscal receipts listen here)."""

from django.dispatch import Signal

# Sent inside the transaction that took or gave back money on a sale, after the sale is settled:
# sender=Sale, sale, transactions (the rows just posted), operation ("sell" for a checkout or a
# debt payment, "sell_refund" for a refund), kind ("checkout", "debt", "refund"), receipt_email
# (where the client asked the receipt to go, or ""). A receiver that writes rows writes them in
# the same transaction, so that they exist exactly when the money does.
money_moved = Signal()

# Sent inside the checkout's transaction right after the sale and its lines are written, before
# any payment is taken: sender=Sale, sale. A receiver may attach money the client paid in
# advance (an online prepayment) to the sale by pointing its transaction at it; the checkout
# then counts it as paid.
sale_opened = Signal()

# Sent inside the transaction after every change of what was paid on a sale — a checkout, a debt
# payment, a counter sale, a refund of money or of a loyalty means: sender=Sale, sale (settled),
# kind ("checkout", "debt", "counter", "refund"). Loyalty listens here: it issues the certificates
# and abonements a counter sale paid for, accrues bonuses, counts visits and spend.
sale_settled = Signal()

# Sent last inside a refund's transaction, still under the sale's lock, once everything local is
# written (the refund rows, the settled sale, the receipts): sender=Sale, sale, refunds — a list of
# (original payment, refund row) pairs. A receiver that has to give the money back outside the
# product (the payment provider of an online payment) does it here; raising a ValidationError
# (a FinanceError) rolls the whole refund back, so the ledger never says «refunded» unless the
# money went back.
refund_posted = Signal()
