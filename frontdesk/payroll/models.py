"""Payroll: schemes (templates of how a network pays), their assignment to a specialist in a
branch for a span of dates, manual bonuses and fines, closed periods with the lines they stored,
and payouts. What an employee is owed is never a stored number: it is the ledger of closed
accruals plus manual entries minus payouts (`balances.py`)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel, CompanyScopedModel
from frontdesk.core.money import MoneyField

PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class Basis(models.TextChoices):
    AFTER_DISCOUNT = "after", _("after discount")
    BEFORE_DISCOUNT = "before", _("before discount")


class Scheme(ChainScopedModel):
    """A network's template of pay: a % of services (with per-category and per-service rates or
    fixed amounts in `rules`), a % of the goods the employee sold (with per-goods-category rates
    in `rules`), fixed pay per shift, per hour and per month, and a guaranteed
    minimum per month. Empty parts pay nothing."""

    title = models.CharField(_("name"), max_length=120)
    service_percent = models.DecimalField(_("percent of services"), null=True, blank=True, **PERCENT)
    basis = models.CharField(_("services counted"), max_length=8, choices=Basis.choices, default=Basis.AFTER_DISCOUNT)
    goods_percent = models.DecimalField(_("percent of goods sold"), null=True, blank=True, **PERCENT)
    per_shift = MoneyField(_("per shift"), null=True, blank=True, validators=[MinValueValidator(0)])
    per_hour = MoneyField(_("per hour"), null=True, blank=True, validators=[MinValueValidator(0)])
    per_month = MoneyField(_("per month"), null=True, blank=True, validators=[MinValueValidator(0)])
    minimum = MoneyField(_("guaranteed minimum per month"), null=True, blank=True, validators=[MinValueValidator(0)])
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["is_archived", "title", "id"]
        verbose_name = _("payroll scheme")
        verbose_name_plural = _("payroll schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(service_percent__isnull=True) | Q(service_percent__gte=0, service_percent__lte=100),
                name="scheme_percent_in_range",
            ),
            models.CheckConstraint(
                condition=Q(goods_percent__isnull=True) | Q(goods_percent__gte=0, goods_percent__lte=100),
                name="scheme_goods_percent_in_range",
            ),
        ]

    def __str__(self):
        return self.title


class SchemeRule(ChainScopedModel):
    """A scheme's own rate for one service category or one service: a % or a fixed amount per
    service done. A service's rule beats its category's, which beats the scheme's %. Or a % for
    one goods category (the warehouse's folder; its sub-folders too unless they have their own),
    which beats the scheme's % of goods."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("scheme"))
    category = models.ForeignKey(
        "catalog.ServiceCategory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service category"),
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    goods_category = models.ForeignKey(
        "warehouse.GoodsCategory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goods category"),
    )
    percent = models.DecimalField(_("percent"), null=True, blank=True, **PERCENT)
    fixed = MoneyField(_("fixed amount per service"), null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["scheme", "id"]
        verbose_name = _("scheme rate")
        verbose_name_plural = _("scheme rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=True, service__isnull=False, goods_category__isnull=True)
                | Q(category__isnull=False, service__isnull=True, goods_category__isnull=True)
                | Q(category__isnull=True, service__isnull=True, goods_category__isnull=False, fixed__isnull=True),
                name="scheme_rule_one_target",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True, fixed__isnull=False) | Q(percent__isnull=False, fixed__isnull=True),
                name="scheme_rule_one_rate",
            ),
            models.UniqueConstraint(fields=["scheme", "category"], name="scheme_rule_category_once"),
            models.UniqueConstraint(fields=["scheme", "service"], name="scheme_rule_service_once"),
            models.UniqueConstraint(fields=["scheme", "goods_category"], name="scheme_rule_goods_category_once"),
        ]

    def __str__(self):
        return str(self.service or self.category or self.goods_category)


class Assignment(CompanyScopedModel):
    """A scheme pays a specialist in a branch from `valid_from` to `valid_to` (inclusive; open
    when empty). A specialist's spans in one branch never overlap (services.assign_scheme);
    rows are kept when a span ends, so the history of who was paid how stays."""

    specialist = models.ForeignKey(
        "staff.Specialist", on_delete=models.CASCADE, related_name="+", verbose_name=_("specialist")
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("scheme"))
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["specialist", "valid_from", "id"]
        verbose_name = _("scheme assignment")
        verbose_name_plural = _("scheme assignments")
        indexes = [models.Index(fields=["company", "specialist", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_span_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.specialist_id}: {self.scheme_id} {self.valid_from}–{self.valid_to or ''}"

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class EntryKind(models.TextChoices):
    BONUS = "bonus", _("Bonus")
    FINE = "fine", _("Fine")


class Entry(CompanyScopedModel):
    """A manual bonus (+) or fine (−) with its reason, dated: part of the employee's ledger as
    soon as it is written. Never dated inside a closed period."""

    specialist = models.ForeignKey(
        "staff.Specialist", on_delete=models.PROTECT, related_name="+", verbose_name=_("specialist")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    date = models.DateField(_("date"))
    amount = MoneyField(_("amount"))
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("bonus or fine")
        verbose_name_plural = _("bonuses and fines")
        indexes = [models.Index(fields=["company", "date"]), models.Index(fields=["specialist", "company"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="bonus", amount__gt=0) | Q(kind="fine", amount__lt=0), name="entry_sign_by_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class Period(CompanyScopedModel):
    """A closed stretch of a branch's dates (inclusive): its lines are stored and never change.
    A branch's periods follow each other without gaps or overlaps (services.close_period)."""

    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["-start"]
        verbose_name = _("closed payroll period")
        verbose_name_plural = _("closed payroll periods")
        constraints = [
            models.UniqueConstraint(fields=["company", "start"], name="payroll_period_start_once"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="payroll_period_ordered"),
        ]

    def __str__(self):
        return f"{self.start}–{self.end}"


class LineKind(models.TextChoices):
    SERVICE = "service", _("Service")
    GOODS = "goods", _("Goods")
    SHIFT = "shift", _("Shift")
    HOURS = "hours", _("Hours")
    MONTHLY = "monthly", _("Monthly pay")
    MINIMUM = "minimum", _("Top-up to the minimum")
    ADJUSTMENT = "adjustment", _("Adjustment")


class Line(ChainScopedModel):
    """One accrual line of a closed period, as the calculation made it (calculation.Accrual):
    what it pays for (`key`: the sale line, the shift's date, the month), the base and the rate,
    so that its explanation reads the same for ever, in the reader's language."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="lines", verbose_name=_("period"))
    specialist = models.ForeignKey(
        "staff.Specialist", on_delete=models.PROTECT, related_name="+", verbose_name=_("specialist")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    key = models.CharField(_("what it pays for"), max_length=64)
    date = models.DateField(_("date"))
    title = models.CharField(_("name"), max_length=200, blank=True)
    base = MoneyField(_("base"), null=True, blank=True)
    basis = models.CharField(_("services counted"), max_length=8, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    fixed = MoneyField(_("fixed amount"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=4, null=True, blank=True)
    amount = MoneyField(_("amount"))
    # An adjustment names the date of the line it corrects.
    of_date = models.DateField(_("date of the corrected line"), null=True, blank=True)

    class Meta:
        ordering = ["period", "specialist", "date", "id"]
        indexes = [models.Index(fields=["chain", "key"]), models.Index(fields=["specialist", "period"])]

    def __str__(self):
        return f"{self.kind} {self.key}: {self.amount}"


class PayoutKind(models.TextChoices):
    SALARY = "salary", _("Salary")
    ADVANCE = "advance", _("Advance")


class Payout(CompanyScopedModel):
    """Money paid to an employee: the expense it wrote in finance (`transaction`, under the
    «Salaries» item) is the same money, so the cash desk and the employee's ledger agree."""

    specialist = models.ForeignKey(
        "staff.Specialist", on_delete=models.PROTECT, related_name="+", verbose_name=_("specialist")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PayoutKind.choices, default=PayoutKind.SALARY)
    amount = MoneyField(_("amount"))
    transaction = models.OneToOneField(
        "finance.Transaction", on_delete=models.PROTECT, related_name="+", verbose_name=_("transaction")
    )
    comment = models.CharField(_("comment"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        indexes = [models.Index(fields=["specialist", "company"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class PayrollSettings(ChainScopedModel):
    """The network's payroll settings (defaults when no row)."""

    no_overpay = models.BooleanField(
        _("never pay more than earned"),
        default=True,
        help_text=_("A payout may not exceed what the employee has earned and not yet been paid."),
    )

    class Meta:
        verbose_name = _("payroll settings")
        verbose_name_plural = _("payroll settings")
        constraints = [models.UniqueConstraint(fields=["chain"], name="payroll_settings_once")]

    def __str__(self):
        return str(self.chain_id)


class Touched(CompanyScopedModel):
    """A visit on a closed day whose pay may have changed since (money taken or given back on its
    sale, its record given to another specialist), or a sale with goods sold on a closed day
    (money or goods given back): written by `listeners` inside the change's own transaction, read
    by the calculation that carries adjustments. One of `visit` and `sale` is set. Only added
    (bulk, outside the event log: the change itself is logged where it happened)."""

    visit = models.ForeignKey(
        "scheduling.Visit", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("visit")
    )
    sale = models.ForeignKey(
        "finance.Sale", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("sale")
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit changed after closing")
        verbose_name_plural = _("visits changed after closing")
        indexes = [models.Index(fields=["company", "at"])]

    def __str__(self):
        return f"{self.visit_id} @ {self.at}"
