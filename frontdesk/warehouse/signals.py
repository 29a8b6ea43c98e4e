"""What the warehouse tells the modules above it (payroll and analytics will listen: the cost of
materials per visit, turnover). Sent from warehouse/services.py inside the transaction that wrote
the movement; see docs/extensions.md."""

from frontdesk.core.events import DomainEvent

stock_moved = DomainEvent(
    "warehouse.stock_moved",
    payload=("document", "moves"),
    doc=(
        "Sent inside the transaction of every stock movement (a receipt, sale, consumption, "
        "write-off, transfer, stocktaking adjustment or return), once the lines and the remains are "
        "written, under the remains' row locks: document (the StockDocument), moves (its StockMove "
        "lines, with quantity and value signed: − out of a warehouse, + into one). A listener that "
        "raises rolls the movement back."
    ),
)
