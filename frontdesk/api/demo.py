"""The demo network's partner token, so that the API can be tried right after `make run`."""

from frontdesk.api.services import ensure_demo_partner_token
from frontdesk.tenancy.demo import register_demo_info, register_demo_step


@register_demo_step(60)
def demo_partner_token(demo):
    ensure_demo_partner_token(demo.chain)


@register_demo_info
def demo_token_info(chain):
    token = ensure_demo_partner_token(chain)
    return [
        "",
        f"API partner token (demo): {token}",
        "  e.g. curl -H 'Authorization: Bearer " + token + "' http://127.0.0.1:8000/api/v1/companies",
        "  docs: http://127.0.0.1:8000/api/docs",
    ]
