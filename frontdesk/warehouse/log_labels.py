"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "stock.receipt": _("Goods received"),
    "stock.sale": _("Goods sold"),
    "stock.consumption": _("Materials written off by a technological card"),
    "stock.write_off": _("Goods written off"),
    "stock.transfer": _("Goods transferred"),
    "stock.adjustment": _("Stocktaking applied"),
    "stock.client_return": _("Goods returned by a client"),
    "stock.supplier_return": _("Goods returned to a supplier"),
    "techcard.lines": _("Materials of a technological card changed"),
}
PAGES = {
    "warehouse.goods": ("warehouse:goods_edit", "goods_id"),
    "warehouse.stockdocument": ("warehouse:document", "stock_document_id"),
    "warehouse.stocktaking": ("warehouse:stocktaking", "stocktaking_id"),
}
