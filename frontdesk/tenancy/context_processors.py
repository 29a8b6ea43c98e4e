from frontdesk.core.scopes import scopes_disabled
from frontdesk.tenancy.navigation import active_key, items_for, settings_tabs_for


def backoffice(request):
    """The shell's data: the menu, the branch switcher and the unconfirmed-email reminder."""
    membership = getattr(request, "membership", None)
    company = getattr(request, "company", None)
    if membership is None or company is None:
        return {}

    def switchable_companies():
        with scopes_disabled():
            companies = company.chain.companies.filter(is_active=True).order_by("name")
            if not (membership.all_companies or membership.role == "owner"):
                companies = companies.filter(pk__in=membership.companies.values("pk"))
            return list(companies)

    return {
        "nav_items": items_for(membership, company),
        "nav_active": active_key(request),
        "switchable_companies": switchable_companies,
        "settings_tabs": lambda: settings_tabs_for(membership, company),
    }
