from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from frontdesk.booking.models import OnlineBookingSettings
from frontdesk.core.scopes import scopes_disabled


def test_the_demo_takes_bookings_online_and_prints_the_pages(db, client):
    out = StringIO()
    call_command("demo_data", stdout=out)
    with scopes_disabled():
        rows = list(OnlineBookingSettings.objects.select_related("company"))
    assert len(rows) == 2 and all(row.enabled for row in rows)
    url = reverse("booking:branch", kwargs={"branch_id": rows[0].company_id})
    assert url in out.getvalue() and "Online booking pages" in out.getvalue()
    page = client.get(url + "?lang=en")
    assert page.status_code == 200 and "Choose" in page.text
