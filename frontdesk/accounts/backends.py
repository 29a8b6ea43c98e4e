from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from frontdesk.accounts.models import User
from frontdesk.core.phones import normalize_phone


def find_user(login: str) -> User | None:
    """The user whose email or phone is `login` (a phone in any usual writing)."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    try:
        phone = normalize_phone(login)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone).first()


class EmailOrPhoneBackend(ModelBackend):
    """Log in with an email address or a phone number and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check, so that timing does not reveal who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials) -> str:
    """The key django-axes counts failures by: one per person, however the login is written."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    raw = raw.strip()
    if "@" in raw:
        return raw.lower()
    try:
        return normalize_phone(raw)
    except ValidationError:
        return raw.lower()
