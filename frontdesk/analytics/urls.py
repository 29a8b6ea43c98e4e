from django.urls import path

from frontdesk.analytics import branches, settings_views, views
from frontdesk.analytics.builder import schedule_views
from frontdesk.analytics.builder import views as builder

app_name = "analytics"

A = "c/<int:company_id>/analytics/"
B = A + "builder/"

urlpatterns = [
    path(A, views.index, name="index"),
    path(A + "r/<slug:report_key>/", views.report, name="report"),
    path(A + "branches/", branches.page, name="branches"),
    path(A + "settings/", settings_views.settings_page, name="settings"),
    path(A + "overview/today/", views.overview_today, name="overview_today"),
    path(A + "overview/period/", views.overview_period, name="overview_period"),
    path(B, builder.report_list, name="builder"),
    path(B + "new/", builder.report_new, name="builder_new"),
    path(B + "<int:saved_report_id>/", builder.report_page, name="builder_report"),
    path(B + "<int:saved_report_id>/edit/", builder.report_edit, name="builder_edit"),
    path(B + "<int:saved_report_id>/delete/", builder.report_delete, name="builder_delete"),
    path(B + "<int:saved_report_id>/pin/", builder.report_pin, name="builder_pin"),
    path(A + "email/", schedule_views.subscriptions, name="subscriptions"),
    path(A + "email/<int:subscription_id>/", schedule_views.subscription_edit, name="subscription_edit"),
    path(A + "email/<int:subscription_id>/delete/", schedule_views.subscription_delete, name="subscription_delete"),
]
