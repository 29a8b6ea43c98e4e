"""What the event log calls this app's actions and objects, and where their pages are
(read by `core.audit_display.register_log_labels` from `AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "payroll.closed": _("Payroll period closed"),
    "payroll.paid": _("Pay handed out"),
}
PAGES = {
    "payroll.scheme": ("payroll:scheme_edit", "scheme_id"),
}
NAMES = {
    "payroll.line": _("payroll line"),
}
