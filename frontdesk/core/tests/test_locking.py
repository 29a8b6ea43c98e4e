"""The shared row-locking helpers."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from frontdesk.core.locking import LockOutsideTransaction, lock_keys, lock_row, lock_rows


@pytest.mark.django_db
def test_locking_outside_a_transaction_is_refused(django_db_blocker):
    group = Group.objects.create(name="a")
    # pytest-django wraps each test in a transaction; leave it to see what a view without one sees.
    from django.db import connection

    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        for call in (lambda: lock_rows(Group.objects.all()), lambda: lock_row(Group.objects, group.pk)):
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
