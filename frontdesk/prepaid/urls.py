from django.urls import path

from frontdesk.prepaid import views

app_name = "prepaid"

P = "c/<int:company_id>/prepaid/"
urlpatterns = [
    path(P + "certificates/", views.certificates, name="certificates"),
    path(P + "certificates/<int:certificate_id>/", views.certificate_detail, name="certificate"),
    path(P + "certificates/<int:certificate_id>/card/", views.certificate_card, name="certificate_card"),
    path(P + "certificate-types/", views.certificate_types, name="certificate_types"),
    path(P + "certificate-types/add/", views.certificate_type_add, name="certificate_type_add"),
    path(P + "certificate-types/<int:certificate_type_id>/", views.certificate_type_edit, name="certificate_type_edit"),
    path(
        P + "certificate-types/<int:certificate_type_id>/archive/",
        views.certificate_type_archive,
        name="certificate_type_archive",
    ),
    path(P + "abonements/", views.abonements, name="abonements"),
    path(P + "abonements/<int:abonement_id>/", views.abonement_detail, name="abonement"),
    path(P + "abonements/<int:abonement_id>/freeze/", views.abonement_freeze, name="abonement_freeze"),
    path(P + "abonement-types/", views.abonement_types, name="abonement_types"),
    path(P + "abonement-types/add/", views.abonement_type_add, name="abonement_type_add"),
    path(P + "abonement-types/<int:abonement_type_id>/", views.abonement_type_edit, name="abonement_type_edit"),
    path(
        P + "abonement-types/<int:abonement_type_id>/archive/",
        views.abonement_type_archive,
        name="abonement_type_archive",
    ),
]
