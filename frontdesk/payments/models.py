"""Fiscal receipts (54-FZ) and online payments of a branch.

A receipt is written to the database in the same transaction as the money it is for (an outbox
row) and handed to the branch's fiscal register after the commit; the register is idempotent on
the receipt's `external_id`, so a retry after a crash never prints a second receipt.

An online payment is our side of a payment at a provider (YooKassa-shaped): created with an
idempotency key, confirmed by the payer on the provider's page, settled by the provider's signed
webhook. A succeeded payment posts exactly one transaction (a unique foreign key holds it)."""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import CompanyScopedModel
from frontdesk.core.money import MoneyField

# --- Fiscal receipts ---------------------------------------------------------------------------


class Taxation(models.TextChoices):
    """The taxation system printed on a receipt (tag 1055)."""

    OSN = "osn", _("General (OSN)")
    USN_INCOME = "usn_income", _("Simplified, income (USN 6%)")
    USN_INCOME_OUTCOME = "usn_income_outcome", _("Simplified, income minus expenses (USN 15%)")
    ESN = "esn", _("Unified agricultural tax (ESHN)")
    PATENT = "patent", _("Patent")


class Vat(models.TextChoices):
    """The VAT rate of a receipt line (tag 1199)."""

    NONE = "none", _("Without VAT")
    VAT0 = "vat0", _("VAT 0%")
    VAT5 = "vat5", _("VAT 5%")
    VAT7 = "vat7", _("VAT 7%")
    VAT10 = "vat10", _("VAT 10%")
    VAT20 = "vat20", _("VAT 20%")


class FiscalDriver(models.TextChoices):
    OFF = "off", _("No receipts")
    TEST = "test", _("Test register (receipts are kept here, not sent to the tax service)")
    ATOL = "atol", _("ATOL Online")


class FiscalSettings(CompanyScopedModel):
    """How a branch prints its receipts (one row per branch, made on first use)."""

    driver = models.CharField(
        _("fiscal register"), max_length=16, choices=FiscalDriver.choices, default=FiscalDriver.OFF
    )
    taxation = models.CharField(
        _("taxation system"), max_length=24, choices=Taxation.choices, default=Taxation.USN_INCOME
    )
    vat = models.CharField(_("VAT rate of services"), max_length=8, choices=Vat.choices, default=Vat.NONE)
    inn = models.CharField(_("seller's INN"), max_length=12, blank=True)
    payment_address = models.CharField(
        _("place of settlement"), max_length=255, blank=True, help_text=_("The address or site printed on receipts.")
    )
    cashier_inn = models.CharField(_("cashier's INN"), max_length=12, blank=True)
    # ATOL Online: the integration's login, password and group of registers, and the seller's
    # email printed on receipts (the API requires it).
    atol_login = models.CharField(_("ATOL Online login"), max_length=100, blank=True)
    atol_password = models.CharField(_("ATOL Online password"), max_length=200, blank=True)
    atol_group_code = models.CharField(_("ATOL Online group code"), max_length=100, blank=True)
    seller_email = models.EmailField(_("seller's email on receipts"), blank=True)

    AUDIT_EXCLUDE = ("atol_password",)

    class Meta:
        verbose_name = _("receipt settings")
        verbose_name_plural = _("receipt settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="one_fiscal_settings_per_branch")]

    def __str__(self):
        return f"{self.company}"

    @classmethod
    def for_company(cls, company) -> "FiscalSettings":
        row = cls.objects.filter(company=company).first()
        if row is None:
            row, _created = cls.objects.get_or_create(company=company, defaults={"chain_id": company.chain_id})
        return row


class ReceiptOperation(models.TextChoices):
    SELL = "sell", _("Sale")
    SELL_REFUND = "sell_refund", _("Refund of a sale")


class ReceiptStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the register")
    DONE = "done", _("Registered")
    FAILED = "failed", _("Register refused")


class FiscalShift(CompanyScopedModel):
    """A shift of the branch's fiscal register: opened before the first receipt, closed with the
    day's report."""

    driver = models.CharField(max_length=16, choices=FiscalDriver.choices)
    number = models.PositiveIntegerField(_("shift number"))
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    receipts_count = models.PositiveIntegerField(_("receipts"), default=0)
    report = models.JSONField(_("closing report"), default=dict, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("register shift")
        verbose_name_plural = _("register shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "driver"], condition=Q(closed_at__isnull=True), name="fiscal_shift_one_open"
            ),
            models.UniqueConstraint(fields=["company", "driver", "number"], name="fiscal_shift_number_once"),
        ]

    def __str__(self):
        return f"{self.company} #{self.number}"


class FiscalReceipt(CompanyScopedModel):
    """A 54-FZ receipt: what was sent to the register (`document`, the receipt's fields) and
    what the register answered (the fiscal attributes)."""

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    operation = models.CharField(_("operation"), max_length=16, choices=ReceiptOperation.choices)
    status = models.CharField(_("status"), max_length=16, choices=ReceiptStatus.choices, default=ReceiptStatus.PENDING)
    driver = models.CharField(_("fiscal register"), max_length=16, choices=FiscalDriver.choices)
    sale = models.ForeignKey(
        "finance.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sale")
    )
    online_payment = models.ForeignKey(
        "payments.OnlinePayment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The transactions the receipt is for: one receipt per operation that took or gave back money.
    transactions = models.ManyToManyField("finance.Transaction", related_name="+")
    total = MoneyField(_("total"))
    document = models.JSONField(_("receipt"))
    email = models.EmailField(_("send to email"), blank=True)
    # The register's answer.
    fiscal_document_number = models.CharField(_("fiscal document number"), max_length=16, blank=True)
    fiscal_sign = models.CharField(_("fiscal sign"), max_length=16, blank=True)
    fn_number = models.CharField(_("fiscal drive number"), max_length=20, blank=True)
    shift_number = models.PositiveIntegerField(_("shift number"), null=True, blank=True)
    number_in_shift = models.PositiveIntegerField(_("receipt number in the shift"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        indexes = [models.Index(fields=["company", "created_at"]), models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return _("Receipt #%(number)s") % {"number": self.pk}


class TestRegisterDocument(CompanyScopedModel):
    """The built-in test register's own memory: every document it has fiscalised, keyed by the
    external id like a real online cash desk, so a repeated request returns the first answer."""

    __test__ = False  # not a pytest class

    external_id = models.UUIDField(unique=True)
    operation = models.CharField(max_length=16)
    shift_number = models.PositiveIntegerField()
    number_in_shift = models.PositiveIntegerField()
    fiscal_document_number = models.PositiveIntegerField()
    fiscal_sign = models.CharField(max_length=16)
    fn_number = models.CharField(max_length=20)
    payload = models.JSONField()
    registered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("test register document")
        verbose_name_plural = _("test register documents")
        constraints = [
            models.UniqueConstraint(fields=["company", "fiscal_document_number"], name="test_register_fd_once")
        ]

    def __str__(self):
        return str(self.fiscal_document_number)


# --- Online payments ---------------------------------------------------------------------------


class ProviderCode(models.TextChoices):
    OFF = "off", _("No online payments")
    TEST = "test", _("Test provider (no real money)")
    YOOKASSA = "yookassa", _("YooKassa")


def _secret() -> str:
    return secrets.token_urlsafe(32)


class PaymentSettings(CompanyScopedModel):
    """A branch's online payments: the provider, the account the money lands on, how long an
    unpaid booking holds its time, and the default prepayment rule."""

    provider = models.CharField(
        _("payment provider"), max_length=16, choices=ProviderCode.choices, default=ProviderCode.OFF
    )
    shop_id = models.CharField(_("shop ID"), max_length=64, blank=True)
    secret_key = models.CharField(
        _("secret key"), max_length=200, blank=True, help_text=_("Stored as entered; never shown again.")
    )
    webhook_secret = models.CharField(_("webhook secret"), max_length=64, default=_secret)
    account = models.ForeignKey(
        "finance.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bank account for online payments"),
    )
    hold_minutes = models.PositiveIntegerField(
        _("an unpaid booking is released after, minutes"),
        default=30,
        help_text=_("The time stays held for the client while the payment is waited for."),
    )
    default_mode = models.CharField(_("prepayment by default"), max_length=16, default="off")

    AUDIT_EXCLUDE = ("webhook_secret", "secret_key")

    class Meta:
        verbose_name = _("online payment settings")
        verbose_name_plural = _("online payment settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="one_payment_settings_per_branch")]

    def __str__(self):
        return f"{self.company}"

    @classmethod
    def for_company(cls, company) -> "PaymentSettings":
        row = cls.objects.filter(company=company).first()
        if row is None:
            row, _created = cls.objects.get_or_create(company=company, defaults={"chain_id": company.chain_id})
        return row


class PrepaymentMode(models.TextChoices):
    OFF = "off", _("No prepayment")
    ALLOWED = "allowed", _("Client may pay online")
    REQUIRED = "required", _("Prepayment required")


class PrepaymentRule(CompanyScopedModel):
    """Prepayment of a service, of a specialist, or of a service by a specialist. The most
    specific rule wins: service + specialist, then service, then specialist, then the branch."""

    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    specialist = models.ForeignKey(
        "staff.Specialist", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    mode = models.CharField(_("prepayment"), max_length=16, choices=PrepaymentMode.choices)

    class Meta:
        verbose_name = _("prepayment rule")
        verbose_name_plural = _("prepayment rules")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "service", "specialist"],
                condition=Q(service__isnull=False, specialist__isnull=False),
                name="prepayment_rule_pair_once",
            ),
            models.UniqueConstraint(
                fields=["company", "service"],
                condition=Q(service__isnull=False, specialist__isnull=True),
                name="prepayment_rule_service_once",
            ),
            models.UniqueConstraint(
                fields=["company", "specialist"],
                condition=Q(service__isnull=True, specialist__isnull=False),
                name="prepayment_rule_specialist_once",
            ),
        ]

    def __str__(self):
        return self.get_mode_display()


class OnlinePaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    SUCCEEDED = "succeeded", _("Paid")
    CANCELED = "canceled", _("Cancelled")


class OnlinePayment(CompanyScopedModel):
    """Our side of one payment at the provider: the prepayment of a booked visit."""

    visit = models.ForeignKey("scheduling.Visit", on_delete=models.PROTECT, related_name="online_payments")
    provider = models.CharField(max_length=16, choices=ProviderCode.choices)
    provider_payment_id = models.CharField(max_length=64, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    amount = MoneyField(_("amount"))
    status = models.CharField(
        _("status"), max_length=16, choices=OnlinePaymentStatus.choices, default=OnlinePaymentStatus.PENDING
    )
    required = models.BooleanField(_("prepayment required"), default=False)
    confirmation_url = models.CharField(max_length=500, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    hold_until = models.DateTimeField(_("held until"), null=True, blank=True)
    transaction = models.OneToOneField(
        "finance.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="online_payment"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        indexes = [models.Index(fields=["status", "hold_until"])]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="online_payment_provider_id_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="online_payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.provider_payment_id}"


class TestProviderPayment(CompanyScopedModel):
    """The built-in test provider's own memory, as a real provider keeps it on its side."""

    __test__ = False  # not a pytest class

    payment_id = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=64)
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, default=OnlinePaymentStatus.PENDING)
    return_url = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test provider payment")
        verbose_name_plural = _("test provider payments")
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="test_provider_idempotency_once")
        ]

    def __str__(self):
        return self.payment_id


class OnlineRefundStatus(models.TextChoices):
    """A refund's status at the provider (YooKassa's words)."""

    PENDING = "pending", _("Being refunded")
    SUCCEEDED = "succeeded", _("Refunded")
    CANCELED = "canceled", _("Refused")


class OnlineRefund(CompanyScopedModel):
    """Money of an online payment given back through its provider: the provider's refund and the
    refund transaction of our ledger it belongs to (one each way). The idempotency key is derived
    from the original transaction and what was refunded of it before, so a retry after a crash
    asks the provider for the same refund again instead of a second one."""

    online_payment = models.ForeignKey(
        OnlinePayment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("online payment")
    )
    transaction = models.OneToOneField(
        "finance.Transaction", on_delete=models.PROTECT, related_name="online_refund", verbose_name=_("refund")
    )
    provider = models.CharField(max_length=16, choices=ProviderCode.choices)
    provider_refund_id = models.CharField(_("refund at the provider"), max_length=64)
    idempotency_key = models.CharField(max_length=64)
    amount = MoneyField(_("amount"))
    status = models.CharField(_("status"), max_length=16, choices=OnlineRefundStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("online refund")
        verbose_name_plural = _("online refunds")
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_refund_id"], name="online_refund_provider_id_once"),
            models.UniqueConstraint(fields=["idempotency_key"], name="online_refund_key_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="online_refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.provider_refund_id}"


class TestProviderRefund(CompanyScopedModel):
    """The built-in test provider's memory of the refunds it made, keyed by idempotency key."""

    __test__ = False  # not a pytest class

    refund_id = models.CharField(max_length=64, unique=True)
    payment = models.ForeignKey(TestProviderPayment, on_delete=models.PROTECT, related_name="refunds")
    idempotency_key = models.CharField(max_length=64)
    amount = MoneyField()
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test provider refund")
        verbose_name_plural = _("test provider refunds")
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="test_provider_refund_key_once")
        ]

    def __str__(self):
        return self.refund_id
