from django.urls import path

from frontdesk.notifications import mailings_views, views

app_name = "notifications"

urlpatterns = [
    path("c/<int:company_id>/messages/", views.message_log, name="log"),
    path("c/<int:company_id>/messages/templates/", views.template_list, name="templates"),
    path("c/<int:company_id>/messages/templates/<int:message_template_id>/", views.template_edit, name="template"),
    path(
        "c/<int:company_id>/messages/templates/<int:message_template_id>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path(
        "c/<int:company_id>/messages/templates/<int:message_template_id>/test/",
        views.template_test,
        name="template_test",
    ),
    path(
        "c/<int:company_id>/messages/templates/<int:message_template_id>/restore/",
        views.template_restore,
        name="template_restore",
    ),
    path("c/<int:company_id>/clients/<int:client_id>/messages/", views.client_channel, name="client_channel"),
    path("c/<int:company_id>/settings/notifications/", views.channel_settings, name="settings"),
    path("c/<int:company_id>/settings/notifications/reset/", views.channel_settings_reset, name="settings_reset"),
    path("c/<int:company_id>/settings/notifications/test/", views.channel_test, name="settings_test"),
    path("c/<int:company_id>/settings/notifications/telegram/", views.telegram_connect, name="settings_telegram"),
    path("c/<int:company_id>/messages/mailings/", mailings_views.mailing_list, name="mailings"),
    path("c/<int:company_id>/messages/mailings/new/", mailings_views.mailing_new, name="mailing_new"),
    path("c/<int:company_id>/messages/mailings/<int:mailing_id>/", mailings_views.mailing_detail, name="mailing"),
    path(
        "c/<int:company_id>/messages/mailings/<int:mailing_id>/edit/", mailings_views.mailing_edit, name="mailing_edit"
    ),
    path(
        "c/<int:company_id>/messages/mailings/<int:mailing_id>/progress/",
        mailings_views.mailing_progress,
        name="mailing_progress",
    ),
    path(
        "c/<int:company_id>/messages/mailings/<int:mailing_id>/send/", mailings_views.mailing_send, name="mailing_send"
    ),
    path(
        "c/<int:company_id>/messages/mailings/<int:mailing_id>/cancel/",
        mailings_views.mailing_cancel,
        name="mailing_cancel",
    ),
    path("u/<str:token>/", mailings_views.unsubscribe_page, name="unsubscribe"),
    path("telegram/<int:chain_id>/webhook/", mailings_views.telegram_webhook, name="telegram_webhook"),
]
