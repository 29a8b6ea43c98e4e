from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontdesk.accounts import services as account_services
from frontdesk.accounts.forms import InviteForm, MembershipForm
from frontdesk.accounts.models import Invitation, Membership
from frontdesk.accounts.permissions import ROLE_DEFAULTS, Level, Role, Section
from frontdesk.core.audit_display import describe, object_type_choices
from frontdesk.core.models import Event, EventAction
from frontdesk.core.scopes import scopes_disabled
from frontdesk.tenancy import services
from frontdesk.tenancy.filters import parse_date_range
from frontdesk.tenancy.first_steps import all_required_done, block_context, first_steps
from frontdesk.tenancy.forms import ChainForm, CompanyForm, OnboardingForm, OpeningHoursForm
from frontdesk.tenancy.models import Company, OpeningHours, Weekday
from frontdesk.tenancy.permissions import any_member, section_required


@login_required
def home(request):
    """Send a member to their branch: the one they used last, or the first they may open."""
    with scopes_disabled():
        memberships = list(
            Membership.unscoped.filter(user=request.user, is_active=True).select_related("chain").order_by("created_at")
        )
        last = request.session.get("company_id")
        for membership in sorted(
            memberships, key=lambda m: 0 if last and m.chain.companies.filter(pk=last).exists() else 1
        ):
            companies = membership.chain.companies.filter(is_active=True)
            if not (membership.role == Role.OWNER or membership.all_companies):
                companies = companies.filter(pk__in=membership.companies.values("pk"))
            company = companies.filter(pk=last).first() or companies.order_by("name", "id").first()
            if company is not None:
                if not company.onboarded and membership.role == Role.OWNER:
                    return redirect("tenancy:onboarding", company_id=company.pk)
                return redirect("tenancy:dashboard", company_id=company.pk)
    return render(request, "tenancy/no_access.html", status=403)


def _hours_of(company):
    return {row.weekday: (row.opens, row.closes) for row in OpeningHours.objects.filter(company=company)}


@any_member
def dashboard(request, company_id):
    company = request.company
    request.session["company_id"] = company.pk
    membership = request.membership
    hours = _hours_of(company)
    # The path to the first online booking, for those who can walk it; gone once walked.
    steps = (
        first_steps(request) if membership.can(Section.SETTINGS, Level.EDIT) and not company.first_steps_hidden else []
    )
    first_steps_block = block_context(steps, can_edit=True) if steps and not all_required_done(steps) else None
    recent_events = []
    if membership.can(Section.SETTINGS):
        recent_events = describe(
            Event.objects.filter(company=company).select_related("user", "company")[:8],
            tz=company.tz,
            currency=request.chain.currency_symbol,
        )
    return render(
        request,
        "tenancy/dashboard.html",
        {
            "hours": [(day, hours.get(day.value)) for day in Weekday],
            "first_steps": first_steps_block,
            "recent_events": recent_events,
        },
    )


@section_required(Section.SETTINGS, Level.VIEW)
def first_steps_page(request, company_id):
    """Settings → First steps: the overview's block, shown here even when every step is done.
    A POST puts the block away from the overview or brings it back (settings editors only)."""
    company = request.company
    can_edit = request.membership.can(Section.SETTINGS, Level.EDIT)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        company.first_steps_hidden = request.POST.get("hidden") == "1"
        company.save(update_fields=["first_steps_hidden"])
        if company.first_steps_hidden:
            messages.success(request, _("«First steps» are hidden from the overview. They stay here."))
            return redirect("tenancy:first_steps", company_id=company.pk)
        return redirect("tenancy:dashboard", company_id=company.pk)
    steps = first_steps(request, all_details=True)
    return render(
        request,
        "tenancy/first_steps.html",
        {
            "first_steps": block_context(steps, can_edit=can_edit),
            "all_done": all_required_done(steps),
            "hidden": company.first_steps_hidden,
        },
    )


@section_required(Section.SETTINGS, Level.EDIT)
def onboarding(request, company_id):
    company = request.company
    form = OnboardingForm(request.POST or None, request.FILES or None, instance=company)
    hours_form = OpeningHoursForm(request.POST or None, prefix="h", initial_hours=_hours_of(company) or None)
    if request.method == "POST" and form.is_valid() and hours_form.is_valid():
        with transaction.atomic():
            form.save()
            services.complete_onboarding(company, hours=hours_form.hours)
        messages.success(request, _("All set! Your branch is ready. Everything stays editable in Settings."))
        return redirect("tenancy:dashboard", company_id=company.pk)
    return render(request, "tenancy/onboarding.html", {"form": form, "hours_form": hours_form})


@section_required(Section.SETTINGS, Level.VIEW)
def settings_company(request, company_id):
    company = request.company
    can_edit = request.membership.can(Section.SETTINGS, Level.EDIT)
    data = request.POST if request.method == "POST" and can_edit else None
    form = CompanyForm(data, request.FILES or None, instance=company)
    hours_form = OpeningHoursForm(data, prefix="h", initial_hours=_hours_of(company))
    if data is not None and form.is_valid() and hours_form.is_valid():
        with transaction.atomic():
            form.save()
            services.save_opening_hours(company, hours_form.hours)
        messages.success(request, _("The branch settings are saved."))
        return redirect("tenancy:settings_company", company_id=company.pk)
    return render(
        request, "tenancy/settings_company.html", {"form": form, "hours_form": hours_form, "can_edit": can_edit}
    )


@section_required(Section.SETTINGS, Level.VIEW)
def settings_network(request, company_id):
    chain = request.chain
    can_edit = request.membership.role in (Role.OWNER, Role.MANAGER) and request.membership.can(
        Section.SETTINGS, Level.EDIT
    )
    form = ChainForm(request.POST if request.method == "POST" and can_edit else None, instance=chain)
    if request.method == "POST" and can_edit and form.is_valid():
        form.save()
        messages.success(request, _("The network settings are saved."))
        return redirect("tenancy:settings_network", company_id=request.company.pk)
    branches = Company.objects.order_by("-is_active", "name")
    return render(request, "tenancy/settings_network.html", {"form": form, "can_edit": can_edit, "branches": branches})


@section_required(Section.SETTINGS, Level.EDIT)
def branch_add(request, company_id):
    if request.membership.role not in (Role.OWNER, Role.MANAGER):
        messages.error(request, _("Only the owner or a manager can add branches."))
        return redirect("tenancy:settings_network", company_id=company_id)
    template = request.company
    form = CompanyForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "business_type": template.business_type,
            "country": template.country,
            "city": template.city,
            "timezone": template.timezone,
        },
    )
    hours_form = OpeningHoursForm(request.POST or None, prefix="h", initial_hours=_hours_of(template) or None)
    if request.method == "POST" and form.is_valid() and hours_form.is_valid():
        company = form.save(commit=False)
        services.add_branch(chain=request.chain, company=company, hours=hours_form.hours)
        messages.success(request, _("Branch “%(name)s” is added.") % {"name": company.name})
        return redirect("tenancy:dashboard", company_id=company.pk)
    return render(request, "tenancy/branch_add.html", {"form": form, "hours_form": hours_form})


@section_required(Section.SETTINGS, Level.VIEW)
def users(request, company_id):
    memberships = Membership.objects.select_related("user").prefetch_related("companies").order_by("role", "user__name")
    invitations = Invitation.objects.filter(accepted_at__isnull=True).prefetch_related("companies")
    return render(
        request,
        "tenancy/users.html",
        {
            "memberships": memberships,
            "invitations": invitations,
            "can_edit": request.membership.can(Section.SETTINGS, Level.EDIT),
        },
    )


@section_required(Section.SETTINGS, Level.EDIT)
def user_invite(request, company_id):
    form = InviteForm(request.POST or None, chain=request.chain)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = account_services.invite_member(
                chain=request.chain,
                invited_by=request.user,
                role=data["role"],
                email=data["email"],
                phone=data["phone"],
                name=data["name"],
                all_companies=data["all_companies"],
                companies=data["companies"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The invitation is sent to %(to)s.") % {"to": invitation})
            return redirect("tenancy:users", company_id=company_id)
    return render(request, "tenancy/user_invite.html", {"form": form})


@section_required(Section.SETTINGS, Level.EDIT)
def invitation_revoke(request, company_id, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, accepted_at__isnull=True)
    if request.method == "POST":
        invitation.delete()
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("tenancy:users", company_id=company_id)


@section_required(Section.SETTINGS, Level.EDIT)
def user_edit(request, company_id, membership_id):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
    initial = {
        "role": membership.role,
        "all_companies": membership.all_companies,
        "companies": list(membership.companies.all()),
        "own_records_only": membership.own_records_only,
        "is_active": membership.is_active,
        **{f"perm_{section}": level for section, level in membership.section_levels().items()},
    }
    form = MembershipForm(request.POST or None, chain=request.chain, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role_defaults = ROLE_DEFAULTS[data["role"]]
        # Store only what differs from the role, so that a later change of the role's defaults applies.
        permissions = {
            section: data[f"perm_{section}"]
            for section in Section.values
            if data[f"perm_{section}"] != role_defaults.get(section, Level.NONE)
        }
        try:
            account_services.update_membership(
                membership,
                role=data["role"],
                all_companies=data["all_companies"],
                companies=data["companies"],
                permissions=permissions,
                own_records_only=data["own_records_only"],
                is_active=data["is_active"],
                acting=request.membership,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Access for %(user)s is saved.") % {"user": membership.user})
            return redirect("tenancy:users", company_id=company_id)
    return render(request, "tenancy/user_edit.html", {"form": form, "member": membership})


@section_required(Section.SETTINGS, Level.VIEW)
def events(request, company_id):
    """The event log: every change in the network, newest first, filtered by what, who and when."""
    queryset = Event.objects.select_related("user", "company")
    params = request.GET
    if params.get("company"):
        queryset = queryset.filter(company_id=params["company"]) if params["company"].isdigit() else queryset.none()
    if params.get("action") in EventAction.values:
        queryset = queryset.filter(action=params["action"])
    if params.get("object_type"):
        queryset = queryset.filter(object_type=params["object_type"])
    if params.get("user", "").isdigit():
        queryset = queryset.filter(user_id=params["user"])
    if params.get("source"):
        queryset = queryset.filter(source=params["source"])
    date_from, date_to, date_errors = parse_date_range(params, request.company.tz)
    for message in date_errors:
        messages.error(request, message)
    if date_from:
        queryset = queryset.filter(created_at__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__lt=date_to)
    if params.get("q"):
        queryset = queryset.filter(object_repr__icontains=params["q"].strip())
    page = Paginator(queryset, 50).get_page(params.get("page"))
    object_types = Event.objects.order_by().values_list("object_type", flat=True).distinct()
    members = Membership.objects.select_related("user").order_by("user__name")
    return render(
        request,
        "tenancy/events.html",
        {
            "page": page,
            "entries": describe(page, tz=request.company.tz, currency=request.chain.currency_symbol),
            "object_types": object_type_choices(object_types),
            "members": members,
            "actions": EventAction.choices,
            "companies": Company.objects.all(),
        },
    )
