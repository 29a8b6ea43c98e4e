"""When a client counts as lost: the one rule, used wherever "lost clients" are found — the client
list and its segments, the win-back mailing, the badge on the client card.

A regular (3 visits or more) is lost once the time since the last visit is more than one and a
half of their usual interval (the mean gap between visits) AND at least LOST_MIN_DAYS. The floor
keeps a client who came three times in a week (a course of treatments, a bride before the wedding)
from being called lost two days later. The moment is kept in `ClientStats.lost_after`, so the
list finds lost clients through an index; `lost_after()` is what computes it."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

LOST_MIN_VISITS = 3
LOST_FACTOR = 1.5
LOST_MIN_DAYS = 30


def lost_after(visits: int, first_visit, last_visit) -> datetime.datetime | None:
    """The moment a client with these completed visits becomes lost, or None for one who is not
    a regular yet."""
    if visits < LOST_MIN_VISITS or first_visit is None or last_visit is None:
        return None
    usual = (last_visit - first_visit).total_seconds() / (visits - 1)
    wait = max(round(usual * LOST_FACTOR), LOST_MIN_DAYS * 86400)
    return last_visit + datetime.timedelta(seconds=wait)


def lost_rule_text() -> str:
    """The rule in words, for the help texts of every screen that shows lost clients."""
    return _(
        "Regulars (%(visits)s+ visits) with no visit for one and a half of their usual interval "
        "between visits, and for at least %(days)s days."
    ) % {"visits": LOST_MIN_VISITS, "days": LOST_MIN_DAYS}
