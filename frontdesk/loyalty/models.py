"""Loyalty: programmes (cumulative discounts, bonuses, promotions) of a network, the clients'
cards, the bonus ledger and referrals.

A card's bonus balance is never stored: it is the sum of its `BonusOperation` rows (DESIGN.md
invariant 3). Operations are only added; an expiry, a refund or a correction is a new row.
Certificates and abonements live in frontdesk/prepaid."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel
from frontdesk.core.money import MoneyField
from frontdesk.finance.models import SaleStatus

PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "default": 0,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


def percent_text(value) -> str:
    """12.50 → 12.5 and 10.00 → 10, in the page's number format."""
    return formats.number_format(Decimal(f"{Decimal(value).normalize():f}"))


class ProgrammeKind(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative discount")
    BONUS = "bonus", _("Bonuses (cashback)")
    EVERY_NTH = "every_nth", _("Every Nth visit free")
    FIRST_VISIT = "first_visit", _("Discount on the first visit for a service")


# The types whose programmes have steps (a cumulative discount, or a bonus programme's statuses).
STEP_KINDS = frozenset({ProgrammeKind.CUMULATIVE, ProgrammeKind.BONUS})


class Basis(models.TextChoices):
    VISITS = "visits", _("Number of paid visits")
    SPEND = "spend", _("Money spent")


class Programme(ChainScopedModel):
    """A loyalty programme of the network. Which fields matter depends on `kind`; the steps
    (`Tier`) give a cumulative discount or, in a bonus programme, statuses with their own
    cashback. A card may belong to several programmes: see rules.py for which one applies."""

    title = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=16, choices=ProgrammeKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    all_branches = models.BooleanField(_("valid in every branch"), default=True)
    branches = models.ManyToManyField(
        "tenancy.Company", blank=True, related_name="+", verbose_name=_("branches where it is valid")
    )
    auto_issue = models.BooleanField(
        _("issue a card automatically on the first paid visit"),
        default=False,
    )
    self_issue = models.BooleanField(
        _("clients may join by the QR code at the counter"),
        default=False,
    )
    combinable = models.BooleanField(
        _("bonuses accrue also when a discount is given"),
        default=True,
        help_text=_("Off: a check with any discount earns no bonuses in this programme."),
    )
    # The steps: counted on visits or on money, over a window, lapsing without visits.
    basis = models.CharField(_("steps are counted on"), max_length=8, choices=Basis.choices, default=Basis.VISITS)
    window_days = models.PositiveIntegerField(
        _("count over the last, days"), null=True, blank=True, help_text=_("Empty: the whole history.")
    )
    lapse_days = models.PositiveIntegerField(
        _("the discount lapses after days without visits"), null=True, blank=True, help_text=_("Empty: never.")
    )
    # Bonuses.
    accrual_percent = models.DecimalField(_("bonuses accrued on the money paid, %"), **PERCENT)
    redeem_percent = models.DecimalField(_("bonuses may pay at most this share of a check, %"), **PERCENT)
    bonus_lifetime_days = models.PositiveIntegerField(
        _("bonuses expire after, days"), null=True, blank=True, help_text=_("Empty: never.")
    )
    welcome_bonus = MoneyField(_("welcome bonus on issue"), default=0, validators=[MinValueValidator(0)])
    birthday_bonus = MoneyField(_("birthday bonus"), default=0, validators=[MinValueValidator(0)])
    # Promotions.
    nth = models.PositiveSmallIntegerField(
        _("every Nth visit is free, N ="), null=True, blank=True, validators=[MinValueValidator(2)]
    )
    percent = models.DecimalField(_("discount, %"), **PERCENT)
    services = models.ManyToManyField(
        "catalog.Service", blank=True, related_name="+", verbose_name=_("only these services")
    )
    categories = models.ManyToManyField(
        "catalog.ServiceCategory", blank=True, related_name="+", verbose_name=_("only these service categories")
    )
    # Referrals: rewarded on the newcomer's first paid visit.
    referrer_bonus = MoneyField(_("bonus to the client who recommended"), default=0, validators=[MinValueValidator(0)])
    newcomer_bonus = MoneyField(_("bonus to the newcomer"), default=0, validators=[MinValueValidator(0)])
    newcomer_discount = models.DecimalField(_("discount to the newcomer on the first visit, %"), **PERCENT)
    referrer_discount = models.DecimalField(
        _("discount to the client who recommended on their next visit, %"),
        help_text=_("Granted when the newcomer pays the first visit; used once, at the client's next checkout."),
        **PERCENT,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "title", "id"]
        verbose_name = _("loyalty programme")
        verbose_name_plural = _("loyalty programmes")

    def __str__(self):
        return self.title

    @property
    def has_steps(self) -> bool:
        """Whether steps apply to this type (rules.py reads them only then)."""
        return self.kind in STEP_KINDS

    def valid_in(self, company_id) -> bool:
        if self.all_branches:
            return True
        return any(b.pk == company_id for b in self.branches.all())


class Tier(ChainScopedModel):
    """One step of a programme: from `threshold` (visits or money) on, this discount or cashback,
    under a status name if given (Silver, Gold)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tiers")
    threshold = models.DecimalField(_("from"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    name = models.CharField(_("status"), max_length=60, blank=True)
    discount_services = models.DecimalField(_("discount on services, %"), **PERCENT)
    discount_goods = models.DecimalField(_("discount on goods, %"), **PERCENT)
    accrual_percent = models.DecimalField(
        _("cashback, %"), max_digits=5, decimal_places=2, null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["programme", "threshold", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [models.UniqueConstraint(fields=["programme", "threshold"], name="loyalty_tier_threshold_once")]

    def __str__(self):
        return self.name or str(self.threshold)

    def cashback(self):
        """The step's cashback in a bonus programme: its own, else the programme's (rules.py)."""
        return self.programme.accrual_percent if self.accrual_percent is None else self.accrual_percent

    def benefit(self) -> str:
        """What the step gives, in words, by its programme's type — the one text every list of
        steps shows: a bonus programme's status is its cashback (and a discount if it has one),
        a cumulative step its discounts."""
        parts = []
        if self.programme.kind == ProgrammeKind.BONUS:
            parts.append(_("cashback %(percent)s%%") % {"percent": percent_text(self.cashback())})
        if self.discount_services:
            parts.append(_("%(percent)s%% off services") % {"percent": percent_text(self.discount_services)})
        if self.discount_goods:
            parts.append(_("%(percent)s%% off goods") % {"percent": percent_text(self.discount_goods)})
        return ", ".join(str(part) for part in parts) or str(_("no discount"))


class CategoryRate(ChainScopedModel):
    """A bonus programme's own cashback for one service category."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="category_rates")
    category = models.ForeignKey("catalog.ServiceCategory", on_delete=models.CASCADE, related_name="+")
    accrual_percent = models.DecimalField(_("cashback, %"), **PERCENT)

    class Meta:
        verbose_name = _("cashback of a category")
        verbose_name_plural = _("cashback of categories")
        constraints = [models.UniqueConstraint(fields=["programme", "category"], name="loyalty_category_rate_once")]


class IssuedVia(models.TextChoices):
    HAND = "hand", _("By hand")
    AUTO = "auto", _("Automatically on the first paid visit")
    QR = "qr", _("By the client through the QR code")
    DEMO = "demo", _("Demo data")


class Card(ChainScopedModel):
    """A client's loyalty card: one per client in the network, valid in the programmes' branches."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="loyalty_cards")
    number = models.CharField(_("card number"), max_length=20)
    referral_code = models.CharField(_("referral code"), max_length=12)
    programmes = models.ManyToManyField(Programme, through="Membership", related_name="cards")
    company = models.ForeignKey(
        "tenancy.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued in"),
    )
    issued_via = models.CharField(_("issued"), max_length=8, choices=IssuedVia.choices, default=IssuedVia.HAND)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("issued on"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("loyalty card")
        verbose_name_plural = _("loyalty cards")
        constraints = [
            models.UniqueConstraint(fields=["chain", "client"], name="loyalty_card_one_per_client"),
            models.UniqueConstraint(fields=["chain", "number"], name="loyalty_card_number_once"),
            models.UniqueConstraint(fields=["chain", "referral_code"], name="loyalty_referral_code_once"),
        ]

    def __str__(self):
        return self.number


class Membership(ChainScopedModel):
    """A card in a programme, with the status (step) it has reached there."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="memberships")
    tier = models.ForeignKey(Tier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("card in a programme")
        verbose_name_plural = _("cards in programmes")
        constraints = [models.UniqueConstraint(fields=["card", "programme"], name="loyalty_membership_once")]


class OperationKind(models.TextChoices):
    ACCRUAL = "accrual", _("Accrued for a purchase")
    REDEMPTION = "redemption", _("Paid with bonuses")
    EXPIRY = "expiry", _("Expired")
    ACCRUAL_REVERSAL = "accrual_reversal", _("Accrual taken back on a refund")
    REDEMPTION_RETURN = "redemption_return", _("Returned on a refund")
    MANUAL = "manual", _("Manual adjustment")
    WELCOME = "welcome", _("Welcome bonus")
    BIRTHDAY = "birthday", _("Birthday bonus")
    REFERRAL = "referral", _("Referral reward")


class BonusOperation(ChainScopedModel):
    """One line of a card's bonus ledger. `amount` is signed: bonuses in are positive, out are
    negative. A positive row is a lot that may expire at `expires_at`; the expiry of a lot is a
    row pointing to it (`reverses`). `key` makes an operation that must happen once (the accrual
    of a sale, a year's birthday bonus, a lot's expiry) unique, so a retried job cannot repeat it."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="operations")
    company = models.ForeignKey(
        "tenancy.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("branch")
    )
    kind = models.CharField(_("operation"), max_length=20, choices=OperationKind.choices)
    amount = MoneyField(_("bonuses"))
    sale = models.ForeignKey(
        "finance.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sale")
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals")
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # What the accrual was counted on (the money paid), for proportional reversal on a refund.
    base = MoneyField(null=True, blank=True)
    key = models.CharField(max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bonus operation")
        verbose_name_plural = _("bonus operations")
        indexes = [models.Index(fields=["chain", "card", "created_at"], name="loyalty_op_card_time")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="loyalty_op_amount_not_zero"),
            models.UniqueConstraint(fields=["chain", "key"], condition=~Q(key=""), name="loyalty_op_key_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class Referral(ChainScopedModel):
    """A newcomer who came on a client's recommendation (code, link or QR). Both are rewarded on
    the newcomer's first paid visit, once.

    The referrer's reward may be a discount on their next visit (`referrer_discount`, granted with
    the reward by the programme `discount_programme`). It waits until a sale applies it:
    `discount_sale` is the sale that used it, set under this row's lock when that sale is written;
    a refund of that whole sale makes it wait again."""

    referrer_card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="referrals")
    newcomer = models.OneToOneField("clients.Client", on_delete=models.PROTECT, related_name="loyalty_referral")
    created_at = models.DateTimeField(auto_now_add=True)
    rewarded_at = models.DateTimeField(_("rewarded"), null=True, blank=True)
    sale = models.ForeignKey("finance.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    referrer_discount = models.DecimalField(
        _("discount to the client who recommended, %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    discount_programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    discount_sale = models.ForeignKey(
        "finance.Sale",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("discount used on"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return f"{self.referrer_card} → {self.newcomer_id}"

    def discount_waiting_for(self, sale=None) -> bool:
        """The referrer's discount is granted and not used by a sale other than `sale` (a sale
        refunded whole gives it back)."""
        if not self.rewarded_at or self.referrer_discount <= 0:
            return False
        used = self.discount_sale
        return used is None or used.status == SaleStatus.REFUNDED or (sale is not None and used.pk == sale.pk)

    @property
    def discount_waiting(self) -> bool:
        return self.discount_waiting_for()
