import datetime

from django.utils.translation import gettext as _


def parse_date_range(params, tz):
    """`date_from`/`date_to` (YYYY-MM-DD, local dates, both inclusive) as aware datetimes."""
    errors = []
    bounds = []
    for key in ("date_from", "date_to"):
        raw = (params.get(key) or "").strip()
        if not raw:
            bounds.append(None)
            continue
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            errors.append(_("“%(value)s” is not a date; use the YYYY-MM-DD form.") % {"value": raw})
            bounds.append(None)
            continue
        if key == "date_to":
            day += datetime.timedelta(days=1)
        bounds.append(datetime.datetime.combine(day, datetime.time(), tzinfo=tz))
    return bounds[0], bounds[1], errors
