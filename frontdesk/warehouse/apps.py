from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarehouseConfig(AppConfig):
    name = "frontdesk.warehouse"
    label = "warehouse"
    verbose_name = _("Warehouse")

    def ready(self):
        from frontdesk.accounts.permissions import Section
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.warehouse import (
            demo,  # noqa: F401  (registers the demo step)
            log_labels,
        )

        register(NavItem("warehouse", _("Warehouse"), "box-seam", "warehouse:index", Section.WAREHOUSE, order=42))
        register_log_labels(log_labels)
        from frontdesk.core.spreadsheets.background import register_importer

        # Imported when a job runs: the goods form reads the catalogue, which needs a tenant scope.
        def goods_importer(job):
            from frontdesk.warehouse.spreadsheets import importer

            return importer(job)

        register_importer("warehouse.goods", goods_importer)
        from frontdesk.core.periodic import register_hourly
        from frontdesk.warehouse.low_stock import send_low_stock_alerts

        register_hourly("warehouse.low_stock", send_low_stock_alerts)

        from frontdesk.warehouse import selling

        selling.register()
        from frontdesk.warehouse import techcards

        # After the goods: every checkout locks goods remains before materials remains, one order.
        techcards.register()
        from frontdesk.core.panels import register_panel
        from frontdesk.warehouse import techcard_views

        register_panel("finance.checkout", "warehouse", techcard_views.checkout_panel)
        register_panel("finance.sale", "warehouse", techcard_views.sale_panel)
        register_panel("catalog.service", "warehouse", techcard_views.service_panel)
