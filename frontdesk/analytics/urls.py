from django.urls import path

from frontdesk.analytics import settings_views, views

app_name = "analytics"

A = "c/<int:company_id>/analytics/"

urlpatterns = [
    path(A, views.index, name="index"),
    path(A + "r/<slug:report_key>/", views.report, name="report"),
    path(A + "settings/", settings_views.settings_page, name="settings"),
]
