"""The demo network's partner token, so that the API can be tried right after `make run`."""

from frontdesk.api.services import ensure_demo_partner_token
from frontdesk.core.siteurl import absolute_url
from frontdesk.tenancy.demo import register_demo_info, register_demo_step


@register_demo_step(60)
def demo_partner_token(demo):
    ensure_demo_partner_token(demo.chain)


@register_demo_info
def demo_token_info(chain):
    token = ensure_demo_partner_token(chain)
    site = absolute_url("")
    return [
        "",
        f"API partner token (demo): {token}",
        "  e.g. curl -H 'Authorization: Bearer " + token + "' " + site + "/api/v1/companies",
        f"  docs: {site}/api/docs",
    ]
