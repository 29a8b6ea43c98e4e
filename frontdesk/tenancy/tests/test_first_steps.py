"""«First steps» on the overview: the path from an empty branch to its first online booking.
Each step is done when the branch's data says so, and the block leaves the overview once the
path is walked (Settings → First steps keeps it)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontdesk.booking.services import book_online
from frontdesk.catalog.models import ServiceCategory
from frontdesk.core.scopes import scope
from frontdesk.scheduling.availability import Segment
from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist
from frontdesk.tenancy.models import OpeningHours
from frontdesk.testing.fixtures import client_for

REQUIRED = ["services", "specialists", "schedule", "hours", "share"]


@pytest.fixture
def branch(tenant_a):
    """A brand-new branch: its opening hours (from sign-up), nothing else yet."""
    company = tenant_a.company
    assert OpeningHours.objects.filter(company=company).exists()
    return company


def steps_on(page: str) -> dict[str, tuple[bool, bool]]:
    """{step: (done, current)} as the page shows them."""
    found = re.findall(r'<li class="fd-step([^"]*)" data-step="([^"]+)" data-done="(true|false)"', page)
    return {key: (done == "true", "is-current" in classes) for classes, key, done in found}


def overview(client, company) -> str:
    response = client.get(f"/c/{company.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_each_step_is_done_by_the_branchs_data_and_the_block_goes_when_all_are(alice, branch):
    client = client_for(alice)
    page = overview(client, branch)
    steps = steps_on(page)
    assert list(steps)[:5] == REQUIRED and {"email", "logo"} <= set(steps)
    assert steps["services"] == (False, True) and steps["hours"] == (True, False)
    assert f'href="/c/{branch.pk}/settings/services/add/"' in page

    with scope(branch.chain):
        haircut = make_service(branch, "Стрижка")
    assert steps_on(overview(client, branch))["specialists"] == (False, True)

    with scope(branch.chain):
        anna = make_specialist(branch, "Анна", [haircut])
    assert steps_on(overview(client, branch))["schedule"] == (False, True)

    day = timezone.now().astimezone(branch.tz).date() + datetime.timedelta(days=1)
    with scope(branch.chain):
        add_shift(anna, branch, day, "10:00", "18:00")
    page = overview(client, branch)
    assert steps_on(page)["share"] == (False, True)
    # The last step hands out the booking link and the widget code, one per specialist too.
    assert f'value="http://testserver/book/{branch.pk}/"' in page
    assert f"data-branch=&quot;{branch.pk}&quot;" in page and f"data-specialist=&quot;{anna.pk}&quot;" in page
    assert f"?o=specialist&amp;m={anna.pk}" in page

    with scope(branch.chain):
        book_online(
            company=branch,
            segments=[Segment(haircut.pk, anna.pk)],
            start=datetime.datetime.combine(day, datetime.time(11), tzinfo=branch.tz),
            name="Вера",
            phone="+79123456789",
        )
    page = overview(client, branch)
    assert 'data-testid="first-steps"' not in page
    # Settings keep it, all done.
    settings_page = client.get(f"/c/{branch.pk}/settings/first-steps/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(steps_on(settings_page)[key][0] for key in REQUIRED)
    assert 'data-testid="first-steps-all-done"' in settings_page


def test_a_step_undone_by_the_data_comes_back(alice, branch):
    OpeningHours.objects.filter(company=branch).delete()
    assert steps_on(overview(client_for(alice), branch))["hours"] == (False, False)


def test_only_members_who_set_the_branch_up_see_the_steps(amy, branch):
    # An administrator works the journal; the set-up is the owner's or a manager's.
    assert 'data-testid="first-steps"' not in overview(client_for(amy), branch)


def test_a_branch_that_takes_no_online_bookings_hides_the_steps_and_can_bring_them_back(alice, amy, branch):
    client = client_for(alice)
    page = overview(client, branch)
    assert 'data-testid="first-steps-hide"' in page
    # An administrator cannot put away the owner's set-up path, whatever the form says.
    assert client_for(amy).post(f"/c/{branch.pk}/settings/first-steps/", {"hidden": "1"}).status_code == 403
    branch.refresh_from_db()
    assert not branch.first_steps_hidden
    response = client.post(f"/c/{branch.pk}/settings/first-steps/", {"hidden": "1"}, follow=True)
    assert 'data-testid="first-steps-hidden"' in response.content.decode()
    assert 'data-testid="first-steps"' not in overview(client, branch)
    # Settings keeps the steps, with the way back.
    settings_page = client.get(f"/c/{branch.pk}/settings/first-steps/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="first-steps"' in settings_page and 'data-testid="first-steps-show"' in settings_page
    response = client.post(f"/c/{branch.pk}/settings/first-steps/", {"hidden": "0"})
    assert response["Location"] == f"/c/{branch.pk}/"
    assert 'data-testid="first-steps"' in overview(client, branch)


def test_the_overview_asks_the_same_number_of_queries_however_many_specialists(alice, branch):
    client = client_for(alice)
    with scope(branch.chain):
        haircut = make_service(branch, "Стрижка")
        make_specialist(branch, "Анна", [haircut])
    overview(client, branch)
    with CaptureQueriesContext(connection) as one:
        overview(client, branch)
    with scope(branch.chain):
        for n in range(5):
            make_specialist(branch, f"Мастер {n}", [haircut])
    with CaptureQueriesContext(connection) as six:
        overview(client, branch)
    assert len(six) == len(one)


def test_add_a_service_in_an_empty_branch_goes_through_its_category_and_on_to_the_service(alice, branch):
    client = client_for(alice)
    response = client.get(f"/c/{branch.pk}/settings/services/add/")
    assert response.status_code == 302 and response["Location"].endswith("/categories/add/?then=service")
    response = client.post(response["Location"], {"title": "Волосы"})
    category = ServiceCategory.objects.get(company=branch)
    assert response["Location"] == f"/c/{branch.pk}/settings/services/add/?category={category.pk}"
    assert client.get(response["Location"]).status_code == 200
