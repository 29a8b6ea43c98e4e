from django.urls import path

from frontdesk.catalog import views

app_name = "catalog"

S = "c/<int:company_id>/settings/services/"
urlpatterns = [
    path(S, views.catalogue, name="services"),
    path(S + "reorder/", views.reorder, name="reorder"),
    path(S + "add/", views.service_add, name="service_add"),
    path(S + "<int:service_id>/", views.service_edit, name="service_edit"),
    path(S + "<int:service_id>/archive/", views.service_archive, name="service_archive"),
    path(S + "<int:service_id>/restore/", views.service_restore, name="service_restore"),
    path(S + "categories/add/", views.category_add, name="category_add"),
    path(S + "categories/<int:category_id>/", views.category_edit, name="category_edit"),
    path(S + "categories/<int:category_id>/archive/", views.category_archive, name="category_archive"),
    path(S + "categories/<int:category_id>/restore/", views.category_restore, name="category_restore"),
    path(S + "export/", views.export, name="export"),
    path(S + "import/", views.import_upload, name="import"),
    path(S + "import/confirm/", views.import_confirm, name="import_confirm"),
    path("c/<int:company_id>/settings/positions/", views.positions, name="positions"),
    path("c/<int:company_id>/settings/positions/add/", views.position_add, name="position_add"),
    path("c/<int:company_id>/settings/positions/<int:position_id>/", views.position_edit, name="position_edit"),
    path(
        "c/<int:company_id>/settings/positions/<int:position_id>/archive/",
        views.position_archive,
        name="position_archive",
    ),
    path(
        "c/<int:company_id>/settings/positions/<int:position_id>/restore/",
        views.position_restore,
        name="position_restore",
    ),
    path("c/<int:company_id>/settings/resources/", views.resources, name="resources"),
    path("c/<int:company_id>/settings/resources/add/", views.resource_add, name="resource_add"),
    path("c/<int:company_id>/settings/resources/<int:resource_id>/", views.resource_edit, name="resource_edit"),
    path(
        "c/<int:company_id>/settings/resources/<int:resource_id>/archive/",
        views.resource_archive,
        name="resource_archive",
    ),
    path(
        "c/<int:company_id>/settings/resources/<int:resource_id>/restore/",
        views.resource_restore,
        name="resource_restore",
    ),
]
