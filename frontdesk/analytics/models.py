"""The analytics app's own rows. It changes no other app's rows.

- The network's analytics settings (`AnalyticsSettings`).
- The builder's saved reports and subscriptions live in `builder/models.py` (imported here so
  Django finds them).
- The per-client facts of the clients reports (`ClientMonth` for the retention cohorts,
  `ClientVisit` for clients and churn), kept by `client_facts`.
- The daily fact tables behind the overview's period figures (docs/analytics.md, «The data
  path»): a fact row is a sum over one branch's local date (and, for `DayFacts`, one specialist),
  computed from the raw tables by ONE function (`frontdesk.analytics.facts.compute`) — never
  incremented. The domain events mark the (branch, date) pairs a change touched as stale
  (`StaleDay`); a reader recomputes the stale days in its range before it reads. `manage.py
  rebuild_analytics` recomputes everything, `manage.py verify_analytics` compares the stored rows
  with a fresh computation. Facts are not business records: no event log, no audit; the scoped
  manager keeps a forgotten scope an error.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import ChainScopedModel
from frontdesk.core.money import MoneyField
from frontdesk.core.scopes import ScopedManager

__all__ = [
    "AnalyticsSettings",
    "ClientMonth",
    "ClientVisit",
    "DayFacts",
    "DayMoney",
    "DayMoneyPart",
    "ReportSubscription",
    "SavedReport",
    "StaleDay",
]


class AnalyticsSettings(ChainScopedModel):
    """A network's choices for its reports, one row per network (created when first saved).

    `advertising_item`: the finance payment item whose expense rows are the advertising spend in
    the LTV formula. Empty: the network's default «Advertising» item (finance's code
    "advertising"). An item deleted or archived later simply stops counting — SET_NULL keeps the
    settings row."""

    advertising_item = models.ForeignKey(
        "finance.PaymentItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advertising spend item"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")
        constraints = [models.UniqueConstraint(fields=["chain"], name="analytics_settings_once_per_network")]

    def __str__(self):
        return str(_("Analytics settings"))


class _Fact(models.Model):
    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()  # the branch's local date

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        abstract = True


class DayFacts(_Fact):
    """One specialist's records and hours on one local date of one branch. Records are counted by
    their start's local date; a record is one specialist's part of a visit, as YCLIENTS counts."""

    specialist = models.ForeignKey("staff.Specialist", on_delete=models.CASCADE, related_name="+")
    # By status group (overview.STATUS_GROUPS).
    came = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    upcoming = models.PositiveIntegerField(default=0)
    # By source (RecordSource), cancelled records included; `series` counts records of a series.
    source_admin = models.PositiveIntegerField(default=0)
    source_online = models.PositiveIntegerField(default=0)
    source_widget = models.PositiveIntegerField(default=0)
    source_api = models.PositiveIntegerField(default=0)
    source_phone = models.PositiveIntegerField(default=0)
    series = models.PositiveIntegerField(default=0)
    # Service-line minutes of records holding time (not classes), and the work intervals' minutes.
    booked_minutes = models.PositiveIntegerField(default=0)
    scheduled_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "date", "specialist"], name="analytics_dayfacts_unique")
        ]
        # Readers ask for a set of branches and a range of dates; the unique index serves a branch.
        indexes = [models.Index(fields=["chain", "date"], name="analytics_dayfacts_chain_date")]

    def __str__(self):
        return f"{self.company_id} {self.date} {self.specialist_id}"


class DayMoney(_Fact):
    """The money a branch took for sales on one local date, net of refunds. The money of each sale
    on the date is split over the sale's lines in proportion to their prices, in kopecks, as the
    receipts do (`payments.receipts.allocate`), so the four kinds add up to the revenue exactly."""

    revenue = MoneyField(default=0)
    # Sales whose FIRST positive money row falls on this date: checks add up across days.
    checks = models.PositiveIntegerField(default=0)
    services = MoneyField(default=0)
    goods = MoneyField(default=0)
    certificates = MoneyField(default=0)
    abonements = MoneyField(default=0)
    cash = MoneyField(default=0)
    card = MoneyField(default=0)
    transfer = MoneyField(default=0)
    online = MoneyField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "date"], name="analytics_daymoney_unique")]
        indexes = [models.Index(fields=["chain", "date"], name="analytics_daymoney_chain_date")]

    def __str__(self):
        return f"{self.company_id} {self.date}: {self.revenue}"


class DayMoneyPart(_Fact):
    """The money a branch took and gave back for sales on one local date, per (specialist, line
    kind, payment method): each money row's parts on its sale's lines, split by the same code as
    `DayMoney` (`money_split`) and computed in the same pass, so a date's parts add up exactly to
    its `DayMoney` revenue, kinds and methods. The money reports (revenue, average check) and the
    builder's «Revenue» dataset read it: a year is a few thousand rows per branch, whatever the
    number of sales.

    `specialist`: the specialist of the line's record (None for goods, certificates, abonements,
    services sold at the counter, and sales with no lines). `kind`: the line's kind, "" for a sale
    with no lines. `taken`: the parts of payments; `refunded`: of refunds (zero or negative).
    `checks`: the sales with a line of this specialist whose first payment falls on this date
    (counted once per sale and specialist, in the row of that payment's method, kind «service»;
    0 where `specialist` is None) — a specialist's checks; the branch's checks are `DayMoney`'s."""

    specialist = models.ForeignKey("staff.Specialist", on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=16, blank=True)
    method = models.CharField(max_length=16)
    taken = MoneyField(default=0)
    refunded = MoneyField(default=0)
    checks = models.PositiveIntegerField(default=0)

    class Meta:
        # No unique constraint: `specialist` is nullable and NULLs are distinct in both databases'
        # unique indexes; rows are only ever written by `facts.store`, which replaces whole dates.
        indexes = [
            models.Index(fields=["company", "date"], name="analytics_moneypart_day"),
            models.Index(fields=["chain", "date"], name="analytics_moneypart_chain"),
        ]

    def __str__(self):
        return f"{self.company_id} {self.date} {self.specialist_id} {self.kind} {self.method}"


class StaleDay(models.Model):
    """A branch's local date whose facts a change has made out of date. `token` changes on every
    mark, so a reader that recomputed the day deletes the mark only if nobody marked it again
    meanwhile (a concurrent change keeps its mark, and the next reader recomputes again)."""

    CHAIN_FIELD = "chain_id"

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    token = models.UUIDField()

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "date"], name="analytics_staleday_unique")]

    def __str__(self):
        return f"{self.company_id} {self.date}"


class ClientMonth(models.Model):
    """One row per client and local month with a completed visit, for the retention cohorts.

    `cohort` (the month of the client's first visit in the network), `first_company` (its branch),
    `first_day` and the `back_*` gaps are the client's and repeated on each of their rows, so that
    a cohort table is one aggregate over (chain, cohort, month) with no rows sent to Python.
    `here_day` / `any_day`: the first visit day of the month at the first visit's branch (None: no
    visit there that month) / at any branch. `back_here` / `back_any`: days from the first visit
    to the next visit on a later date at the first visit's branch / anywhere (None: none yet).

    Kept by `frontdesk.analytics.client_facts` after every record event's commit; `manage.py
    rebuild_client_facts` rewrites them (after a branch's time zone changes, a bulk import, or a
    crash between a commit and its listener) and `--check` lists the clients that differ."""

    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    cohort = models.DateField()
    first_company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()
    here_day = models.DateField(null=True)
    any_day = models.DateField()
    back_here = models.PositiveIntegerField(null=True)
    back_any = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "month"], name="client_month_once")]
        indexes = [models.Index(fields=["chain", "cohort", "month"], name="client_month_cohorts")]

    def __str__(self):
        return f"{self.client_id}: {self.month:%Y-%m}"


class ClientVisit(models.Model):
    """One row per completed visit of a client (a `Visit` with a completed record), for the Clients
    and Churn reports: every figure of theirs is a count of these rows under conditions on stored
    columns, so a report is a few aggregates over an index, never a client's history in Python.

    "Scope" is where the report reads: `*_any` columns serve the whole network (the client's visits
    at every branch), `*_here` one branch (their visits at this row's branch). A client's rows of a
    scope are ordered by (day, moment); `prev_*` is the day of the row before in that order.

    - `day`: the local date of the visit's moment (its earliest completed record) in its branch's
      zone; `first_day`: the day of the client's first visit in the network (by moment).
    - `fresh_*`: bits DAY / WEEK / MONTH (1 / 2 / 4) — this row is the client's first of its day /
      week / calendar month in the scope (`prev_*` falls before the bucket's first date), so the
      clients who came in a bucket are the rows with that bit, counted once each.
    - `new_in`: bits — `first_day` falls in the same day / week / month as `day`.
    - `churn_*`: 4 × A + C, where A (0–3) is how many of the month starts after `day` find this row
      the client's last visit in the scope within the 90 days before (active), and C (0–3) how many
      of those also see no visit in the 90 days from the month's start (churned).
    - `lost_at` / `lost_day`: the client becomes lost after this visit by the lost rule
      (`clients/lost.py`, replayed as `reports/client_history.py` does) and the next visit, if any,
      came after that moment; its local date in this branch's zone. Whether it has happened
      depends on the moment the report is read: the report compares `lost_at` with now.
    - `back_from`: this visit ended a lapse that began at this moment (a reactivation once that
      moment has passed by now).

    Kept with `ClientMonth` by `frontdesk.analytics.client_facts`; `manage.py rebuild_client_facts`
    (and `rebuild_analytics`) rewrites them, `--check` and `verify_analytics` list clients whose
    rows differ from their records."""

    DAY, WEEK, MONTH = 1, 2, 4

    # The indexes below lead with these: no single-column index of their own.
    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+", db_index=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False)
    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    first_day = models.DateField()
    prev_any = models.DateField(null=True)
    prev_here = models.DateField(null=True)
    fresh_any = models.PositiveSmallIntegerField()
    fresh_here = models.PositiveSmallIntegerField()
    new_in = models.PositiveSmallIntegerField()
    churn_any = models.PositiveSmallIntegerField()
    churn_here = models.PositiveSmallIntegerField()
    lost_at = models.DateTimeField(null=True)
    lost_day = models.DateField(null=True)
    back_from = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            # Covering indexes: the reports group by their leading columns and read the rest from
            # the index alone (a row lookup per visit costs ten times the scan on SQLite).
            models.Index(
                fields=["chain", "day", "fresh_any", "new_in", "churn_any", "prev_any", "first_day", "client"],
                name="client_visit_network",
            ),
            models.Index(
                fields=["company", "day", "fresh_here", "new_in", "churn_here", "prev_here", "first_day", "client"],
                name="client_visit_branch",
            ),
            models.Index(
                fields=["chain", "lost_day", "lost_at", "company", "client"],
                name="client_visit_lapses",
                condition=models.Q(lost_day__isnull=False),
            ),
            models.Index(
                fields=["chain", "day", "back_from", "company", "client"],
                name="client_visit_returns",
                condition=models.Q(back_from__isnull=False),
            ),
            models.Index(fields=["client", "day"], name="client_visit_client"),
        ]

    def __str__(self):
        return f"{self.client_id}: {self.day}"


class ClientDay(models.Model):
    """One row per client × branch × local date on which one of the client's completed records
    starts there: the overview's new and returning clients (`overview.clients`,
    `clients_by_branch`), which count the distinct clients with a completed record in the period.

    Not `ClientVisit`: the overview counts records, not visits. A visit whose records span
    midnight (or were moved to another day) counts its client on each of those dates, and a
    client is "new" when their first completed record (`first_at`, an instant: what
    `ClientStats.first_visit` holds) comes at or after the period's first midnight *in the zone of
    the branch read* — a visit row's dates in its own branch's zone cannot say either.

    - `day`: the local date in the branch's zone; `first_at`: the start of the client's first
      completed record in the network.
    - `prev_any`: the day of the client's row before this one in the network, rows ordered by
      (day, branch); `prev_here`: the day of their row before this one at this branch. The
      clients who came in first…last are then the rows with `day` in it whose `prev_*` is before
      `first` (or none): one row per client, counted without DISTINCT.

    Kept with the other per-client facts by `frontdesk.analytics.client_facts`."""

    # The indexes below lead with these: no single-column index of their own.
    chain = models.ForeignKey("tenancy.Chain", on_delete=models.CASCADE, related_name="+", db_index=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False)
    company = models.ForeignKey("tenancy.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    first_at = models.DateTimeField()
    prev_any = models.DateField(null=True)
    prev_here = models.DateField(null=True)

    class Meta:
        indexes = [
            # Covering: the overview reads a period's rows and these columns from the index alone.
            models.Index(
                fields=["chain", "day", "prev_any", "first_at", "company", "client"], name="client_day_network"
            ),
            models.Index(fields=["company", "day", "prev_here", "first_at", "client"], name="client_day_branch"),
            models.Index(fields=["client", "day"], name="client_day_client"),
        ]

    def __str__(self):
        return f"{self.client_id}: {self.day} at {self.company_id}"


# Last: the builder's models import the reports, which read the facts above.
from frontdesk.analytics.builder.models import ReportSubscription, SavedReport  # noqa: E402
