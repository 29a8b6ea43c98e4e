"""An abonement's period as every page shows it: the dates once it has started, and for one
counted from the first visit and not used yet, the day it starts anyway."""

from django import template

from frontdesk.prepaid import services

register = template.Library()


@register.inclusion_tag("prepaid/_period.html")
def abonement_period(abonement, style="range", date_format="d.m.Y"):
    """`style`: "range" (from – to), "until" (until the end), "booking" (valid until, for clients)."""
    today = services.local_today(abonement.company)
    return {
        "start": services.effective_start(abonement, today),
        "end": abonement.ends_on,
        "pending": services.pending_start(abonement, today),
        "style": style,
        "fmt": date_format,
    }
