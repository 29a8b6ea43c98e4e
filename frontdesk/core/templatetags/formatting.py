"""The one way a template shows money and phones, loaded into every template (TEMPLATES
"builtins" in the settings), so no page formats them by hand:

- `{{ amount|money:currency }}` — core.money.format_money: the locale's grouping and decimal
  mark, always with kopecks (money that moved; price lists use catalog's `price`), the sign given (the back office's context has the
  network's as `currency`); `{{ amount|money }}` for a figure in a column headed by its currency;
- `{{ amount|plain_amount }}` — an amount written into an <input> for editing;
- `{{ phone|phone }}` — core.phones.format_phone: +7 916 555-12-34."""

from django import template

from frontdesk.core.money import format_money
from frontdesk.core.money import plain_amount as _plain_amount
from frontdesk.core.phones import format_phone

register = template.Library()


@register.filter
def money(value, currency=""):
    return format_money(value, currency or "")


@register.filter
def plain_amount(value):
    return _plain_amount(value)


@register.filter
def phone(value):
    return format_phone(value or "")
