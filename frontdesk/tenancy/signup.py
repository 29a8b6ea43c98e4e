"""Sign-up that does not tell anyone which emails and phones have an account.

Once an installation has any account, the sign-up form answers every valid submission the same
way — "we sent a link to <email>" — and does the same work (one password hash, one letter):

- the email is free: the letter carries a signed link (the form's data, the password only as its
  hash) that finishes the sign-up and logs the new owner in. A phone that another account holds
  is left out of the new account, and that account's owner is told by email;
- the email has an account: its owner gets a letter saying someone tried to sign up with it,
  with the links to log in and to reset the password. Nothing is created.

The installation's very first account is made at once, as before: with no accounts there is
nothing to find out, and a new salon on its own server may have no mail set up yet."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.accounts.models import User
from frontdesk.accounts.services import send_templated_email
from frontdesk.core.siteurl import absolute_url
from frontdesk.tenancy import services

SALT = "frontdesk.tenancy.signup"
LINK_MAX_AGE = 3 * 24 * 3600


def is_open_door() -> bool:
    """True while the installation has no account: the first sign-up is made at once."""
    return not User.objects.exists()


def start(data: dict, language: str) -> None:
    """Answer a valid sign-up form without revealing what exists (see the module docstring)."""
    email = data["email"].strip().lower()
    password_hash = make_password(data["password"])  # hashed whatever exists: the same time
    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None:
        context = {
            "user": owner,
            "login_url": absolute_url(reverse("accounts:login")),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        }
        transaction.on_commit(
            lambda: send_templated_email(owner.email, "tenancy/email/signup_existing", context, owner.language)
        )
        return
    phone = data.get("phone") or ""
    phone_owner = User.objects.filter(phone=phone).first() if phone else None
    if phone_owner is not None:
        phone = ""
        if phone_owner.email:
            context = {"user": phone_owner, "reset_url": absolute_url(reverse("accounts:password_reset"))}
            transaction.on_commit(
                lambda: send_templated_email(
                    phone_owner.email, "tenancy/email/signup_phone_taken", context, phone_owner.language
                )
            )
    token = signing.dumps(
        {
            "c": data["company_name"],
            "n": data["name"],
            "p": phone,
            "e": email,
            "h": password_hash,
            "l": language,
        },
        salt=SALT,
        compress=True,
    )
    context = {"name": data["name"], "url": absolute_url(reverse("tenancy:signup_finish", kwargs={"token": token}))}
    transaction.on_commit(lambda: send_templated_email(email, "tenancy/email/signup_finish", context, language))


def read_link(token: str) -> dict:
    """The sign-up a link carries, or ValidationError with what to do instead."""
    try:
        return signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This sign-up link has expired. Sign up again.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This sign-up link is not valid.")) from None


def finish(data: dict):
    """Create the owner, the network and its first branch from a link's data; the email is
    confirmed by the link itself. Returns (user, company); ValidationError once it was used."""
    used = _("This sign-up link has already been used. Log in with your email and password.")
    if User.objects.filter(email__iexact=data["e"]).exists():
        raise ValidationError(used)
    phone = data["p"] if data["p"] and not User.objects.filter(phone=data["p"]).exists() else ""
    try:
        with transaction.atomic():
            user, company = services.sign_up(
                company_name=data["c"],
                name=data["n"],
                phone=phone,
                email=data["e"],
                password=None,
                password_hash=data["h"],
                email_confirmed=True,
                language=data["l"],
            )
    except IntegrityError:  # the same link finished twice at once
        raise ValidationError(used) from None
    return user, company


def mail_is_printed() -> bool:
    """True when the server prints letters instead of sending them (no mail set up yet)."""
    return settings.EMAIL_BACKEND.endswith("console.EmailBackend")
