from django.urls import path

from frontdesk.booking import settings_views, views

app_name = "booking"

urlpatterns = [
    # Public pages for the salon's clients (no login; see booking.public).
    path("book/<int:branch_id>/", views.branch_page, name="branch"),
    path("book/<int:branch_id>/my/", views.my_records, name="my_records"),
    path("book/network/<int:chain_id>/", views.network_page, name="network"),
    path("my/<str:token>/", views.my_booking, name="my"),
    path("my/<str:token>/move/", views.my_move, name="my_move"),
    path("my/<str:token>/cancel/", views.my_cancel, name="my_cancel"),
    path("my/<str:token>/pay/", views.pay_booking, name="pay_booking"),
    # Back office: Settings → Online booking.
    path("c/<int:company_id>/settings/online-booking/", settings_views.online_booking, name="settings"),
    path("c/<int:company_id>/settings/online-booking/preview/", settings_views.preview, name="preview"),
]
