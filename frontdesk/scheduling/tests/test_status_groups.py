"""The groups of record statuses are defined once, on RecordStatus; every page and service reads
them from there. Pinned here, so that a change of a group is a decision, not an accident."""

import importlib

from frontdesk.scheduling.models import RecordStatus as S


def test_each_group_holds_exactly_these_statuses():
    assert S.HOLDING == (S.BOOKED, S.CONFIRMED, S.ARRIVED, S.COMPLETED)
    assert S.TAKING_A_SEAT == (S.BOOKED, S.CONFIRMED, S.ARRIVED, S.COMPLETED, S.NO_SHOW)
    assert S.UNFINISHED == (S.BOOKED, S.CONFIRMED, S.ARRIVED)
    assert S.UPCOMING == (S.BOOKED, S.CONFIRMED)
    assert S.LOST == (S.CANCELLED, S.NO_SHOW)


def test_the_groups_are_not_statuses():
    assert len(S.choices) == 6
    assert {"HOLDING", "TAKING_A_SEAT", "UNFINISHED", "UPCOMING", "LOST"}.isdisjoint(S.names)


def test_a_record_that_is_not_lost_is_unfinished_or_completed():
    assert set(S) - set(S.LOST) == {*S.UNFINISHED, S.COMPLETED}


def test_the_database_constraint_against_double_booking_covers_the_holding_statuses():
    migration = importlib.import_module("frontdesk.scheduling.migrations.0002_no_double_booking_on_postgresql")
    in_the_database = "(" + ", ".join(f"'{s}'" for s in S.HOLDING) + ")"
    assert in_the_database == migration.HOLDING
