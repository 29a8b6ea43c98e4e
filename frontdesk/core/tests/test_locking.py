"""The shared row-locking helpers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from frontdesk.core.locking import LockOutsideTransaction, _for_update, lock_first, lock_keys, lock_row, lock_rows


@pytest.mark.django_db
def test_locking_outside_a_transaction_is_refused(django_db_blocker):
    group = Group.objects.create(name="a")
    # pytest-django wraps each test in a transaction; leave it to see what a view without one sees.
    from django.db import connection

    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        for call in (
            lambda: lock_rows(Group.objects.all()),
            lambda: lock_row(Group.objects, group.pk),
            lambda: lock_first(Group.objects.all()),
        ):
            with pytest.raises(LockOutsideTransaction):
                call()
        with pytest.raises(LockOutsideTransaction):
            lock_keys(Group.objects.all())
    finally:
        connection.in_atomic_block = atomic


@pytest.mark.django_db
def test_locked_rows_come_back_re_read_by_primary_key():
    a, b = Group.objects.create(name="a"), Group.objects.create(name="b")
    Group.objects.filter(pk=a.pk).update(name="renamed")
    with transaction.atomic():
        rows = lock_rows(Group.objects.filter(pk__in=[b.pk, a.pk]))
        assert list(rows) == sorted([a.pk, b.pk])
        assert rows[a.pk].name == "renamed"
        assert lock_row(Group.objects, b.pk).name == "b"
        with pytest.raises(Group.DoesNotExist):
            lock_row(Group.objects.filter(name="nobody"), a.pk)


@pytest.mark.django_db
def test_the_first_row_is_locked_or_none_comes_back():
    a, b = Group.objects.create(name="a"), Group.objects.create(name="b")
    with transaction.atomic():
        assert lock_first(Group.objects.filter(pk__in=[b.pk, a.pk])) == a
        assert lock_first(Group.objects.order_by("-name")) == b
        assert lock_first(Group.objects.filter(name="nobody")) is None


def test_a_query_across_relations_locks_only_its_own_rows_unless_told_otherwise():
    # PostgreSQL refuses FOR UPDATE on the nullable side of an outer join; a caller that wants a
    # joined row locked as well names it.
    def of(queryset, **kwargs):
        return _for_update(queryset, kwargs.get("of")).query.select_for_update_of

    assert of(Group.objects.filter(name="a")) == ()
    assert of(Group.objects.filter(permissions__codename="x")) == ("self",)
    assert of(Permission.objects.select_related("content_type")) == ("self",)
    assert of(Permission.objects.select_related("content_type"), of=("self", "content_type")) == (
        "self",
        "content_type",
    )
