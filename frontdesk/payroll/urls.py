from django.urls import path

from frontdesk.payroll import payslip_views, reports, scheme_views, views

app_name = "payroll"

P = "c/<int:company_id>/payroll/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "mine/", views.mine, name="mine"),
    path(P + "mine/payslip/", payslip_views.my_payslip, name="my_payslip"),
    path(P + "reports/fund/", reports.fund_page, name="fund"),
    path(P + "reports/fund/export/", reports.fund_export, name="fund_export"),
    path(P + "reports/share/", reports.share_page, name="share"),
    path(P + "reports/share/export/", reports.share_export, name="share_export"),
    path(P + "close/", views.close, name="close"),
    path(P + "settings/", views.settings_page, name="settings"),
    path(P + "export/", views.export, name="export"),
    path(P + "employees/<int:specialist_id>/", views.employee, name="employee"),
    path(P + "employees/<int:specialist_id>/payslip/", payslip_views.employee_payslip, name="payslip"),
    path(P + "employees/<int:specialist_id>/assign/", views.assign, name="assign"),
    path(P + "employees/<int:specialist_id>/entries/", views.entry_add, name="entry_add"),
    path(P + "employees/<int:specialist_id>/payout/", views.payout, name="payout"),
    path(P + "assignments/<int:assignment_id>/end/", views.assignment_end, name="assignment_end"),
    path(P + "assignments/<int:assignment_id>/delete/", views.assignment_delete, name="assignment_delete"),
    path(P + "schemes/", scheme_views.schemes, name="schemes"),
    path(P + "schemes/add/", scheme_views.scheme_add, name="scheme_add"),
    path(P + "schemes/<int:scheme_id>/", scheme_views.scheme_edit, name="scheme_edit"),
    path(P + "schemes/<int:scheme_id>/rates/", scheme_views.rule_add, name="rule_add"),
    path(P + "rates/<int:scheme_rule_id>/delete/", scheme_views.rule_delete, name="rule_delete"),
]
