from django.urls import path

from frontdesk.scheduling import classes_views as views

app_name = "classes"

urlpatterns = [
    path("c/<int:company_id>/classes/", views.class_list, name="list"),
    path("c/<int:company_id>/classes/new/", views.class_new, name="new"),
    path("c/<int:company_id>/classes/<int:class_id>/", views.class_detail, name="detail"),
    path(
        "c/<int:company_id>/classes/<int:class_id>/participants/add/",
        views.class_add_participant,
        name="add_participant",
    ),
    path("c/<int:company_id>/classes/<int:class_id>/participants/", views.class_participant, name="participant"),
    path("c/<int:company_id>/classes/<int:class_id>/cancel/", views.class_cancel, name="cancel"),
    path("c/<int:company_id>/waitlist/", views.waitlist_page, name="waitlist"),
    path("c/<int:company_id>/waitlist/<int:waitlist_entry_id>/book/", views.waitlist_book, name="waitlist_book"),
    path("c/<int:company_id>/waitlist/<int:waitlist_entry_id>/cancel/", views.waitlist_cancel, name="waitlist_cancel"),
    path("c/<int:company_id>/calendar-feeds/", views.calendar_feeds, name="calendar_feeds"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
