"""The store's records, entities, users and models (`models/store/base.py`), on SQLite
and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect

from models.store import Store, StoreError
from models.tables import metadata
from models.users import UserRole
from tests.models.store.people import ROWS, ids, load


def test_a_record_read_by_id_is_the_row_imported(store: Store) -> None:
    load(store)
    record = store.get_record(ids(store)["A-1"])
    assert record is not None
    assert (record.source, record.full_name, record.birth_date) == ("OIM", "TRAORE Aminata", "1990")


def test_an_unknown_record_id_reads_as_none(store: Store) -> None:
    assert store.get_record(uuid.uuid4()) is None


def test_a_page_counts_every_match_beyond_its_limit(store: Store) -> None:
    load(store)
    page = store.list_records({"source": "OIM"}, limit=1)
    assert (len(page.items), page.total) == (1, 2)


def test_a_name_filter_matches_any_name_field_whatever_the_case(store: Store) -> None:
    load(store)
    page = store.list_records({}, name="aminata")
    assert sorted(r.record_id for r in page.items) == ["A-1", "A-2"]


SALIMATAS = (
    {"record_id": "N-1", "source": "OIM", "given_names": "Salimata", "family_name": "Camara"},
    {"record_id": "N-2", "source": "OIM", "full_name": "CAMARA Salimata"},
    {"record_id": "N-3", "source": "OIM", "given_names": "Mariam", "family_name": "Camara",
     "aliases": "Salimata; Sali"},
    {"record_id": "N-4", "source": "OIM", "given_names": "Salimata", "family_name": "Traoré"},
    {"record_id": "N-5", "source": "OIM", "given_names": "Fanta", "family_name": "Camara"},
)  # fmt: skip
"""Salimata Camara as files write her (given and family names apart, one full name, a
Mariam Camara known as Salimata), beside a Salimata and a Camara who are not her."""


def _named(store: Store, name: str) -> list[str]:
    page = store.list_records({}, name=name)
    assert page.total == len(page.items)
    return sorted(r.record_id for r in page.items)


def test_a_name_of_several_words_finds_each_word_in_any_name_field(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "Salimata Camara") == ["N-1", "N-2", "N-3"]


def test_a_name_of_several_words_is_found_in_either_order(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "Camara Salimata") == _named(store, "Salimata Camara")


def test_every_word_of_a_name_must_be_found_in_the_record(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "Salimata Camara Keita") == []


def test_a_word_is_found_in_the_aliases(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "Sali Mariam") == ["N-3"]


def test_each_word_of_a_name_matches_whatever_its_case(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "sALIMATA cAMARA") == ["N-1", "N-2", "N-3"]


def test_each_word_of_a_name_matches_part_of_a_name_field(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "alim mara") == ["N-1", "N-2", "N-3"]


def test_spaces_between_the_words_of_a_name_do_not_matter(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "  Salimata   Camara ") == ["N-1", "N-2", "N-3"]


def test_a_wildcard_word_in_a_name_matches_only_itself(store: Store) -> None:
    load(store, SALIMATAS)
    assert _named(store, "Salimata %") == []
    assert _named(store, "_ Camara") == []


ACCENTED = (
    {"record_id": "F-1", "source": "OIM", "full_name": "TRAORÉ Sékou"},
    {"record_id": "F-2", "source": "OIM", "given_names": "Awa", "family_name": "N'Diaye"},
    {"record_id": "F-3", "source": "OIM", "given_names": "Ɲama", "family_name": "Ould-Ahmed"},
)


def test_a_name_typed_without_accents_finds_the_accented_one(store: Store) -> None:
    load(store, ACCENTED)
    assert _named(store, "sekou traore") == ["F-1"]
    assert _named(store, "SÉKOU traoré") == ["F-1"]


def test_a_name_typed_without_apostrophe_or_hyphen_finds_the_one_written_with_it(
    store: Store,
) -> None:
    load(store, ACCENTED)
    assert _named(store, "Ndiaye") == ["F-2"]
    assert _named(store, "N'Diaye Awa") == ["F-2"]
    assert _named(store, "ould ahmed") == _named(store, "Ould-Ahmed") == ["F-3"]


def test_the_bambara_letters_fold_to_their_plain_letter(store: Store) -> None:
    load(store, ACCENTED)
    assert _named(store, "nama") == ["F-3"]


def test_a_name_of_spaces_alone_filters_nothing(store: Store) -> None:
    load(store, SALIMATAS)
    assert store.list_records({}, name="   ").total == len(SALIMATAS)


def test_a_name_and_the_other_filters_must_all_hold(store: Store) -> None:
    load(store, (*SALIMATAS, {**SALIMATAS[0], "record_id": "N-6", "source": "ONG-A"}))
    page = store.list_records({"source": "ONG-A"}, name="Camara Salimata")
    assert [r.record_id for r in page.items] == ["N-6"] and page.total == 1


def test_unknown_filters_are_ignored(store: Store) -> None:
    load(store)
    assert store.list_records({"phone": "+223"}).total == len(ROWS)


def test_records_by_ids_reads_only_those_asked(store: Store) -> None:
    load(store)
    wanted = ids(store)
    found = store.records_by_ids([wanted["A-1"], wanted["T-1"]])
    assert sorted(r.record_id for r in found) == ["A-1", "T-1"]


def test_an_entity_holds_the_records_assigned_to_it(store: Store) -> None:
    load(store)
    wanted = ids(store)
    entity = uuid.uuid4()
    with store.linking() as tx:
        tx.assign_entities({wanted["A-1"]: entity, wanted["A-2"]: entity})
    found = store.entity(entity)
    assert found is not None
    created, records = found
    assert created.tzinfo is not None
    assert [r.record_id for r in records] == ["A-1", "A-2"]


def test_an_unknown_entity_reads_as_none(store: Store) -> None:
    assert store.entity(uuid.uuid4()) is None


def test_a_token_finds_its_user_until_revoked(store: Store) -> None:
    user, token = store.add_user("awa", UserRole.REVIEWER, "OIM")
    found = store.user_by_token(token)
    assert found is not None and (found.id, found.organisation) == (user.id, "OIM")
    assert store.revoke_user("awa")
    assert store.user_by_token(token) is None


def test_revoking_an_unknown_user_says_so(store: Store) -> None:
    assert not store.revoke_user("nobody")


def test_two_users_cannot_share_a_name(store: Store) -> None:
    store.add_user("awa", UserRole.REVIEWER)
    with pytest.raises(StoreError):
        store.add_user("awa", UserRole.ADMIN)


def test_one_model_of_each_kind_is_active(store: Store) -> None:
    store.save_model("fs-1", '{"v": 1}')
    store.save_model("fs-2", '{"v": 2}')
    store.save_model("learned-1", '{"l": 1}', kind="learned")
    assert store.active_model() == '{"v": 2}'
    assert store.active_model(kind="learned") == '{"l": 1}'


def test_no_model_is_active_in_a_new_store(store: Store) -> None:
    assert store.active_model() is None


def test_health_names_the_database_and_an_up_to_date_schema(store: Store) -> None:
    health = store.health()
    assert health["database"] == store.dialect
    assert health["schema_up_to_date"]


def test_a_record_is_found_by_its_record_id_alone_through_an_index(store: Store) -> None:
    names = {index["name"] for index in inspect(store.engine).get_indexes("person_records")}
    assert "ix_person_records_record_id" in names


def test_models_saved_together_become_active_together(store: Store) -> None:
    store.save_model("fs-1", '{"v": 1}')
    store.save_model("learned-1", '{"l": 1}', kind="learned")
    store.save_models([("fs-2", '{"v": 2}', "fs"), ("learned-2", '{"l": 2}', "learned")])
    assert store.active_model() == '{"v": 2}'
    assert store.active_model(kind="learned") == '{"l": 2}'


def test_the_migrated_schema_has_every_index_the_tables_declare(store: Store) -> None:
    """The migrations build the schema; `models.tables` declares it for the code: an index
    declared but never migrated would be missing from every store."""
    inspector = inspect(store.engine)
    declared = {(t.name, i.name) for t in metadata.sorted_tables for i in t.indexes}
    built = {
        (table, index["name"])
        for table in {t for t, _ in declared}
        for index in inspector.get_indexes(table)
    }
    assert declared <= built
