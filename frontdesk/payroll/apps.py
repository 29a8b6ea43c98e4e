from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "frontdesk.payroll"
    label = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from frontdesk.core.audit_display import register_log_labels
        from frontdesk.core.navigation import NavItem, register
        from frontdesk.payroll import (
            demo,  # noqa: F401  (registers the demo step)
            log_labels,
        )

        # Every member: who may view the payroll section sees the branch's, a specialist their own.
        register(NavItem("payroll", _("Payroll"), "wallet2", "payroll:index", None, order=43))
        register_log_labels(log_labels)

        from frontdesk.finance.signals import sale_settled
        from frontdesk.payroll import listeners
        from frontdesk.scheduling.signals import record_moved

        sale_settled.listen(listeners.sale_settled)
        record_moved.listen(listeners.record_moved)
