"""The domain-event bus: what a listener can rely on."""

import pytest
from django.db import transaction

from frontdesk.core.events import DomainEvent, declared_events

# Declared once for the module, as an app's signals.py would.
parcel_sent = DomainEvent("test.parcel_sent", payload=("parcel", "by"), doc="A test event.")


@pytest.fixture
def heard():
    calls = []

    def inside(parcel, by):
        calls.append(("inside", parcel, by))

    def after(parcel, by):
        calls.append(("after", parcel, by))

    parcel_sent.listen(inside)
    parcel_sent.listen(after, after_commit=True)
    yield calls
    parcel_sent.forget(inside)
    parcel_sent.forget(after)


@pytest.mark.django_db(transaction=True)
def test_inside_listeners_run_at_once_and_after_commit_ones_once_committed(heard):
    with transaction.atomic():
        parcel_sent.send(parcel=1, by="courier")
        assert heard == [("inside", 1, "courier")]
    assert heard == [("inside", 1, "courier"), ("after", 1, "courier")]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_never_reaches_after_commit_listeners(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        parcel_sent.send(parcel=2, by="post")
        raise RuntimeError("the change failed")
    assert heard == [("inside", 2, "post")]


@pytest.mark.django_db(transaction=True)
def test_an_inside_listener_that_fails_rolls_the_change_back():
    from django.contrib.auth.models import Group

    def refuse(parcel, by):
        raise ValueError("no")

    parcel_sent.listen(refuse)
    try:
        with pytest.raises(ValueError), transaction.atomic():
            Group.objects.create(name="test.change")
            parcel_sent.send(parcel=3, by="post")
        assert not Group.objects.filter(name="test.change").exists()
    finally:
        parcel_sent.forget(refuse)


@pytest.mark.django_db(transaction=True)
def test_an_after_commit_listener_that_fails_is_logged_and_the_others_still_run(heard, caplog):
    def broken(parcel, by):
        raise ValueError("network down")

    parcel_sent.listen(broken, after_commit=True)
    try:
        with transaction.atomic():
            parcel_sent.send(parcel=4, by="post")
    finally:
        parcel_sent.forget(broken)
    assert ("after", 4, "post") in heard
    assert "test.parcel_sent" in caplog.text


def test_the_payload_must_match_the_declaration():
    with pytest.raises(TypeError, match="missing \\['by'\\]"):
        parcel_sent.send(parcel=5)
    with pytest.raises(TypeError, match="unknown \\['weight'\\]"):
        parcel_sent.send(parcel=5, by="post", weight=3)


def test_adding_the_same_listener_twice_calls_it_once():
    heard = []

    def again(parcel, by):
        heard.append(("again", parcel))

    parcel_sent.listen(again)
    parcel_sent.listen(again)
    try:
        parcel_sent.send(parcel=6, by="post")
    finally:
        parcel_sent.forget(again)
    assert heard.count(("again", 6)) == 1


def test_an_event_name_is_declared_once():
    assert declared_events()["test.parcel_sent"] is parcel_sent
    with pytest.raises(ValueError):
        DomainEvent("test.parcel_sent", payload=(), doc="again")
