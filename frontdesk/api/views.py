"""Settings → Integrations: the network's partner tokens for the API, issued and revoked here.
A new token is shown once; only its hash is kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.permissions import Level, Section
from frontdesk.api.forms import PartnerTokenForm
from frontdesk.api.models import PartnerToken, UserToken
from frontdesk.api.services import issue_partner_token, revoke_partner_token
from frontdesk.api.wire import error_response, not_found
from frontdesk.core.siteurl import absolute_url
from frontdesk.tenancy.models import Chain
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


def _live_user_tokens(user):
    """The person's own user tokens that still work, in every network (tokens are the person's,
    whatever network the profile is opened from)."""
    return (
        UserToken.unscoped.filter(
            user=user, revoked_at__isnull=True, created_at__gt=timezone.now() - UserToken.lifetime()
        )
        .select_related("partner")
        .order_by("-created_at")
    )


def my_tokens_panel(request, **context) -> str:
    """On the profile: the API logins (user tokens) of the person, each with a revoke button."""
    if request is None or not request.user.is_authenticated:
        return ""
    rows = list(_live_user_tokens(request.user))
    chains = dict(Chain.objects.filter(pk__in={row.chain_id for row in rows}).values_list("pk", "name"))
    for row in rows:
        row.chain_name = chains.get(row.chain_id, "")
    return render_to_string("api/my_tokens.html", {"tokens": rows}, request=request)


@login_required
@require_POST
def my_token_revoke(request, token_id):
    """Revoke one of the person's own user tokens; another person's token is simply not found."""
    token = get_object_or_404(UserToken.unscoped, pk=token_id, user=request.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    messages.success(request, _("The API login is revoked: the integration must log in again."))
    return redirect("accounts:profile")


def api_not_found(request, rest=""):
    """Any other path under /api/: a JSON 404 in the YCLIENTS error body. Being a route, it also
    keeps APPEND_SLASH from ever answering an API path with a redirect."""
    return error_response(not_found(_("No such API method.")))
