"""Settings → Integrations: the network's partner tokens for the API, issued and revoked here.
A new token is shown once; only its hash is kept."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.api.forms import PartnerTokenForm
from frontdesk.api.models import PartnerToken
from frontdesk.api.services import issue_partner_token, revoke_partner_token
from frontdesk.api.wire import error_response, not_found
from frontdesk.core.siteurl import absolute_url
from frontdesk.tenancy.permissions import section_required

SESSION_KEY = "api_new_token"


@section_required(Section.SETTINGS, Level.EDIT)
def tokens(request, company_id):
    form = PartnerTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = issue_partner_token(chain=request.chain, name=form.cleaned_data["name"], created_by=request.user)
        # Shown on the next page only: the redirect keeps a reload from issuing another token.
        request.session[SESSION_KEY] = {"id": token.pk, "token": raw}
        messages.success(request, _("The token is issued. Copy it now: it is not shown again."))
        return redirect("integrations:tokens", company_id=company_id)
    new_token = request.session.pop(SESSION_KEY, None)
    rows = PartnerToken.objects.select_related("created_by").order_by("revoked_at", "-created_at")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": rows,
            "new_token": new_token,
            "base_url": absolute_url("", request),
        },
    )


@section_required(Section.SETTINGS, Level.EDIT)
def token_revoke(request, company_id, token_id):
    token = get_object_or_404(PartnerToken.objects, pk=token_id)
    if request.method != "POST":
        return redirect("integrations:tokens", company_id=company_id)
    revoke_partner_token(token)
    messages.success(request, _("The token is revoked: requests with it are refused from now on."))
    return redirect("integrations:tokens", company_id=company_id)


def api_not_found(request, rest=""):
    """Any other path under /api/: a JSON 404 in the YCLIENTS error body. Being a route, it also
    keeps APPEND_SLASH from ever answering an API path with a redirect."""
    return error_response(not_found(_("No such API method.")))
