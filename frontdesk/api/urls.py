from django.urls import path

from frontdesk.api import views

app_name = "integrations"

urlpatterns = [
    path("c/<int:company_id>/settings/integrations/", views.tokens, name="tokens"),
    path("c/<int:company_id>/settings/integrations/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("accounts/api-logins/<int:token_id>/revoke/", views.my_token_revoke, name="my_token_revoke"),
]
