"""The money: accounts (cash desks and bank accounts), payment items, counterparties, the
transactions that are the ledger, transfers, cash shifts, and the sales that check visits out.

An account's balance is never stored: it is the sum of its transactions (DESIGN.md invariant 3).
Transactions are only ever added; a mistake or a refund is a new transaction that points to the
one it reverses."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel, CompanyScopedModel
from frontdesk.core.money import MoneyField, to_money


class AccountKind(models.TextChoices):
    CASH = "cash", _("Cash desk")
    BANK = "bank", _("Bank account")


class Account(CompanyScopedModel):
    """A branch's cash desk or bank account, in the network's currency."""

    title = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=8, choices=AccountKind.choices, default=AccountKind.CASH)
    allow_negative = models.BooleanField(
        _("may go below zero"),
        default=False,
        help_text=_(
            "Usually only a bank account with an overdraft may; a cash desk cannot hand out money it has not got."
        ),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title", "id"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.title


class ItemKind(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


# The nine items every network starts with (code, kind, label). The label is shown in the reader's
# language until somebody renames the item.
DEFAULT_ITEMS = [
    ("services", ItemKind.INCOME, _("Income from services")),
    ("goods", ItemKind.INCOME, _("Income from goods")),
    ("certificates", ItemKind.INCOME, _("Sale of certificates and abonements")),
    ("salaries", ItemKind.EXPENSE, _("Salaries")),
    ("rent", ItemKind.EXPENSE, _("Rent")),
    ("purchases", ItemKind.EXPENSE, _("Purchase of goods and consumables")),
    ("utilities", ItemKind.EXPENSE, _("Utilities")),
    ("taxes", ItemKind.EXPENSE, _("Taxes")),
    ("advertising", ItemKind.EXPENSE, _("Advertising")),
]
DEFAULT_LABELS = {code: label for code, _kind, label in DEFAULT_ITEMS}
# Technical items the services need (a transfer moves money, it is neither income nor expense).
TRANSFER_CODE = "transfer"


class PaymentItem(ChainScopedModel):
    """A payment item («статья платежа»): what a transaction is for. Every transaction has one."""

    title = models.CharField(_("name"), max_length=120, blank=True)
    kind = models.CharField(_("type"), max_length=8, choices=ItemKind.choices, default=ItemKind.EXPENSE)
    # Set for the defaults the services look up (income from services); empty for the network's own.
    code = models.CharField(max_length=32, blank=True, editable=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["kind", "sort_order", "id"]
        verbose_name = _("payment item")
        verbose_name_plural = _("payment items")
        constraints = [
            models.UniqueConstraint(fields=["chain", "code"], condition=~Q(code=""), name="payment_item_code_once"),
        ]

    def __str__(self):
        if self.title:
            return self.title
        if self.code == TRANSFER_CODE:
            return str(_("Transfer between accounts"))
        return str(DEFAULT_LABELS.get(self.code, self.code))


class CounterpartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    LEGAL = "legal", _("Legal entity")


class Counterparty(ChainScopedModel):
    """Who a payment goes to or comes from: a supplier, a landlord, a person."""

    kind = models.CharField(_("type"), max_length=8, choices=CounterpartyKind.choices, default=CounterpartyKind.LEGAL)
    name = models.CharField(_("name"), max_length=200)
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bik = models.CharField(_("BIK"), max_length=9, blank=True)
    bank_account = models.CharField(_("settlement account"), max_length=20, blank=True)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")

    def __str__(self):
        return self.name


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online")


class LineKind(models.TextChoices):
    SERVICE = "service", _("Service")
    GOODS = "goods", _("Goods")
    CERTIFICATE = "certificate", _("Gift certificate")
    ABONEMENT = "abonement", _("Abonement")


class SaleStatus(models.TextChoices):
    UNPAID = "unpaid", _("Not paid")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")


class Sale(CompanyScopedModel):
    """The checkout of one visit, or a sale at the counter (a certificate, an abonement) with no
    visit: its lines, the discount, the total. What was paid is the sum of the sale's transactions
    and of its payments by loyalty means (bonuses, a certificate, an abonement); `paid` (net of
    refunds) and `refunded` cache it, written under the sale's lock, for lists and debts. A refund
    lowers what the client owes, so it never makes a debt."""

    visit = models.OneToOneField(
        "scheduling.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sale",
        verbose_name=_("visit"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
        verbose_name=_("client"),
    )
    subtotal = MoneyField(_("sum of the lines"))
    discount = MoneyField(_("discount"), default=0)
    # Where the discount came from: "" when typed by hand, else the loyalty rule that offered it
    # (its source code and the reason shown at the desk, kept as it read at the time).
    discount_source = models.CharField(_("discount source"), max_length=64, blank=True)
    discount_label = models.CharField(_("discount reason"), max_length=200, blank=True)
    total = MoneyField(_("total"))
    paid = MoneyField(_("paid"), default=0)
    refunded = MoneyField(_("refunded"), default=0)
    status = models.CharField(_("payment"), max_length=16, choices=SaleStatus.choices, default=SaleStatus.UNPAID)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        indexes = [models.Index(fields=["chain", "client", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(discount__gte=0) & Q(total__gte=0), name="sale_amounts_not_negative"),
        ]

    def __str__(self):
        return _("Sale #%(number)s") % {"number": self.pk}

    @property
    def debt(self):
        return max(self.total - self.paid - self.refunded, 0)


class SaleLine(ChainScopedModel):
    """What was sold at the price the administrator charged: a service of the visit, or a product
    (`kind` says which, `ref` names the product for the module that sells it) sold at the counter
    or added to a visit.

    `price` is the price of one unit, `quantity` how many (1 for a service, a certificate, an
    abonement), `amount` the line's sum before the sale's discount: price × quantity in kopecks,
    written with the line. Every figure that weighs lines (the discount's split, receipts,
    analytics) weighs `amount`. `returned` is how many units the client gave back through refunds
    (written under the sale's lock), so a module that gave something out (stock) takes it back.
    `seller` is who sold a product (payroll counts it); `vat` the VAT code of a receipt line as
    the selling module gave it ("" — the branch's own rate)."""

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices, default=LineKind.SERVICE)
    ref = models.CharField(max_length=64, blank=True)
    record_service = models.ForeignKey(
        "scheduling.RecordService", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    title = models.CharField(_("name"), max_length=200)
    price = MoneyField(_("price"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=Decimal("1"))
    amount = MoneyField(_("sum"), default=Decimal("0"))
    returned = models.DecimalField(_("returned"), max_digits=14, decimal_places=3, default=Decimal("0"))
    seller = models.ForeignKey(
        "staff.Specialist",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seller"),
    )
    vat = models.CharField(_("VAT rate"), max_length=8, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sale", "position", "id"]
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sale_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(returned__gte=0) & Q(returned__lte=F("quantity")), name="sale_line_returned_within"
            ),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A line built in code without its sum (a test factory, a bulk insert of a visit's services)
        # gets price × quantity; a row read from the database (positional values) keeps its own.
        if not args and "amount" not in kwargs and self.price is not None:
            self.amount = to_money(Decimal(str(self.price)) * Decimal(str(self.quantity or 1)))

    def __str__(self):
        return self.title


class MeansPayment(CompanyScopedModel):
    """A payment of a sale by a loyalty means — bonuses, a gift certificate, an abonement — rather
    than money into an account. The means keeps its own ledger (`operation` names the row it wrote
    there); this row is the sale's side of it. Signed like a transaction: + paid, − given back."""

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="means_payments", verbose_name=_("sale"))
    code = models.CharField(_("paid with"), max_length=32)
    ref = models.CharField(max_length=64, blank=True)
    label = models.CharField(_("description"), max_length=200, blank=True)
    operation = models.CharField(max_length=64, blank=True)
    amount = MoneyField(_("amount"))
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals", verbose_name=_("reverses")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("payment by a loyalty means")
        verbose_name_plural = _("payments by loyalty means")
        indexes = [models.Index(fields=["company", "created_at"], name="means_payment_company_time")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="means_payment_amount_not_zero")]

    def __str__(self):
        return f"{self.code} {self.ref}: {self.amount}"


class Transfer(CompanyScopedModel):
    """Money moved from one account to another: one outgoing and one incoming transaction."""

    from_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    amount = MoneyField(_("amount"))
    comment = models.CharField(_("comment"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive")]

    def __str__(self):
        return f"{self.from_account} → {self.to_account}: {self.amount}"


class Transaction(CompanyScopedModel):
    """One line of an account's ledger. `amount` is signed: money in is positive, money out is
    negative. Rows are only added; a refund or a correction is a new row pointing to the old."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("account")
    )
    amount = MoneyField(_("amount"))
    method = models.CharField(_("payment method"), max_length=8, choices=PaymentMethod.choices)
    item = models.ForeignKey(PaymentItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("payment item"))
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transactions",
        verbose_name=_("counterparty"),
    )
    sale = models.ForeignKey(
        Sale, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions", verbose_name=_("sale")
    )
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions")
    # A refund or a reversal points to the transaction it gives back.
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals", verbose_name=_("reverses")
    )
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        indexes = [
            models.Index(fields=["chain", "account", "occurred_at"], name="transaction_chain_account_time"),
            models.Index(fields=["company", "occurred_at"], name="transaction_company_time"),
            # Covers an account's balance at a moment (the cash report's opening balance): the sum
            # over the account's history is read from the index alone, never from the table.
            models.Index(fields=["account", "occurred_at", "amount"], name="transaction_account_balance"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="transaction_amount_not_zero")]

    def __str__(self):
        return f"{self.account}: {self.amount}"


class CashShift(CompanyScopedModel):
    """A cash desk's working shift: opened in the morning, closed in the evening with the money
    counted in the drawer; the difference from the ledger is the discrepancy."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("cash desk"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opening_balance = MoneyField(_("balance at opening"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expected = MoneyField(_("balance at closing"), null=True, blank=True)
    counted = MoneyField(_("counted"), null=True, blank=True)
    discrepancy = MoneyField(_("discrepancy"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=255, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("cash shift")
        verbose_name_plural = _("cash shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(closed_at__isnull=True), name="cash_shift_one_open_per_desk"
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class BalanceCheckpoint(CompanyScopedModel):
    """A cached partial sum of an account's ledger, so a report need not add up its whole history
    to know the balance at a moment: `total` is the sum of the account's transactions that
    occurred before `before` AND whose id is at most `up_to_id`. Transactions are only ever added,
    never changed, so the sum stays exact for ever; whatever arrives later (a higher id, even
    backdated) is added by the reader. Written by finance.checkpoints, read only there."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    before = models.DateTimeField()
    up_to_id = models.BigIntegerField()
    total = MoneyField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "before"], name="balance_checkpoint_once"),
        ]

    def __str__(self):
        return f"{self.account_id} < {self.before:%Y-%m-%d}: {self.total}"
