from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from frontdesk.accounts import services
from frontdesk.accounts.forms import (
    FrontdeskPasswordResetForm,
    FrontdeskSetPasswordForm,
    LoginForm,
    ProfileForm,
    SignUpForm,
)
from frontdesk.accounts.models import Invitation, User
from frontdesk.core.forms import BootstrapFormMixin
from frontdesk.core.ratelimit import ratelimit
from frontdesk.core.redirects import next_from
from frontdesk.core.scopes import scope
from frontdesk.core.siteurl import absolute_url


def _activate_language(request, response, language):
    translation.activate(language)
    response.set_cookie("django_language", language, samesite="Lax")
    return response


@require_POST
def set_language_view(request):
    """Django's language switch, which also remembers the choice in the person's profile."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def login_view(request):
    if request.user.is_authenticated:
        return redirect("tenancy:home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        return _activate_language(request, redirect(next_from(request) or "tenancy:home"), user.language)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


def confirm_email_view(request, token):
    try:
        user = services.confirm_email(token)
    except ValidationError as exc:
        return render(request, "accounts/confirm_email_failed.html", {"message": exc.messages[0]}, status=400)
    messages.success(request, _("Your email %(email)s is confirmed. Thank you!") % {"email": user.email})
    return redirect("tenancy:home")


@login_required
@require_POST
@ratelimit("resend-confirmation", limit=5, window=3600)
def resend_confirmation_view(request):
    if request.user.email and not request.user.email_confirmed:
        services.send_email_confirmation(request.user)
        messages.success(request, _("We sent a new confirmation link to %(email)s.") % {"email": request.user.email})
    return redirect(next_from(request) or "tenancy:home")


class PasswordChangeFormStyled(BootstrapFormMixin, PasswordChangeForm):
    pass


@login_required
def profile_view(request):
    user = request.user
    old_email = user.email
    profile_form = ProfileForm(request.POST if "save_profile" in request.POST else None, instance=user, prefix="p")
    password_form = PasswordChangeFormStyled(
        user, request.POST if "change_password" in request.POST else None, prefix="pw"
    )
    if request.method == "POST":
        if "save_profile" in request.POST and profile_form.is_valid():
            with transaction.atomic():
                profile_form.save()
                if (user.email or "") != (old_email or ""):
                    services.change_email(user, user.email)
            messages.success(request, _("Your profile is saved."))
            return _activate_language(request, redirect("accounts:profile"), user.language)
        if "change_password" in request.POST and password_form.is_valid():
            password_form.save()
            update_session_auth_hash(request, password_form.user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"profile_form": profile_form, "password_form": password_form})


class InvitationSignUpForm(SignUpForm):
    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["company_name"]
        self.fields["email"].required = False
        self.fields["phone"].required = False
        self.initial.update({"name": invitation.name, "email": invitation.email, "phone": invitation.phone})

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this email already exists. Log in or reset the password."))
        return email

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        if phone and User.objects.filter(phone=phone).exists():
            raise ValidationError(_("An account with this phone already exists. Log in or reset the password."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors:
            raise ValidationError(_("Give an email or a phone to log in with."))
        return cleaned


@ratelimit("invitation", limit=30, window=3600)
def accept_invitation_view(request, token):
    invitation = get_object_or_404(Invitation.unscoped.select_related("chain"), token=token)
    if not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", {"invitation": invitation}, status=410)
    with scope(invitation.chain_id):
        if request.user.is_authenticated:
            if request.method == "POST":
                try:
                    services.accept_invitation(invitation, request.user)
                except ValidationError as exc:
                    messages.error(request, exc.messages[0])
                    return redirect("tenancy:home")
                messages.success(request, _("You have joined %(chain)s.") % {"chain": invitation.chain})
                return redirect("tenancy:home")
            return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
        form = InvitationSignUpForm(request.POST or None, invitation=invitation)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                user = User.objects.create_user(
                    email=data["email"] or None,
                    phone=data["phone"] or None,
                    password=data["password"],
                    name=data["name"],
                    language=translation.get_language() or "ru",
                )
                services.accept_invitation(invitation, user)
                if user.email and not user.email_confirmed:
                    services.send_email_confirmation(user)
            login(request, user, backend="frontdesk.accounts.backends.EmailOrPhoneBackend")
            messages.success(request, _("You have joined %(chain)s.") % {"chain": invitation.chain})
            return redirect("tenancy:home")
        return render(request, "accounts/invitation_signup.html", {"invitation": invitation, "form": form})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = FrontdeskPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"site_url": absolute_url("", self.request)}
        return super().form_valid(form)


password_reset_view = ratelimit("password-reset", limit=10, window=3600)(PasswordResetView.as_view())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = FrontdeskSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
