"""Phone confirmation by SMS code, with the limits that keep the booking page from being used to
pump SMS (every code costs the salon money): per phone (in the network and across all networks
of the installation), per IP address, per branch and per network, each with a window, plus a
cooldown between two codes to one phone and a cap on wrong guesses per code. Every SMS code the
product sends (online booking, the client's login to their visits, the loyalty card sign-up, the
API's book_code) comes from `request_code`, so these limits hold for all of them.

A confirmed phone is carried as a signed, short-lived token in the booking form (not in the
session): the booking page often runs in an iframe on the salon's site, where the browser does
not send our cookies."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.booking.models import PhoneCode
from frontdesk.core.locking import lock_first
from frontdesk.core.phones import normalize_phone
from frontdesk.core.ratelimit import allow
from frontdesk.core.sms import send_sms
from frontdesk.tenancy.models import Chain

# Overridable in settings as BOOKING_SMS_LIMITS (a dict with any of these keys).
DEFAULT_LIMITS = {
    "cooldown": 60,  # seconds between two codes to one phone
    "per_phone": 5,  # codes to one phone per hour (whole network)
    "per_ip": 10,  # codes asked from one IP address per hour
    "per_branch": 100,  # codes sent by one branch per hour
    "per_network": 300,  # codes sent by all branches of one network per hour
    "per_phone_everywhere": 10,  # codes to one phone per hour from all networks together
    "attempts": 5,  # wrong guesses per code
    "lifetime": 10 * 60,  # seconds a code stays valid
}
TOKEN_MAX_AGE = 30 * 60  # a confirmed phone stays confirmed this long
_TOKEN_SALT = "frontdesk.booking.phone"
HOUR = datetime.timedelta(hours=1)


def limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "BOOKING_SMS_LIMITS", {})}


def _hash(code: str, phone: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(company, phone: str, ip: str | None) -> PhoneCode:
    """Send a fresh code to the phone, or raise ValidationError saying which limit was hit."""
    phone = normalize_phone(phone)
    rules = limits()
    now = timezone.now()
    code = f"{secrets.randbelow(10**4):04d}"
    with transaction.atomic():
        # On SQLite the transaction holds the write lock; on PostgreSQL the network's row is
        # locked: concurrent requests of its branches count one after another, so a burst cannot
        # slip past a limit. Across networks, the shared counter below is atomic by itself.
        lock_first(Chain.objects.filter(pk=company.chain_id))
        last = PhoneCode.objects.filter(chain_id=company.chain_id, phone=phone).order_by("-created_at").first()
        wait = _cooldown_left(last, now, rules)
        if wait:
            raise ValidationError(
                ngettext(
                    "A code was sent a moment ago. Wait %(seconds)d second before asking for another one.",
                    "A code was sent a moment ago. Wait %(seconds)d seconds before asking for another one.",
                    wait,
                )
                % {"seconds": wait},
                code="cooldown",
            )
        since = now - HOUR
        if (
            PhoneCode.objects.filter(chain_id=company.chain_id, phone=phone, created_at__gte=since).count()
            >= rules["per_phone"]
        ):
            raise ValidationError(
                _("Too many codes were sent to this phone. Try again in an hour or call the salon."), code="per_phone"
            )
        if ip and PhoneCode.unscoped.filter(ip=ip, created_at__gte=since).count() >= rules["per_ip"]:
            raise ValidationError(
                _("Too many codes were asked for from your network. Try again in an hour."), code="per_ip"
            )
        if PhoneCode.objects.filter(company=company, created_at__gte=since).count() >= rules["per_branch"]:
            raise ValidationError(
                _("The salon cannot send more codes just now. Try again later or call the salon."),
                code="per_branch",
            )
        if PhoneCode.objects.filter(chain_id=company.chain_id, created_at__gte=since).count() >= rules["per_network"]:
            raise ValidationError(
                _("The salon cannot send more codes just now. Try again later or call the salon."),
                code="per_network",
            )
        # Counted only for a code that is about to go out, in the store every worker shares.
        if not allow(f"sms-code-phone:{phone}", rules["per_phone_everywhere"], 3600):
            raise ValidationError(
                _("This phone has been sent too many codes in the last hour. Try again in an hour."),
                code="per_phone_everywhere",
            )
        row = PhoneCode.objects.create(
            chain_id=company.chain_id,
            company=company,
            phone=phone,
            code_hash=_hash(code, phone),
            ip=ip,
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=rules["lifetime"]),
        )
    # Sent after the transaction: no lock is held across the gateway's network call. A code
    # deliberately bypasses the notification outbox: it is a one-time password the client is
    # waiting for on the page, useless after its lifetime, so it must not queue behind a mailing,
    # wait out quiet hours, honour a marketing opt-out or be retried minutes later; it is
    # neither stored in clear nor shown in the message log. Its limits are the ones above.
    send_sms(phone, _("%(code)s is your code for booking at %(branch)s.") % {"code": code, "branch": company.name})
    return row


def _cooldown_left(last: PhoneCode | None, now, rules) -> int:
    """Whole seconds (rounded up) before another code may go to the phone whose latest is `last`."""
    if last is None:
        return 0
    left = rules["cooldown"] - (now - last.created_at).total_seconds()
    return int(left) + 1 if left > 0 else 0


def code_context(company, phone: str) -> dict:
    """What a page asking for the code shows, whatever the last request answered: `code_sent`
    while a code sent to this phone by the branch can still be typed (a refused request for
    another one keeps the field), and `code_wait`, the seconds before another may be asked for."""
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        return {"code_sent": False, "code_wait": 0}
    rules, now = limits(), timezone.now()
    last = PhoneCode.objects.filter(chain_id=company.chain_id, phone=phone).order_by("-created_at").first()
    live = (
        last is not None
        and last.company_id == company.pk
        and last.confirmed_at is None
        and last.expires_at > now
        and last.attempts < rules["attempts"]
    )
    return {"code_sent": live, "code_wait": _cooldown_left(last, now, rules)}


def verify_code(company, phone: str, code: str) -> str:
    """Check the code against the phone's latest code; return a token proving the phone. A wrong
    guess is counted (and committed) before the error is raised."""
    phone = normalize_phone(phone)
    code = (code or "").strip()
    rules = limits()
    error = None
    with transaction.atomic():
        row = lock_first(
            PhoneCode.objects.filter(
                chain_id=company.chain_id, company=company, phone=phone, confirmed_at__isnull=True
            ).order_by("-created_at")
        )
        if row is None:
            error = ValidationError(_("Ask for a code first."), code="no_code")
        elif row.attempts >= rules["attempts"]:
            error = ValidationError(_("Too many wrong codes. Ask for a new code."), code="attempts")
        elif row.expires_at <= timezone.now():
            error = ValidationError(_("The code has expired. Ask for a new code."), code="expired")
        elif not hmac.compare_digest(row.code_hash, _hash(code, phone)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = rules["attempts"] - row.attempts
            if left <= 0:
                error = ValidationError(_("Too many wrong codes. Ask for a new code."), code="attempts")
            else:
                error = ValidationError(
                    ngettext(
                        "The code is wrong. %(left)d attempt left.", "The code is wrong. %(left)d attempts left.", left
                    )
                    % {"left": left},
                    code="wrong",
                )
        else:
            row.confirmed_at = timezone.now()
            row.save(update_fields=["confirmed_at"])
    if error is not None:
        raise error
    return phone_token(company.chain_id, phone)


def phone_token(chain_id: int, phone: str) -> str:
    return signing.dumps({"c": chain_id, "p": phone}, salt=_TOKEN_SALT, compress=True)


def confirmed_phone(chain_id: int, token: str) -> str | None:
    """The phone a token proves for this network, or None if it is forged, stale or another's."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != chain_id:
        return None
    return data.get("p")
