from django.urls import path

from frontdesk.staff import views

app_name = "staff"

urlpatterns = [
    path("c/<int:company_id>/staff/", views.staff_list, name="list"),
    path("c/<int:company_id>/staff/add/", views.staff_add, name="add"),
    path("c/<int:company_id>/staff/export/", views.staff_export, name="export"),
    path("c/<int:company_id>/staff/import/", views.staff_import, name="import"),
    path("c/<int:company_id>/staff/<int:specialist_id>/", views.staff_edit, name="edit"),
    path("c/<int:company_id>/staff/<int:specialist_id>/dismiss/", views.staff_dismiss, name="dismiss"),
    path("c/<int:company_id>/staff/<int:specialist_id>/restore/", views.staff_restore, name="restore"),
    path("c/<int:company_id>/schedule/", views.schedule, name="schedule"),
    path("c/<int:company_id>/schedule/apply/", views.schedule_apply, name="schedule_apply"),
    path("c/<int:company_id>/schedule/copy/", views.schedule_copy, name="schedule_copy"),
    path("c/<int:company_id>/schedule/export/", views.schedule_export, name="schedule_export"),
    path("c/<int:company_id>/schedule/import/", views.schedule_import, name="schedule_import"),
    path("c/<int:company_id>/schedule/mine/", views.my_schedule, name="my_schedule"),
    path("c/<int:company_id>/schedule/absences/", views.absences, name="absences"),
    path("c/<int:company_id>/schedule/absences/add/", views.absence_add, name="absence_add"),
    path("c/<int:company_id>/schedule/absences/<int:absence_id>/delete/", views.absence_delete, name="absence_delete"),
    path("c/<int:company_id>/schedule/templates/", views.templates, name="templates"),
    path("c/<int:company_id>/schedule/templates/add/", views.template_add, name="template_add"),
    path("c/<int:company_id>/schedule/templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path(
        "c/<int:company_id>/schedule/templates/<int:template_id>/delete/",
        views.template_delete,
        name="template_delete",
    ),
]
