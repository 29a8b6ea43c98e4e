"""Screens of the scheduled reports: the network's subscriptions with a form to add one (a saved
report the member sees, or the overview), a page to change one, and delete. Seeing them needs
analytics VIEW, adding and changing EDIT; changing or deleting one is its author's or the
owner's. The letters go out from the hourly job (`schedule.send_due_reports`), and only from a
branch that sends email (its notification settings): the page says so when this one does not."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.permissions import Level, Role, Section
from frontdesk.analytics.builder.forms import SubscriptionForm
from frontdesk.analytics.builder.models import ReportSubscription, last_complete_period
from frontdesk.notifications.models import ChannelKind
from frontdesk.notifications.outbox import settings_for
from frontdesk.tenancy.permissions import section_required


def _subscriptions(request):
    # Subscriptions to another member's private report are theirs alone.
    return ReportSubscription.objects.filter(chain=request.chain).filter(
        Q(report__isnull=True) | Q(report__shared=True) | Q(report__author=request.user) | Q(author=request.user)
    )


def _may_change(request, subscription) -> bool:
    membership = request.membership
    return membership.can(Section.ANALYTICS, Level.EDIT) and (
        subscription.author_id == request.user.pk or membership.role == Role.OWNER
    )


def _start_after_now(subscription: ReportSubscription) -> None:
    """A new subscription sends its first letter when the current week or month ends, not a
    letter about the one already over."""
    today = timezone.now().astimezone(subscription.company.tz).date()
    subscription.sent_for = last_complete_period(subscription.frequency, today)[0]


@section_required(Section.ANALYTICS, Level.VIEW)
def subscriptions(request, company_id):
    may_edit = request.membership.can(Section.ANALYTICS, Level.EDIT)
    form = None
    if may_edit:
        if request.method == "POST":
            form = SubscriptionForm(request.POST, request=request)
            if form.is_valid():
                subscription = form.save(commit=False)
                subscription.chain, subscription.company, subscription.author = (
                    request.chain,
                    request.company,
                    request.user,
                )
                _start_after_now(subscription)
                subscription.save()
                form.save_m2m()
                messages.success(request, _("The report will be sent by email."))
                return redirect("analytics:subscriptions", request.company.pk)
        else:
            form = SubscriptionForm(request=request, initial={"report": request.GET.get("report") or None})
    elif request.method == "POST":
        raise PermissionDenied
    rows = _subscriptions(request).select_related("report", "company", "author").prefetch_related("members__user")
    return render(
        request,
        "analytics/builder/subscriptions.html",
        {
            "subscriptions": [(s, _may_change(request, s)) for s in rows],
            "form": form,
            "email_off": ChannelKind.EMAIL not in settings_for(request.company).channels(),
        },
    )


@section_required(Section.ANALYTICS, Level.EDIT)
def subscription_edit(request, company_id, subscription_id):
    subscription = get_object_or_404(_subscriptions(request), pk=subscription_id)
    if not _may_change(request, subscription):
        raise PermissionDenied
    frequency = subscription.frequency
    form = SubscriptionForm(request.POST or None, instance=subscription, request=request)
    if request.method == "POST" and form.is_valid():
        subscription = form.save(commit=False)
        if subscription.frequency != frequency:
            _start_after_now(subscription)
        subscription.save()
        form.save_m2m()
        messages.success(request, _("The subscription is saved."))
        return redirect("analytics:subscriptions", request.company.pk)
    return render(request, "analytics/builder/subscription_form.html", {"form": form, "subscription": subscription})


@section_required(Section.ANALYTICS, Level.EDIT)
def subscription_delete(request, company_id, subscription_id):
    subscription = get_object_or_404(_subscriptions(request), pk=subscription_id)
    if not _may_change(request, subscription):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    subscription.delete()
    messages.success(request, _("The report is no longer sent by email."))
    return redirect("analytics:subscriptions", request.company.pk)
