from django.urls import path

from frontdesk.scheduling import journal_views as views

app_name = "journal"

urlpatterns = [
    path("c/<int:company_id>/journal/", views.journal_page, name="page"),
    path("c/<int:company_id>/journal/resources/", views.resources, name="resources"),
    path("c/<int:company_id>/journal/events/", views.events, name="events"),
    path("c/<int:company_id>/journal/changes/", views.changes, name="changes"),
    path("c/<int:company_id>/journal/clients/", views.clients, name="clients"),
    path("c/<int:company_id>/journal/services/", views.services, name="services"),
    path("c/<int:company_id>/journal/book/", views.book, name="book"),
    path("c/<int:company_id>/journal/print/", views.print_day, name="print"),
    path("c/<int:company_id>/journal/records/<int:record_id>/", views.record_detail, name="record"),
    path("c/<int:company_id>/journal/records/<int:record_id>/move/", views.record_move, name="record_move"),
    path("c/<int:company_id>/journal/records/<int:record_id>/change/", views.record_change, name="record_change"),
    path("c/<int:company_id>/journal/records/<int:record_id>/resize/", views.record_resize, name="record_resize"),
    path("c/<int:company_id>/journal/records/<int:record_id>/status/", views.record_status, name="record_status"),
    path("c/<int:company_id>/journal/records/<int:record_id>/comment/", views.record_comment, name="record_comment"),
    path("c/<int:company_id>/journal/records/<int:record_id>/prepaid/", views.record_prepaid, name="record_prepaid"),
]
