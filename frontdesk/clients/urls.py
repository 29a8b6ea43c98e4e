from django.urls import path

from frontdesk.clients import import_views, views

app_name = "clients"

C = "c/<int:company_id>/clients/"

urlpatterns = [
    path(C, views.client_list, name="list"),
    path(C + "add/", views.client_add, name="add"),
    path(C + "search/", views.client_search, name="search"),
    path(C + "export/", views.export, name="export"),
    path(C + "bulk/", views.bulk_action, name="bulk"),
    path(C + "rfm/", views.rfm, name="rfm"),
    path(C + "duplicates/", views.duplicates, name="duplicates"),
    path(C + "segments/save/", views.segment_save, name="segment_save"),
    path(C + "segments/<int:segment_id>/delete/", views.segment_delete, name="segment_delete"),
    path(C + "categories/", views.categories, name="categories"),
    path(C + "categories/<int:client_category_id>/delete/", views.category_delete, name="category_delete"),
    path(C + "fields/", views.custom_fields, name="fields"),
    path(C + "fields/<int:custom_field_id>/delete/", views.custom_field_delete, name="field_delete"),
    path(C + "import/", import_views.import_upload, name="import"),
    path(C + "import/<int:client_import_id>/", import_views.import_check, name="import_check"),
    path(C + "import/<int:client_import_id>/step/", import_views.import_step, name="import_step"),
    path(C + "<int:client_id>/", views.client_card, name="card"),
    path(C + "<int:client_id>/edit/", views.client_edit, name="edit"),
    path(C + "<int:client_id>/notes/", views.note_add, name="note_add"),
    path(C + "<int:client_id>/files/", views.file_upload, name="file_upload"),
    path(C + "<int:client_id>/files/<int:client_file_id>/", views.file_download, name="file"),
    path(C + "<int:client_id>/files/<int:client_file_id>/delete/", views.file_delete, name="file_delete"),
    path(C + "<int:client_id>/merge/", views.merge, name="merge"),
    path(C + "<int:client_id>/personal-data/", views.personal_data, name="personal_data"),
    path(C + "<int:client_id>/erase/", views.erase, name="erase"),
]
