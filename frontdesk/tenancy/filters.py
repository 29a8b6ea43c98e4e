import datetime

from django.utils.translation import gettext as _

from frontdesk.core.dates import date_placeholder, parse_date


def parse_date_range(params, tz):
    """`date_from`/`date_to` (local dates in the interface language's format or ISO, both
    inclusive) as aware datetimes."""
    errors = []
    bounds = []
    for key in ("date_from", "date_to"):
        raw = (params.get(key) or "").strip()
        if not raw:
            bounds.append(None)
            continue
        day = parse_date(raw)
        if day is None:
            errors.append(
                _("“%(value)s” is not a date; write it as %(form)s.") % {"value": raw, "form": date_placeholder()}
            )
            bounds.append(None)
            continue
        if key == "date_to":
            day += datetime.timedelta(days=1)
        bounds.append(datetime.datetime.combine(day, datetime.time(), tzinfo=tz))
    return bounds[0], bounds[1], errors
