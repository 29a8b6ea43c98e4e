"""The month grid, templates, absences and copying, through the pages a manager uses."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from frontdesk.core.models import Event
from frontdesk.staff import services
from frontdesk.staff.models import Absence, ScheduleTemplate, WorkInterval
from frontdesk.staff.tests.factories import make_specialist, month_days
from frontdesk.testing.fixtures import client_for

T = datetime.time
D = datetime.date
MAY = D(2026, 5, 1)


def _cells(specialist, days):
    return [f"{specialist.pk}:{day.isoformat()}" for day in days]


def _plan(specialist, company=None):
    rows = WorkInterval.objects.filter(specialist=specialist)
    if company is not None:
        rows = rows.filter(company=company)
    result = {}
    for row in rows.order_by("date", "start"):
        result.setdefault(row.date, []).append((row.start, row.end))
    return result


def test_a_preset_applied_to_a_selection_fills_the_grid(tenant_a, alice):
    anna = make_specialist(tenant_a.company, name="Анна")
    maria = make_specialist(tenant_a.company, name="Мария")
    url = f"/c/{tenant_a.company.pk}/schedule/apply/"
    days = month_days(MAY)
    response = client_for(alice).post(
        url,
        {
            "action": "hours",
            "hours": "10:00-14:00, 15:00-19:00",
            "month": "2026-05",
            "cell": _cells(anna, days) + _cells(maria, days[:3]),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("10–19") == 31 + 3
    assert len(_plan(anna)) == 31
    assert _plan(maria)[MAY] == [(T(10), T(14)), (T(15), T(19))]
    # One event-log line per specialist, not one per interval.
    assert Event.objects.filter(code="staff.schedule_changed").count() == 2


def test_a_day_off_clears_the_selected_days_only(tenant_a, alice):
    anna = make_specialist(tenant_a.company)
    services.set_days(tenant_a.company, {anna.pk: dict.fromkeys(month_days(MAY), [(T(10), T(19))])})
    client_for(alice).post(
        f"/c/{tenant_a.company.pk}/schedule/apply/",
        {"action": "off", "month": "2026-05", "cell": _cells(anna, [D(2026, 5, 2), D(2026, 5, 3)])},
    )
    plan = _plan(anna)
    assert D(2026, 5, 2) not in plan and D(2026, 5, 3) not in plan and len(plan) == 29


def test_a_two_by_two_template_starts_on_the_first_selected_day(tenant_a, alice):
    anna = make_specialist(tenant_a.company)
    template = ScheduleTemplate.objects.create(
        chain=tenant_a.chain, name="2/2", kind="cycle", days=[[["10:00", "21:00"]]] * 2 + [[], []]
    )
    client_for(alice).post(
        f"/c/{tenant_a.company.pk}/schedule/apply/",
        {"action": "template", "template": template.pk, "month": "2026-05", "cell": _cells(anna, month_days(MAY)[4:])},
    )
    worked = sorted(_plan(anna))
    assert worked[:4] == [D(2026, 5, 5), D(2026, 5, 6), D(2026, 5, 9), D(2026, 5, 10)]


@pytest.mark.parametrize(
    "hours,message",
    [("10:00-14:00, 13:00-19:00", "overlap"), ("22:00-06:00", "Overnight"), ("10:07-19:00", "5 minutes")],
)
def test_bad_hours_from_the_grid_are_refused_and_nothing_changes(tenant_a, alice, hours, message):
    anna = make_specialist(tenant_a.company)
    response = client_for(alice).post(
        f"/c/{tenant_a.company.pk}/schedule/apply/",
        {"action": "hours", "hours": hours, "month": "2026-05", "cell": _cells(anna, [MAY])},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WorkInterval.objects.exists()


def test_the_grid_refuses_a_specialist_of_another_branch_or_network(tenant_a, tenant_b, alice):
    elsewhere = make_specialist(tenant_a.companies[1])
    outsider = make_specialist(tenant_b.company)
    for specialist in (elsewhere, outsider):
        response = client_for(alice).post(
            f"/c/{tenant_a.company.pk}/schedule/apply/",
            {"action": "hours", "hours": "10-19", "month": "2026-05", "cell": _cells(specialist, [MAY])},
        )
        assert response.status_code == 400
    assert not WorkInterval.objects.exists()


def test_one_person_cannot_work_in_two_branches_at_once(tenant_a):
    anna = make_specialist(tenant_a.company)
    anna.companies.add(tenant_a.companies[1])
    services.set_day(anna, tenant_a.companies[1], MAY, [(T(9), T(13))])
    with pytest.raises(ValidationError, match="already works"):
        services.set_day(anna, tenant_a.company, MAY, [(T(12), T(19))])
    services.set_day(anna, tenant_a.company, MAY, [(T(14), T(19))])
    assert _plan(anna, tenant_a.company) == {MAY: [(T(14), T(19))]}


def test_vacation_hides_work_and_removing_part_of_it_splits_it(tenant_a, alice):
    anna = make_specialist(tenant_a.company)
    services.set_days(tenant_a.company, {anna.pk: dict.fromkeys(month_days(MAY), [(T(10), T(19))])})
    client = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/schedule/apply/"
    client.post(url, {"action": "vacation", "month": "2026-05", "cell": _cells(anna, month_days(MAY)[9:20])})
    absence = Absence.objects.get()
    assert (absence.date_from, absence.date_to) == (D(2026, 5, 10), D(2026, 5, 20))
    utc = services.utc_work_intervals(anna, tenant_a.company, D(2026, 5, 1), D(2026, 5, 31))
    local_days = {start.astimezone(ZoneInfo("Europe/Moscow")).date() for start, _ in utc}
    assert len(local_days) == 31 - 11 and D(2026, 5, 15) not in local_days
    client.post(url, {"action": "clear_absence", "month": "2026-05", "cell": _cells(anna, [D(2026, 5, 15)])})
    spans = sorted((a.date_from, a.date_to) for a in Absence.objects.all())
    assert spans == [(D(2026, 5, 10), D(2026, 5, 14)), (D(2026, 5, 16), D(2026, 5, 20))]


def test_copying_a_month_repeats_it_in_the_next(tenant_a, alice):
    anna = make_specialist(tenant_a.company)
    services.set_days(tenant_a.company, {anna.pk: {D(2026, 5, 1): [(T(10), T(19))], D(2026, 5, 31): [(T(9), T(18))]}})
    client_for(alice).post(f"/c/{tenant_a.company.pk}/schedule/copy/", {"month": "2026-05", "period": "month"})
    plan = _plan(anna)
    assert plan[D(2026, 6, 1)] == [(T(10), T(19))]
    assert D(2026, 6, 30) not in plan


def test_copying_a_week_moves_it_seven_days_on(tenant_a, alice):
    anna = make_specialist(tenant_a.company)
    services.set_days(tenant_a.company, {anna.pk: {D(2026, 5, 4): [(T(10), T(19))]}})
    client_for(alice).post(
        f"/c/{tenant_a.company.pk}/schedule/copy/", {"month": "2026-05", "period": "week", "week_start": "2026-05-04"}
    )
    assert _plan(anna)[D(2026, 5, 11)] == [(T(10), T(19))]


def test_a_template_is_applied_to_several_specialists_over_a_range(tenant_a, alice):
    anna = make_specialist(tenant_a.company, name="Анна")
    maria = make_specialist(tenant_a.company, name="Мария")
    client = client_for(alice)
    client.get(f"/c/{tenant_a.company.pk}/schedule/templates/")  # the presets appear
    weekly = ScheduleTemplate.objects.get(kind="weekly")
    response = client.post(
        f"/c/{tenant_a.company.pk}/schedule/templates/",
        {
            "apply-template": weekly.pk,
            "apply-specialists": [anna.pk, maria.pk],
            "apply-date_from": "2026-05-01",
            "apply-date_to": "2026-05-31",
        },
    )
    assert response.status_code == 302
    for specialist in (anna, maria):
        assert all(day.weekday() < 5 for day in _plan(specialist))
        assert len(_plan(specialist)) == 21


def test_a_manager_creates_a_custom_cycle_template_and_bad_ones_are_refused(tenant_a, alice):
    client = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/schedule/templates/add/"
    response = client.post(url, {"name": "3/1", "kind": "cycle", "cycle_text": "10-19\n10-14, 15-19\n12-21\nвыходной"})
    assert response.status_code == 302
    template = ScheduleTemplate.objects.get(name="3/1")
    assert template.days[1] == [["10:00", "14:00"], ["15:00", "19:00"]] and template.days[3] == []
    response = client.post(url, {"name": "bad", "kind": "cycle", "cycle_text": "19-10"})
    assert response.status_code == 200 and "Overnight" in response.content.decode()
    response = client.post(url, {"name": "week", "kind": "weekly", "week_0": "10-19", "week_1": "10-14, 13-19"})
    assert response.status_code == 200 and "overlap" in response.content.decode()
    assert not ScheduleTemplate.objects.filter(name__in=["bad", "week"]).exists()


def test_the_grid_marks_holidays_weekends_and_hours_outside_the_branch(tenant_a, alice):
    anna = make_specialist(tenant_a.company)
    services.set_day(anna, tenant_a.company, D(2026, 5, 4), [(T(7), T(12))])  # the branch opens at 9
    page = client_for(alice).get(f"/c/{tenant_a.company.pk}/schedule/?month=2026-05").content.decode()
    assert "fd-holiday" in page  # 1 and 9 May are public holidays in Russia
    assert "fd-weekend" in page
    assert "fd-warn" in page


def test_the_grid_takes_a_constant_number_of_queries(tenant_a, alice, django_assert_max_num_queries):
    client = client_for(alice)
    url = f"/c/{tenant_a.company.pk}/schedule/?month=2026-05"
    client.get(url)
    specialists = [make_specialist(tenant_a.company, name=f"Мастер {i}") for i in range(20)]
    day = [(T(10), T(14)), (T(15), T(19))]
    services.set_days(tenant_a.company, {s.pk: dict.fromkeys(month_days(MAY), day) for s in specialists})
    services.mark_absent(specialists[0], "vacation", month_days(MAY)[:5])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.content.decode().count("10–19") == 20 * 31 - 5
    cells = [f"{s.pk}:{d.isoformat()}" for s in specialists for d in month_days(MAY)]
    with django_assert_max_num_queries(40):
        response = client.post(
            f"/c/{tenant_a.company.pk}/schedule/apply/",
            {"action": "hours", "hours": "09:00-18:00", "month": "2026-05", "cell": cells},
        )
    assert response.status_code == 200


def test_an_interval_in_the_skipped_dst_hour_is_left_out_of_the_engines_view(tenant_a):
    company = tenant_a.company
    company.timezone = "Europe/Berlin"
    company.save()
    anna = make_specialist(company)
    services.set_days(
        company,
        {anna.pk: {D(2026, 3, 29): [(T(2), T(3)), (T(9), T(18))], D(2026, 10, 25): [(T(9), T(18))]}},
    )
    result = services.utc_work_intervals(anna, company, D(2026, 3, 29), D(2026, 10, 25))
    assert [end - start for start, end in result] == [datetime.timedelta(hours=9)] * 2
