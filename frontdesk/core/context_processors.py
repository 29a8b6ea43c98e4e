"""What every page's template may need to format money the one way (core.money)."""

from frontdesk.core.money import money_format_settings


def money(request):
    """`currency`: the network's sign for `{{ amount|money:currency }}`, and `money_format`: the
    same rules for the JS helper (core/static/core/money.js), rendered by base.html. The network
    is the request's (set for the back office); public pages pass their branch's sign."""
    chain = getattr(request, "chain", None)
    currency = getattr(chain, "currency_symbol", "") if chain is not None else ""
    return {"currency": currency, "money_format": lambda: money_format_settings(currency)}
