"""The analytics app's own rows: facts derived from other apps' tables, never business records (no
event log, no scoped manager — read through the network's id), rebuilt from those tables at will."""

from django.db import models


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
