from django.urls import path

from frontdesk.tenancy import signup_views, views

app_name = "tenancy"

urlpatterns = [
    path("", views.home, name="home"),
    # Sign-up creates a network, so it lives here; it keeps its place among the account pages.
    path("accounts/signup/", signup_views.signup_view, name="signup"),
    path("accounts/signup/sent/", signup_views.signup_sent, name="signup_sent"),
    path("accounts/signup/finish/<str:token>/", signup_views.signup_finish, name="signup_finish"),
    path("c/<int:company_id>/", views.dashboard, name="dashboard"),
    path("c/<int:company_id>/onboarding/", views.onboarding, name="onboarding"),
    path("c/<int:company_id>/settings/", views.settings_company, name="settings_company"),
    path("c/<int:company_id>/settings/first-steps/", views.first_steps_page, name="first_steps"),
    path("c/<int:company_id>/settings/network/", views.settings_network, name="settings_network"),
    path("c/<int:company_id>/settings/branches/add/", views.branch_add, name="branch_add"),
    path("c/<int:company_id>/settings/users/", views.users, name="users"),
    path("c/<int:company_id>/settings/users/invite/", views.user_invite, name="user_invite"),
    path("c/<int:company_id>/settings/users/<int:membership_id>/", views.user_edit, name="user_edit"),
    path(
        "c/<int:company_id>/settings/invitations/<int:invitation_id>/withdraw/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("c/<int:company_id>/events/", views.events, name="events"),
]
