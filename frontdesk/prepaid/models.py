"""Gift certificates and abonements: the types a network sells, the certificates and abonements
sold, and their ledgers.

A balance is never stored: a certificate's money and an abonement's visits (or money) are the
sums of their operations (DESIGN.md invariant 3). Operations are only added; a refund is a new
operation pointing to the one it gives back. The services lock the certificate's or the
abonement's row before they read the balance, so two cash desks at once never spend more than
there is."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel
from frontdesk.core.money import MoneyField


class AppliesTo(models.TextChoices):
    SERVICES = "services", _("Services")
    GOODS = "goods", _("Goods")
    BOTH = "both", _("Services and goods")


class CertificateType(ChainScopedModel):
    """What kind of gift certificate the network sells: its nominal (fixed, or any amount within
    limits), what it pays for, where and for how long."""

    title = models.CharField(_("name"), max_length=120)
    nominal = MoneyField(
        _("nominal"), null=True, blank=True, help_text=_("Leave empty to sell any amount within the limits below.")
    )
    amount_min = MoneyField(_("smallest amount"), null=True, blank=True)
    amount_max = MoneyField(_("largest amount"), null=True, blank=True)
    applies_to = models.CharField(_("pays for"), max_length=8, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    categories = models.ManyToManyField(
        "catalog.ServiceCategory",
        blank=True,
        related_name="+",
        verbose_name=_("only these service categories"),
        help_text=_("Empty: any service."),
    )
    single_use = models.BooleanField(
        _("one write-off"), default=False, help_text=_("The first payment uses it up; whatever is left is lost.")
    )
    companies = models.ManyToManyField(
        "tenancy.Company",
        blank=True,
        related_name="+",
        verbose_name=_("branches"),
        help_text=_("Empty: every branch of the network."),
    )
    validity_days = models.PositiveIntegerField(_("valid for, days"), default=365)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["is_archived", "title", "id"]
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        constraints = [
            models.CheckConstraint(condition=Q(nominal__isnull=True) | Q(nominal__gt=0), name="cert_type_nominal_pos"),
            models.CheckConstraint(condition=Q(validity_days__gt=0), name="cert_type_validity_pos"),
        ]

    def __str__(self):
        return self.title


class Certificate(ChainScopedModel):
    """One gift certificate sold: its code (12 digits, the last a check digit), the amount it was
    sold for, its holder and its end date. The balance is the sum of its operations."""

    type = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("type")
    )
    code = models.CharField(_("code"), max_length=12)
    nominal = MoneyField(_("nominal"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("client"),
    )
    company = models.ForeignKey(
        "tenancy.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("sold in")
    )
    sale = models.ForeignKey(
        "finance.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sale")
    )
    # The counter sale's line it was issued for: a line issues at most one certificate.
    sale_line = models.OneToOneField(
        "finance.SaleLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_on = models.DateField(_("sold on"))
    expires_on = models.DateField(_("valid until"))
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    notified_expiring = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_EXCLUDE = ("updated_at", "password", "code")  # the code is the bearer's key

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("gift certificate")
        verbose_name_plural = _("gift certificates")
        constraints = [
            models.UniqueConstraint(fields=["chain", "code"], name="certificate_code_once"),
            models.CheckConstraint(condition=Q(nominal__gt=0), name="certificate_nominal_pos"),
        ]
        indexes = [models.Index(fields=["chain", "expires_on"])]

    def __str__(self):
        return _("Certificate %(code)s") % {"code": self.masked_code}

    @property
    def grouped_code(self) -> str:
        return " ".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def masked_code(self) -> str:
        """For lists and logs: whoever reads it cannot pay with it."""
        return f"•••• •••• {self.code[-4:]}"


class LedgerOperation(ChainScopedModel):
    """What every line of a certificate's or an abonement's ledger carries: where it happened, the
    sale that caused it, the line it reverses, who wrote it and when. Lines are only added."""

    company = models.ForeignKey(
        "tenancy.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("branch")
    )
    sale = models.ForeignKey(
        "finance.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sale")
    )
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class CertificateOpKind(models.TextChoices):
    ISSUE = "issue", _("Sold")
    REDEEM = "redeem", _("Paid with")
    GIVE_BACK = "give_back", _("Given back on a refund")
    FORFEIT = "forfeit", _("Rest lost (one write-off)")
    EXPIRE = "expire", _("Expired")
    CANCEL = "cancel", _("Cancelled: its sale was refunded")


class CertificateOperation(LedgerOperation):
    """One line of a certificate's ledger. `amount` is signed: + sold or given back, − paid with,
    lost or expired."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="operations")
    kind = models.CharField(_("operation"), max_length=12, choices=CertificateOpKind.choices)
    amount = MoneyField(_("amount"))
    # A rest lost on a one-write-off certificate points to the payment that used it up.
    lost_with = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="losses")

    class Meta(LedgerOperation.Meta):
        verbose_name = _("certificate operation")
        verbose_name_plural = _("certificate operations")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="certificate_op_not_zero")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class AbonementKind(models.TextChoices):
    VISITS = "visits", _("Number of visits")
    MONEY = "money", _("Money balance")


class AbonementType(ChainScopedModel):
    """What kind of abonement the network sells: N visits of the covered services (or a money
    balance for them), where, for how long, and how long it may be frozen."""

    title = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=8, choices=AbonementKind.choices, default=AbonementKind.VISITS)
    price = MoneyField(_("price"))
    visits = models.PositiveIntegerField(_("visits"), null=True, blank=True)
    amount = MoneyField(_("money on it"), null=True, blank=True)
    services = models.ManyToManyField(
        "catalog.Service", blank=True, related_name="+", verbose_name=_("services it covers")
    )
    categories = models.ManyToManyField(
        "catalog.ServiceCategory",
        blank=True,
        related_name="+",
        verbose_name=_("service categories it covers"),
        help_text=_("No services and no categories: it covers every service."),
    )
    companies = models.ManyToManyField(
        "tenancy.Company",
        blank=True,
        related_name="+",
        verbose_name=_("branches"),
        help_text=_("Empty: every branch of the network."),
    )
    validity_days = models.PositiveIntegerField(_("valid for, days"), default=30)
    from_first_use = models.BooleanField(
        _("counted from the first visit"), default=False, help_text=_("Otherwise from the day of the sale.")
    )
    # Without it an abonement counted from the first visit and never used would never end.
    activate_within_days = models.PositiveIntegerField(
        _("starts anyway if not used within, days"),
        default=30,
        help_text=_(
            "Only when counted from the first visit: the period starts this many days after the sale at the latest."
        ),
    )
    freeze_days_max = models.PositiveIntegerField(
        _("may be frozen for, days in total"), default=0, help_text=_("0: cannot be frozen.")
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["is_archived", "title", "id"]
        verbose_name = _("abonement type")
        verbose_name_plural = _("abonement types")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="abonement_type_price_not_neg"),
            models.CheckConstraint(condition=Q(validity_days__gt=0), name="abonement_type_validity_pos"),
            models.CheckConstraint(condition=Q(activate_within_days__gt=0), name="abonement_type_activate_pos"),
        ]

    def __str__(self):
        return self.title


class Abonement(ChainScopedModel):
    """One abonement sold to a client. Its visits (or money) left are the sum of its operations;
    `starts_on`/`ends_on` are set at the sale, or at the first visit when the type says so, and a
    freeze moves `ends_on` later.

    An abonement counted from the first visit starts at the first visit or on `start_by` (the
    sale plus the type's `activate_within_days`), whichever comes first. Until then `starts_on`
    is empty and `ends_on` holds the latest end (`start_by` plus the validity), so the expiry and
    the "expiring soon" message reach an abonement that is never used; the first visit brings
    `ends_on` earlier."""

    type = models.ForeignKey(AbonementType, on_delete=models.PROTECT, related_name="abonements", verbose_name=_("type"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="abonements", verbose_name=_("client")
    )
    company = models.ForeignKey(
        "tenancy.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("sold in")
    )
    sale = models.ForeignKey(
        "finance.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sale")
    )
    sale_line = models.OneToOneField(
        "finance.SaleLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    price = MoneyField(_("price"))
    sold_on = models.DateField(_("sold on"))
    starts_on = models.DateField(_("valid from"), null=True, blank=True)
    start_by = models.DateField(_("starts at the latest on"), null=True, blank=True)
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    notified_expiring = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("abonement")
        verbose_name_plural = _("abonements")
        indexes = [models.Index(fields=["chain", "client"]), models.Index(fields=["chain", "ends_on"])]

    def __str__(self):
        return _("Abonement №%(number)s “%(title)s”") % {"number": self.pk, "title": self.type.title}


class AbonementOpKind(models.TextChoices):
    ISSUE = "issue", _("Sold")
    USE = "use", _("Visit written off")
    GIVE_BACK = "give_back", _("Given back on a refund")
    EXPIRE = "expire", _("Expired")
    CANCEL = "cancel", _("Cancelled: its sale was refunded")


class AbonementOperation(LedgerOperation):
    """One line of an abonement's ledger: `visits` and `amount` are signed (+ sold or given back,
    − written off or expired); a visits abonement moves visits, a money abonement moves money."""

    abonement = models.ForeignKey(Abonement, on_delete=models.PROTECT, related_name="operations")
    kind = models.CharField(_("operation"), max_length=12, choices=AbonementOpKind.choices)
    visits = models.IntegerField(_("visits"), default=0)
    amount = MoneyField(_("amount"), default=0)
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )

    class Meta(LedgerOperation.Meta):
        verbose_name = _("abonement operation")
        verbose_name_plural = _("abonement operations")
        constraints = [
            models.CheckConstraint(condition=~Q(visits=0) | ~Q(amount=0), name="abonement_op_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visits or self.amount}"


class AbonementFreeze(ChainScopedModel):
    """A pause of an abonement: from `starts_on` for `days` days it cannot be used, and its end
    moves `days` days later."""

    abonement = models.ForeignKey(Abonement, on_delete=models.PROTECT, related_name="freezes")
    starts_on = models.DateField(_("from"))
    days = models.PositiveIntegerField(_("days"))
    comment = models.CharField(_("comment"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("freeze")
        verbose_name_plural = _("freezes")
        constraints = [models.CheckConstraint(condition=Q(days__gt=0), name="abonement_freeze_days_pos")]

    def __str__(self):
        return f"{self.starts_on} +{self.days}"
