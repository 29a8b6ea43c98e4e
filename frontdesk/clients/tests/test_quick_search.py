"""The pickers' search (the journal's booking dialog, the merge tool): whole-word starts first,
read from the word index, then names that contain the text inside a word."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.clients.models import Client, ClientWord
from frontdesk.clients.selectors import quick_search
from frontdesk.clients.services import erase_client, merge_clients
from frontdesk.clients.tests.factories import make_client
from frontdesk.core.scopes import scope

pytestmark = pytest.mark.django_db


def _names(tenant, query, limit=10):
    with scope(tenant.chain):
        return [client.name for client in quick_search(Client.objects.all(), query, limit)]


def test_clients_whose_word_starts_with_the_text_come_first_then_those_with_it_inside(tenant_a):
    with scope(tenant_a.chain):
        for index, name in enumerate(["Вера Попова", "Борис Попов", "Дина Антипопова", "Попова Галина", "Анна Попова"]):
            make_client(tenant_a, name, f"+7900555000{index}")
    # "попов" before "попова"; within a word by name; "Антипопова" only has it inside a word.
    assert _names(tenant_a, "Попов") == [
        "Борис Попов",
        "Анна Попова",
        "Вера Попова",
        "Попова Галина",
        "Дина Антипопова",
    ]


def test_ten_of_thousands_are_the_first_ten_by_name_and_a_name_with_two_such_words_comes_once(tenant_a):
    with scope(tenant_a.chain):
        make_client(tenant_a, "Анна Аннина", "+79005550100")
        for index in range(12):
            make_client(tenant_a, f"Анна Клиентка {index:02d}", f"+790055501{index + 10:02d}")
    found = _names(tenant_a, "анн")
    assert found == ["Анна Аннина"] + [f"Анна Клиентка {index:02d}" for index in range(9)]
    # Two letters: only the starts of words (no trigram to find them inside words).
    assert _names(tenant_a, "ин", 3) == []
    assert _names(tenant_a, "ан", 2) == ["Анна Аннина", "Анна Клиентка 00"]


def test_several_words_as_typed_come_first_then_starts_of_words_in_another_order(tenant_a):
    with scope(tenant_a.chain):
        for index, name in enumerate(["Анна Петрова", "Анна Павлова", "Анна Смирнова", "Пётр Аннин", "Анна-Мария Пак"]):
            make_client(tenant_a, name, f"+7900555060{index}")
    assert _names(tenant_a, "Анна П") == ["Анна Павлова", "Анна Петрова", "Анна-Мария Пак"]
    assert _names(tenant_a, "петрова анна") == ["Анна Петрова"]
    # Words in any order, listed by the word that starts with the first text typed.
    assert _names(tenant_a, "п анн") == ["Анна Павлова", "Анна-Мария Пак", "Анна Петрова", "Пётр Аннин"]


def test_a_renamed_or_erased_client_is_found_by_the_new_name_only(tenant_a):
    with scope(tenant_a.chain):
        olga = make_client(tenant_a, "Ольга Сорокина", "+79005550200")
        irina = make_client(tenant_a, "Ирина Воронова", "+79005550201")
        olga.name = "Ольга Журавлёва"
        olga.save(update_fields=["name"])
        erase_client(irina)
    assert _names(tenant_a, "сорок") == []
    assert _names(tenant_a, "журав") == ["Ольга Журавлёва"]
    assert _names(tenant_a, "ворон") == []


def test_another_networks_clients_are_never_found(tenant_a, tenant_b):
    with scope(tenant_b.chain):
        make_client(tenant_b, "Мария Голубева", "+79005550300")
    with scope(tenant_a.chain):
        make_client(tenant_a, "Марина Голубкова", "+79005550301")
    assert _names(tenant_a, "голуб") == ["Марина Голубкова"]
    assert _names(tenant_b, "голуб") == ["Мария Голубева"]


def test_a_merged_duplicate_is_found_once_and_only_by_the_kept_name(tenant_a):
    with scope(tenant_a.chain):
        kept = make_client(tenant_a, "Светлана Лебедева", "+79005550400")
        duplicate = make_client(tenant_a, "Света Лебедева-Смирнова", "+79005550401")
        merge_clients(kept, duplicate)
        assert sorted(ClientWord.objects.filter(client=kept).values_list("word", flat=True)) == [
            "лебедева",
            "светлана",
        ]
    assert _names(tenant_a, "лебед") == ["Светлана Лебедева"]
    assert _names(tenant_a, "смирн") == []


# Two words of four letters from a small alphabet: many clients share starts and insides, and
# every database orders such names as Python does (no spaces or case to collate differently).
word = st.text(alphabet="абвг", min_size=4, max_size=4)
names = st.lists(st.tuples(word, word).map(" ".join), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=names, query=st.text(alphabet="абвг", min_size=3, max_size=4), limit=st.integers(1, 12))
def test_the_picker_lists_exactly_word_starts_then_insides_in_order(tenant_a, names, query, limit):
    with transaction.atomic():
        with scope(tenant_a.chain):
            clients = [
                Client.objects.create(chain=tenant_a.chain, name=name, phone=f"+7900777{index:04d}")
                for index, name in enumerate(names)
            ]
            found = [client.pk for client in quick_search(Client.objects.all(), query, limit)]
        starts = [c for c in clients if any(w.startswith(query) for w in c.name.split())]
        starts.sort(key=lambda c: (min(w for w in c.name.split() if w.startswith(query)), c.name, c.pk))
        inside = sorted((c for c in clients if query in c.name and c not in starts), key=lambda c: (c.name, c.pk))
        assert found == [c.pk for c in (starts + inside)[:limit]]
        transaction.set_rollback(True)
