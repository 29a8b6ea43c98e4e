"""Sign-up pages: the form, "check your email", and the emailed link that finishes it
(tenancy.signup says why the answer never depends on what exists)."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdesk.accounts.forms import SignUpForm
from frontdesk.core.ratelimit import ratelimit
from frontdesk.tenancy import services, signup

SENT_KEY = "signup_sent_to"
BACKEND = "frontdesk.accounts.backends.EmailOrPhoneBackend"


@ratelimit("signup", limit=10, window=3600)
def signup_view(request):
    """A new owner's account with their network and its first branch, then onboarding."""
    if request.user.is_authenticated:
        return redirect("tenancy:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        language = translation.get_language() or "ru"
        if signup.is_open_door():
            try:
                user, company = services.sign_up(
                    company_name=data["company_name"],
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    password=data["password"],
                    language=language,
                )
            except IntegrityError:
                # A concurrent first sign-up won: from now on the door is the emailed link.
                signup.start(data, language)
                request.session[SENT_KEY] = data["email"]
                return redirect("tenancy:signup_sent")
            login(request, user, backend=BACKEND)
            messages.success(
                request, _("Welcome to Frontdesk! We sent a confirmation link to %(email)s.") % {"email": user.email}
            )
            return redirect("tenancy:onboarding", company_id=company.pk)
        signup.start(data, language)
        request.session[SENT_KEY] = data["email"]
        return redirect("tenancy:signup_sent")
    return render(request, "tenancy/signup.html", {"form": form})


def signup_sent(request):
    email = request.session.get(SENT_KEY)
    if not email:
        return redirect("tenancy:signup")
    return render(request, "tenancy/signup_sent.html", {"email": email, "mail_is_printed": signup.mail_is_printed()})


@ratelimit("signup-finish", limit=20, window=3600)
@require_http_methods(["GET", "POST"])
def signup_finish(request, token):
    """GET shows what will be created and a button; POST creates it and logs the owner in (a mail
    scanner opening the link creates nothing)."""
    try:
        data = signup.read_link(token)
    except ValidationError as exc:
        return render(request, "tenancy/signup_link_failed.html", {"message": exc.messages[0]}, status=400)
    if request.method == "POST":
        try:
            user, company = signup.finish(data)
        except ValidationError as exc:
            return render(request, "tenancy/signup_link_failed.html", {"message": exc.messages[0]}, status=400)
        request.session.pop(SENT_KEY, None)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome to Frontdesk! Your email is confirmed."))
        return redirect("tenancy:onboarding", company_id=company.pk)
    return render(request, "tenancy/signup_finish.html", {"company_name": data["c"], "email": data["e"]})
