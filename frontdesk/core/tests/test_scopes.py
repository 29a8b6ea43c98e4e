import threading

import pytest

from frontdesk.core.scopes import ScopeError, scope, scopes_disabled
from frontdesk.tenancy.models import Company


def test_a_query_outside_any_scope_is_refused(tenant_a):
    from frontdesk.core.scopes import _current

    token = _current.set(None)
    try:
        with pytest.raises(ScopeError):
            list(Company.objects.all())
    finally:
        _current.reset(token)


def test_a_scope_sees_only_its_own_network(tenant_a, tenant_b):
    with scope(tenant_a.chain):
        names = set(Company.objects.values_list("name", flat=True))
    assert names == {"Лаванда Арбат", "Лаванда Сокол"}
    with scope(tenant_b.chain):
        assert not Company.objects.filter(pk=tenant_a.company.pk).exists()


def test_a_new_thread_starts_unscoped(tenant_a):
    errors = []

    def worker():
        try:
            Company.objects.count()
        except ScopeError as exc:
            errors.append(exc)

    with scope(tenant_a.chain):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert len(errors) == 1


def test_disabled_scopes_see_every_network(tenant_a, tenant_b):
    with scopes_disabled():
        assert Company.objects.count() == 3
