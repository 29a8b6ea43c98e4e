from django.urls import path

from frontdesk.payments import advance_views, public_views, views

app_name = "payments"

F = "c/<int:company_id>/finance/"
urlpatterns = [
    path(F + "receipts/", views.receipts, name="receipts"),
    path(F + "receipts/<int:receipt_id>/", views.receipt_detail, name="receipt"),
    path(F + "receipts/<int:receipt_id>/email/", views.receipt_email, name="receipt_email"),
    path(F + "receipts/<int:receipt_id>/retry/", views.receipt_retry, name="receipt_retry"),
    path(F + "receipts/shift/open/", views.shift_open, name="shift_open"),
    path(F + "receipts/shift/close/", views.shift_close, name="shift_close"),
    path(F + "receipts/settings/", views.settings_page, name="settings"),
    path(F + "prepayments/", advance_views.prepayments, name="prepayments"),
    path(F + "prepayments/<int:online_payment_id>/refund/", advance_views.prepayment_refund, name="prepayment_refund"),
    # Public: the provider's webhook, the test provider's page («pay online» is booking:pay_booking).
    path("payments/webhook/<int:branch_id>/", public_views.webhook, name="webhook"),
    path("payments/test/<str:payment_id>/", public_views.test_pay, name="test_pay"),
]
