"""The request side of tenant isolation: a back-office URL names its branch (`company_id`);
this middleware proves the user belongs to that branch's network, then runs the view inside that
network's scope. Any other branch is answered 404, as if it did not exist.

It also makes the branch's time zone the request's current zone (`django.utils.timezone`), so that
templates (`|date`, `|time`), forms (a typed date and time is read as the branch's wall clock) and
`timezone.localdate()` speak the branch's time rather than the server's `TIME_ZONE`. The zone the
thread had before is put back when the response is done, whatever happened, so it never leaks into
the next request this thread serves. Pages without a branch in the URL keep `TIME_ZONE`.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import timezone

from frontdesk.accounts.models import Membership
from frontdesk.core.scopes import enter_scope, leave_scope, scopes_disabled
from frontdesk.tenancy.models import Company


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.company = None
        request.chain = None
        request.membership = None
        request._scope_tokens = []
        request._zone_override = None
        try:
            return self.get_response(request)
        finally:
            if request._zone_override is not None:
                request._zone_override.__exit__(None, None, None)
            while request._scope_tokens:
                leave_scope(request._scope_tokens.pop())

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/admin/"):
            # Django's admin is for the server's operators (superusers) only and spans tenants.
            if request.user.is_authenticated and request.user.is_superuser:
                request._scope_tokens.append(enter_scope(None, disabled=True))
            return None
        if request.path_info.startswith("/api/"):
            # The API enters the network's scope from its token (frontdesk.api.auth), and its
            # `company_id` is checked against that network there.
            return None
        company_id = view_kwargs.get("company_id")
        if company_id is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        with scopes_disabled():
            company = Company.unscoped.select_related("chain").filter(pk=company_id, is_active=True).first()
            membership = (
                Membership.unscoped.select_related("chain")
                .filter(user=request.user, is_active=True, chain_id=company.chain_id if company else None)
                .first()
            )
        if company is None or membership is None:
            raise Http404
        request._scope_tokens.append(enter_scope(company.chain_id))
        if not membership.has_company(company):
            raise Http404
        membership.chain = company.chain
        request.company = company
        request.chain = company.chain
        request.membership = membership
        # Entered here, left in __call__: the response (templates render inside get_response) is
        # in the branch's zone, and the thread's previous zone comes back afterwards.
        request._zone_override = timezone.override(company.tz)
        request._zone_override.__enter__()
        return None
