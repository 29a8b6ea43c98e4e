from django.urls import path

from frontdesk.analytics import branches, settings_views, views

app_name = "analytics"

A = "c/<int:company_id>/analytics/"

urlpatterns = [
    path(A, views.index, name="index"),
    path(A + "r/<slug:report_key>/", views.report, name="report"),
    path(A + "branches/", branches.page, name="branches"),
    path(A + "settings/", settings_views.settings_page, name="settings"),
    path(A + "overview/today/", views.overview_today, name="overview_today"),
    path(A + "overview/period/", views.overview_period, name="overview_period"),
]
