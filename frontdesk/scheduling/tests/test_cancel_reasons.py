"""Why a record did not take place: the administrator names the reason when cancelling in the
journal, a no-show is "the client did not come" by itself, a restored record forgets the reason,
and the record's history (the event log) shows it in words."""

from frontdesk.core.audit_display import describe
from frontdesk.core.models import Event
from frontdesk.scheduling.models import CancelledBy, CancelReason, Record, RecordStatus
from frontdesk.scheduling.series import cancel_occurrences
from frontdesk.scheduling.services import cancel_record, set_record_status
from frontdesk.scheduling.tests.test_journal import branch  # noqa: F401  (the fixture)
from frontdesk.testing.fixtures import client_for


def test_the_administrator_cancels_with_a_reason_and_sees_it_in_the_dialog(branch, amy):  # noqa: F811
    client = client_for(amy)
    url = branch.url + f"records/{branch.first.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="record-cancel-reason"' in page and "The specialist is ill" in page
    response = client.post(
        url + "status/", {"status": "cancelled", "reason": "specialist_ill", "reason_comment": " Анна на больничном "}
    )
    assert response.status_code == 200, response.content
    record = Record.objects.get(pk=branch.first.pk)
    assert (record.status, record.cancel_reason, record.cancel_comment, record.cancelled_by) == (
        RecordStatus.CANCELLED,
        CancelReason.SPECIALIST_ILL,
        "Анна на больничном",
        CancelledBy.SALON,
    )
    assert record.cancelled_at is not None
    shown = client.get(url).content.decode()
    assert "The specialist is ill — Анна на больничном" in shown and "The salon" in shown


def test_cancelling_without_a_reason_is_refused_and_changes_nothing(branch, amy):  # noqa: F811
    url = branch.url + f"records/{branch.first.pk}/status/"
    for data in ({"status": "cancelled"}, {"status": "cancelled", "reason": "made_up"}):
        response = client_for(amy).post(url, data)
        assert response.status_code == 400
        assert response.json()["error"]
    assert Record.objects.get(pk=branch.first.pk).status == RecordStatus.BOOKED


def test_a_no_show_is_the_client_did_not_come_and_a_restore_forgets_it(branch, amy):  # noqa: F811
    url = branch.url + f"records/{branch.first.pk}/status/"
    assert client_for(amy).post(url, {"status": "no_show"}).status_code == 200
    record = Record.objects.get(pk=branch.first.pk)
    assert (record.cancel_reason, record.cancelled_by) == (CancelReason.NO_SHOW, CancelledBy.SALON)
    assert client_for(amy).post(url, {"status": "booked"}).status_code == 200
    record.refresh_from_db()
    assert (record.cancel_reason, record.cancel_comment, record.cancelled_by, record.cancelled_at) == ("", "", "", None)


def test_every_occurrence_cancelled_together_keeps_the_reason(branch):  # noqa: F811
    cancelled = cancel_occurrences(branch.second, reason=CancelReason.DUPLICATE, comment="дубль")
    assert [(r.cancel_reason, r.cancel_comment) for r in cancelled] == [(CancelReason.DUPLICATE, "дубль")]


def test_the_reason_reads_in_words_in_the_records_history(branch, amy):  # noqa: F811
    cancel_record(branch.third, reason=CancelReason.RESCHEDULED, comment="перенесли на пятницу")
    events = Event.objects.filter(object_type="scheduling.record", object_id=str(branch.third.pk)).order_by("-id")
    text = " ".join(str(line) for entry in describe(events[:1], tz=branch.company.tz) for line in _lines(entry))
    assert "The salon rescheduled" in text and "перенесли на пятницу" in text


def test_services_called_without_a_reason_still_record_who_and_when(branch):  # noqa: F811
    record = set_record_status(branch.second, RecordStatus.CANCELLED)
    assert (record.cancel_reason, record.cancelled_by) == ("", CancelledBy.SALON)
    assert record.cancelled_at is not None


def _lines(entry):
    yield entry.action
    for change in entry.changes:
        yield from (change.label, change.old, change.new)
