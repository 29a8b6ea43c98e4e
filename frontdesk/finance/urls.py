from django.urls import path

from frontdesk.finance import checkout_views, counterparty_views, report_views, views

app_name = "finance"

F = "c/<int:company_id>/finance/"
urlpatterns = [
    path(F, views.accounts, name="accounts"),
    path(F + "accounts/add/", views.account_add, name="account_add"),
    path(F + "accounts/<int:account_id>/", views.account_detail, name="account"),
    path(F + "accounts/<int:account_id>/edit/", views.account_edit, name="account_edit"),
    path(F + "accounts/<int:account_id>/archive/", views.account_archive, name="account_archive"),
    path(F + "accounts/<int:account_id>/shift/open/", views.shift_open, name="shift_open"),
    path(F + "accounts/<int:account_id>/shift/close/", views.shift_close, name="shift_close"),
    path(F + "income/", views.income, name="income"),
    path(F + "expense/", views.expense, name="expense"),
    path(F + "transfer/", views.transfer, name="transfer"),
    path(F + "items/", views.items, name="items"),
    path(F + "items/add/", views.item_add, name="item_add"),
    path(F + "items/<int:payment_item_id>/", views.item_edit, name="item_edit"),
    path(F + "items/<int:payment_item_id>/archive/", views.item_archive, name="item_archive"),
    path(F + "counterparties/", views.counterparties, name="counterparties"),
    path(F + "counterparties/export/", counterparty_views.counterparty_export, name="counterparty_export"),
    path(F + "counterparties/import/", counterparty_views.counterparty_import, name="counterparty_import"),
    path(F + "counterparties/add/", views.counterparty_add, name="counterparty_add"),
    path(F + "counterparties/<int:counterparty_id>/", views.counterparty_edit, name="counterparty_edit"),
    path(
        F + "counterparties/<int:counterparty_id>/archive/",
        views.counterparty_archive,
        name="counterparty_archive",
    ),
    path(F + "checkout/<int:visit_id>/", checkout_views.checkout, name="checkout"),
    path(F + "sales/<int:sale_id>/", checkout_views.sale_detail, name="sale"),
    path(F + "sales/<int:sale_id>/pay/", checkout_views.sale_pay, name="sale_pay"),
    path(F + "sales/<int:sale_id>/refund/", checkout_views.sale_refund, name="sale_refund"),
    path(F + "sales/<int:sale_id>/refund-means/", checkout_views.sale_refund_means, name="sale_refund_means"),
    path(F + "sell/", checkout_views.sell, name="sell"),
    path(F + "reports/", report_views.cash, name="report_cash"),
    path(F + "reports/items/", report_views.items, name="report_items"),
    path(F + "reports/methods/", report_views.methods, name="report_methods"),
    path(F + "reports/debts/", report_views.debts, name="report_debts"),
    path(F + "reports/refunds/", report_views.refunds, name="report_refunds"),
]
