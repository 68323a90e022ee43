"""Four eyes on the records as they are: a child's merge confirmed once, then an import
changes one of its records; the first confirmation no longer counts, the next one is the
first again (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from models.store import Store
from service import Service
from tests.api.conftest import World
from tests.api.outdated import CORRECTED, correct_the_childs_record
from tests.conftest import write_csv


def _read(world: World, who: str) -> dict:
    response = world.client.get(
        f"/suggestions/{world.suggestions['child']}", headers=world.headers(who)
    )
    assert response.status_code == 200, response.text
    return response.json()


def _one_person(store: Store) -> bool:
    persons = {r.record_id: r.entity_id for r in store.list_records({}, limit=200).items}
    return persons["K-1"] is not None and persons["K-1"] == persons["K-2"]


def test_a_second_reviewer_reads_that_the_first_confirmation_is_outdated(
    world: World, tmp_path: Path
) -> None:
    world.decide("child", "match", who="reviewer")
    assert _read(world, "reviewer2")["first_confirmation_outdated"] is False

    correct_the_childs_record(Service(world.store), tmp_path)

    assert _read(world, "reviewer2")["first_confirmation_outdated"] is True


def test_a_confirmation_after_the_records_changed_is_the_first_again(
    world: World, tmp_path: Path
) -> None:
    first = world.decide("child", "match", who="reviewer").json()["decision"]
    correct_the_childs_record(Service(world.store), tmp_path)

    again = world.decide("child", "match", who="reviewer2")

    assert again.status_code == 200, again.text
    assert again.json()["suggestion"]["status"] == "awaiting_second"
    assert again.json()["suggestion"]["confirmation_withdrawn"] == first["id"]
    assert again.json()["decision"]["effect"] == "first_confirmation"
    assert not _one_person(world.store)
    history = _read(world, "reviewer2")["decisions"]
    withdrawn = [d for d in history if d["reverts"] == first["id"]]
    assert len(withdrawn) == 1 and withdrawn[0]["user"] == "reviewer2"
    assert "les fiches ont changé" in withdrawn[0]["note"]


def test_the_merge_needs_a_second_reviewer_on_the_changed_records(
    world: World, tmp_path: Path
) -> None:
    world.decide("child", "match", who="reviewer")
    correct_the_childs_record(Service(world.store), tmp_path)
    world.decide("child", "match", who="reviewer2")

    mine_again = world.decide("child", "match", who="reviewer2")
    completed = world.decide("child", "match", who="reviewer")

    assert mine_again.status_code == 409
    assert completed.json()["suggestion"]["status"] == "confirmed"
    assert _one_person(world.store)


def test_the_first_reviewer_may_confirm_again_on_the_changed_records(
    world: World, tmp_path: Path
) -> None:
    world.decide("child", "match", who="reviewer")
    correct_the_childs_record(Service(world.store), tmp_path)

    assert _read(world, "reviewer")["confirmed_by_you"] is False
    again = world.decide("child", "match", who="reviewer")

    assert again.json()["suggestion"]["status"] == "awaiting_second"
    assert _read(world, "reviewer")["confirmed_by_you"] is True


def test_a_first_confirmation_on_unchanged_records_still_counts(
    world: World, tmp_path: Path
) -> None:
    world.decide("child", "match", who="reviewer")
    correct_the_childs_record(Service(world.store), tmp_path)
    world.decide("child", "match", who="reviewer2")
    unchanged = Service(world.store).import_file(write_csv(tmp_path / "same.csv", CORRECTED))
    assert unchanged.ok and unchanged.counts is not None and unchanged.counts.unchanged == 1
    completed = world.decide("child", "match", who="reviewer")

    assert completed.json()["suggestion"]["status"] == "confirmed"
    assert completed.json()["suggestion"]["confirmation_withdrawn"] is None


def test_a_change_of_a_protected_field_alone_leaves_the_first_confirmation_standing(
    world: World, tmp_path: Path
) -> None:
    """A new phone number says nothing about who the child is, and a reviewer must not
    learn from the pair that a hidden value moved."""
    world.decide("child", "match", who="reviewer")
    phone = CORRECTED.replace("mother_name\n", "mother_name,phone\n").replace(
        "vers 2013", "vers 2012"
    )
    phone = phone.rstrip("\n") + ",+223 76 00 00 09\n"
    report = Service(world.store).import_file(write_csv(tmp_path / "p.csv", phone), link=False)
    assert report.ok and report.counts is not None and report.counts.changed == 1, report

    assert _read(world, "reviewer2")["first_confirmation_outdated"] is False
    completed = world.decide("child", "match", who="reviewer2")
    assert completed.json()["suggestion"]["status"] == "confirmed"
