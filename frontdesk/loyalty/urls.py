from django.urls import path

from frontdesk.loyalty import public_views, views

app_name = "loyalty"

L = "c/<int:company_id>/loyalty/"
urlpatterns = [
    path(L, views.programmes, name="programmes"),
    path(L + "programmes/add/", views.programme_add, name="programme_add"),
    path(L + "programmes/<int:programme_id>/", views.programme_edit, name="programme"),
    path(L + "cards/", views.cards, name="cards"),
    path(L + "cards/<int:card_id>/", views.card_detail, name="card"),
    path(L + "cards/<int:card_id>/adjust/", views.card_adjust, name="card_adjust"),
    path(L + "clients/<int:client_id>/issue/", views.client_issue, name="client_issue"),
    path(L + "clients/<int:client_id>/refer/", views.client_refer, name="client_refer"),
    path(L + "poster/", views.poster, name="poster"),
    path(L + "analytics/", views.analytics_page, name="analytics"),
    # Public: the QR code on the counter (see public_views).
    path("join/<int:branch_id>/", public_views.join, name="join"),
]
