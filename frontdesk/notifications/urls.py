from django.urls import path

from frontdesk.notifications import views

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
]
