from django import template
from django.urls import reverse

from frontdesk.finance.tabs import finance_tabs as registered_tabs

register = template.Library()


@register.simple_tag(takes_context=True)
def finance_tabs(context):
    """`{% finance_tabs as tabs %}`: (tab, its URL in this branch) for every finance tab."""
    company_id = context["request"].company.pk
    return [(tab, reverse(tab.url_name, kwargs={"company_id": company_id})) for tab in registered_tabs()]
