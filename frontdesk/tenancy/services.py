"""Sign-up, onboarding and branches."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from frontdesk.accounts.models import Membership
from frontdesk.accounts.permissions import Role
from frontdesk.accounts.services import send_email_confirmation
from frontdesk.tenancy.models import Chain, Company, OpeningHours

User = get_user_model()


@transaction.atomic
def sign_up(
    *,
    company_name: str,
    name: str,
    phone: str,
    email: str,
    password: str | None,
    language: str = "ru",
    password_hash: str | None = None,
    email_confirmed: bool = False,
):
    """Create the owner's login, their network and its first branch. Returns (user, company).

    The email and phone are unique among logins (a database constraint): a racing duplicate
    sign-up fails as a whole and leaves nothing behind. A sign-up finished from its emailed link
    (tenancy.signup) brings the password already hashed and the email already confirmed.
    """
    user = User.objects.create_user(email=email, password=password, name=name, phone=phone or None, language=language)
    if password_hash is not None or email_confirmed:
        if password_hash is not None:
            user.password = password_hash
        if email_confirmed:
            user.email_confirmed_at = timezone.now()
        user.save(update_fields=["password", "email_confirmed_at"])
    chain = Chain.objects.create(name=company_name)
    company = Company.unscoped.create(chain=chain, name=company_name, phone=phone or "", email=email)
    Membership.unscoped.create(chain=chain, user=user, role=Role.OWNER, all_companies=True)
    if not email_confirmed:
        send_email_confirmation(user)
    return user, company


@transaction.atomic
def save_opening_hours(company: Company, hours: dict[int, tuple]) -> None:
    """Replace the branch's weekly hours: {weekday: (opens, closes)}; a missing day is closed."""
    OpeningHours.objects.filter(company=company).exclude(weekday__in=list(hours)).delete()
    existing = {row.weekday: row for row in OpeningHours.objects.filter(company=company)}
    for weekday, (opens, closes) in sorted(hours.items()):
        row = existing.get(weekday) or OpeningHours(company=company, chain_id=company.chain_id, weekday=weekday)
        row.opens, row.closes = opens, closes
        row.save()


@transaction.atomic
def complete_onboarding(company: Company, *, chain_name: str | None = None, hours: dict[int, tuple]) -> Company:
    company.onboarded = True
    company.save()
    if chain_name and company.chain.name != chain_name:
        company.chain.name = chain_name
        company.chain.save()
    save_opening_hours(company, hours)
    return company


@transaction.atomic
def add_branch(*, chain: Chain, company: Company, hours: dict[int, tuple]) -> Company:
    """Add a branch to the network; `company` is an unsaved, validated instance."""
    company.chain = chain
    company.onboarded = True
    company.save()
    save_opening_hours(company, hours)
    return company
