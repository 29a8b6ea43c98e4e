"""«First steps»: a new branch's path to its first online booking, on the overview.

Services → specialists → their schedules → opening hours → the booking link and the widget,
then the optional ones (the owner's email confirmed, the logo and address). Each step belongs to
the app that owns what it asks for and is registered from that app's `AppConfig.ready()`:
catalog (services), staff (specialists, schedules), tenancy (hours, email, logo), booking (the
link). Tenancy sits below most of them, so the overview only shows what they registered.

A step is done when the branch's data says so — never by a click: `done(company, user)` reads
it with one query. The block leaves the overview once every required step is done (the optional
ones never keep it there); Settings → First steps shows it always.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class FirstStep:
    key: str
    order: int
    label: str
    hint: str  # what to do, in one sentence
    url_name: str | None  # the screen that does it, reversed with company_id
    action: str  # the link's text
    done: Callable  # (company, user) -> bool, one query at most
    optional: bool = False
    # HTML shown under the step, `detail(request) -> str` (the booking link to copy, the widget
    # code): a fixed number of queries.
    detail: Callable | None = None


@dataclass(frozen=True)
class StepState:
    step: FirstStep
    done: bool
    url: str
    current: bool  # the first required step not done yet: the one to do now
    detail: str


_steps: dict[str, FirstStep] = {}


def register_first_step(step: FirstStep) -> None:
    """Add a step (the same key again replaces it)."""
    _steps[step.key] = step


def first_steps(request, all_details: bool = False) -> list[StepState]:
    """The steps of the request's branch in order, required ones first, each with its state. A
    step's detail is rendered for the step to do now, or for every step with `all_details`."""
    company, user = request.company, request.user
    ordered = sorted(_steps.values(), key=lambda step: (step.optional, step.order))
    states, current_found = [], False
    for step in ordered:
        done = bool(step.done(company, user))
        current = not done and not step.optional and not current_found
        current_found = current_found or current
        url = reverse(step.url_name, kwargs={"company_id": company.pk}) if step.url_name else ""
        detail = step.detail(request) if step.detail and (current or all_details) else ""
        states.append(StepState(step, done, url, current, detail))
    return states


def all_required_done(states: list[StepState]) -> bool:
    return all(state.done for state in states if not state.step.optional)


def block_context(states: list[StepState], *, can_edit: bool) -> dict:
    """What `tenancy/_first_steps.html` shows."""
    required = [state for state in states if not state.step.optional]
    return {
        "steps": required,
        "optional_steps": [state for state in states if state.step.optional],
        "required_done": sum(state.done for state in required),
        "required_total": len(required),
        "can_edit": can_edit,
    }


def register_branch_steps() -> None:
    """Tenancy's own steps: the opening hours, then the optional email and logo (TenancyConfig)."""
    from django.utils.translation import gettext_lazy as _

    from frontdesk.tenancy.models import OpeningHours

    register_first_step(
        FirstStep(
            "hours",
            40,
            _("Check the opening hours"),
            _("Clients can book only while the branch is open."),
            "tenancy:settings_company",
            _("Set the hours"),
            done=lambda company, user: OpeningHours.objects.filter(company=company).exists(),
        )
    )
    register_first_step(
        FirstStep(
            "email",
            10,
            _("Confirm your email"),
            _("Open the link in the letter we sent you; it lets you reset a forgotten password."),
            None,
            "",
            done=lambda company, user: user.email_confirmed or not user.email,
            optional=True,
        )
    )
    register_first_step(
        FirstStep(
            "logo",
            20,
            _("Add the logo and address"),
            _("Clients see them on the booking page and in messages."),
            "tenancy:settings_company",
            _("Open the branch settings"),
            done=lambda company, user: bool(company.logo and company.address),
            optional=True,
        )
    )
