"""Logins, and the memberships that give a login a role in a network and its branches."""

import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.permissions import ROLE_DEFAULTS, Level, Role, Section
from frontdesk.core.models import ChainScopedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, **extra):
        if not email and not extra.get("phone"):
            raise ValueError("A user needs an email or a phone.")
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: by email or by phone (E.164), with a password."""

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=150)
    language = models.CharField(_("language"), max_length=8, default="ru")
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("site administrator"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="user_has_email_or_phone"
            ),
        ]

    def __str__(self):
        return self.name or self.email or self.phone or f"#{self.pk}"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else ""


class Membership(ChainScopedModel):
    """A user's place in a network: a role, the branches they work in, and section rights."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    all_companies = models.BooleanField(_("all branches"), default=False)
    companies = models.ManyToManyField("tenancy.Company", blank=True, related_name="+", verbose_name=_("branches"))
    # Per-section overrides of the role's defaults: {"finance": 0, "clients": 2}.
    permissions = models.JSONField(_("permissions"), default=dict, blank=True)
    own_records_only = models.BooleanField(
        _("only own records and clients"),
        default=False,
        help_text=_("A specialist sees only their own records and the clients who booked with them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "user"], name="membership_one_per_chain")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

    def level(self, section: str) -> int:
        if self.role == Role.OWNER:
            return Level.EDIT
        if section in self.permissions:
            return int(self.permissions[section])
        return int(ROLE_DEFAULTS[self.role].get(section, Level.NONE))

    def can(self, section: str, level: int = Level.VIEW) -> bool:
        return self.is_active and self.level(section) >= level

    def section_levels(self) -> dict[str, int]:
        return {section: self.level(section) for section in Section.values}

    def has_company(self, company) -> bool:
        if self.role == Role.OWNER or self.all_companies:
            return True
        return self.companies.filter(pk=company.pk).exists()


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(ChainScopedModel):
    """An owner's invitation for a colleague, sent by email or SMS, accepted once."""

    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    all_companies = models.BooleanField(_("all branches"), default=False)
    companies = models.ManyToManyField("tenancy.Company", blank=True, related_name="+", verbose_name=_("branches"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    AUDIT_EXCLUDE = ("token",)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return self.email or self.phone

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
