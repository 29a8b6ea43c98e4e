"""State changes of logins, memberships and invitations."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Invitation, Membership, User
from frontdesk.accounts.permissions import ROLE_OWN_ONLY_DEFAULT, Role
from frontdesk.core.locking import lock_first, lock_row
from frontdesk.core.siteurl import absolute_url
from frontdesk.core.sms import send_sms

EMAIL_CONFIRM_SALT = "frontdesk.accounts.confirm-email"
EMAIL_CONFIRM_MAX_AGE = 7 * 24 * 3600
INVITATION_DAYS = 14


def send_templated_email(to: str, template: str, context: dict, language: str | None = None) -> None:
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def make_email_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_CONFIRM_SALT)


def send_email_confirmation(user: User) -> None:
    """Mail the link that confirms the user's email (after the surrounding transaction commits)."""
    if not user.email:
        return
    url = absolute_url(reverse("accounts:confirm_email", kwargs={"token": make_email_token(user)}))
    language = user.language
    transaction.on_commit(
        lambda: send_templated_email(user.email, "accounts/email/confirm_email", {"user": user, "url": url}, language)
    )


def confirm_email(token: str) -> User:
    """Mark the email in the token as confirmed. Raises ValidationError for a bad or old link."""
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRM_SALT, max_age=EMAIL_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This confirmation link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None
    with transaction.atomic():
        user = lock_first(User.objects.filter(pk=data.get("u")))
        if user is None or (user.email or "").lower() != (data.get("e") or "").lower():
            raise ValidationError(_("This confirmation link is not valid."))
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
            user.save(update_fields=["email_confirmed_at"])
    return user


def change_email(user: User, email: str | None) -> None:
    """A new email must be confirmed again."""
    user.email = email
    user.email_confirmed_at = None
    user.save()
    send_email_confirmation(user)


@transaction.atomic
def invite_member(
    *,
    chain,
    invited_by: User,
    role: str,
    email: str = "",
    phone: str = "",
    name: str = "",
    all_companies: bool = False,
    companies=(),
) -> Invitation:
    """Create an invitation and send its link by email, or by SMS when there is only a phone."""
    if role == Role.OWNER:
        raise ValidationError(_("A network has one owner; invite a manager instead."))
    existing = User.objects.filter(email__iexact=email).first() if email else None
    existing = existing or (User.objects.filter(phone=phone).first() if phone else None)
    if existing and Membership.objects.filter(user=existing).exists():
        raise ValidationError(_("%(person)s already has access to this network.") % {"person": existing})
    invitation = Invitation.objects.create(
        chain=chain,
        email=email or "",
        phone=phone or "",
        name=name,
        role=role,
        all_companies=all_companies,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    invitation.companies.set(companies)
    url = absolute_url(reverse("accounts:accept_invitation", kwargs={"token": invitation.token}))
    context = {"invitation": invitation, "chain": chain, "inviter": invited_by, "url": url}
    if email:
        transaction.on_commit(lambda: send_templated_email(email, "accounts/email/invitation", context))
    else:
        text = _("%(inviter)s invites you to %(chain)s in Frontdesk: %(url)s") % {
            "inviter": invited_by,
            "chain": chain,
            "url": url,
        }
        transaction.on_commit(lambda: send_sms(phone, text))
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Give `user` the invited role. Safe against a double click: the invitation is locked."""
    with transaction.atomic():
        invitation = lock_row(Invitation.objects, invitation.pk)
        if not invitation.is_usable:
            raise ValidationError(_("This invitation has already been used or has expired."))
        if Membership.objects.filter(user=user).exists():
            raise ValidationError(_("You already have access to this network."))
        membership = Membership.objects.create(
            chain_id=invitation.chain_id,
            user=user,
            role=invitation.role,
            all_companies=invitation.all_companies,
            own_records_only=ROLE_OWN_ONLY_DEFAULT.get(invitation.role, False),
        )
        membership.companies.set(invitation.companies.all())
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if (
            user.email
            and invitation.email
            and user.email.lower() == invitation.email.lower()
            and not user.email_confirmed
        ):
            # The link reached this mailbox, which proves the address.
            user.email_confirmed_at = timezone.now()
            user.save(update_fields=["email_confirmed_at"])
    return membership


def update_membership(
    membership: Membership,
    *,
    role: str,
    all_companies: bool,
    companies,
    permissions: dict,
    own_records_only: bool,
    is_active: bool,
    acting: Membership,
) -> Membership:
    if membership.role == Role.OWNER and (role != Role.OWNER or not is_active):
        raise ValidationError(_("The owner's access cannot be reduced."))
    if role == Role.OWNER and membership.role != Role.OWNER:
        raise ValidationError(_("A network has one owner."))
    if membership.pk == acting.pk and not is_active:
        raise ValidationError(_("You cannot switch off your own access."))
    with transaction.atomic():
        membership.role = role
        membership.all_companies = all_companies
        membership.permissions = permissions
        membership.own_records_only = own_records_only
        membership.is_active = is_active
        membership.save()
        membership.companies.set(companies)
    return membership
