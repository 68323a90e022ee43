"""A decision rests on the records as the reviewer read them: the suggestion's ETag carries
each record's view, and an import that changed what that view holds since the read
refuses the decision (412), even when the suggestion itself did not move; a change the
view does not hold refuses nothing (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from service import Service
from tests.api.conftest import World
from tests.api.outdated import correct_the_childs_record
from tests.conftest import write_csv

PURPOSE = {"X-Purpose": "verification d'identite avant le retour"}
HEADER = (
    "record_id,source,case_id,case_type,registered_on,full_name,sex,birth_date,"
    "origin_village,origin_cercle,father_name,mother_name,phone,current_location\n"
)


def _change_k2(world: World, folder: Path, case_type: str, phone: str) -> None:
    """Import K-2 again with this case type and phone, unlinked; nothing else changes."""
    row = (
        f"K-2,ONG-A,C4,{case_type},2024-05-01,KULIBALI Awa,F,vers 2012,Banamba,Koulikoro,"
        f"Seydou,Mariam Keïta,{phone},\n"
    )
    report = Service(world.store).import_file(
        write_csv(folder / "k2.csv", HEADER + row), link=False
    )
    assert report.ok and report.counts is not None and report.counts.changed == 1, report


def _status(world: World) -> str:
    response = world.client.get(
        f"/suggestions/{world.suggestions['child']}", headers=world.headers("admin")
    )
    return response.json()["status"]


def test_a_decision_on_records_changed_since_they_were_read_is_refused(
    world: World, tmp_path: Path
) -> None:
    read = world.etag("child")
    correct_the_childs_record(Service(world.store), tmp_path)

    refused = world.decide("child", "non_match", etag=read)

    assert refused.status_code == 412, refused.text
    assert refused.json()["detail"].startswith("les fiches de cette suggestion ont changé")
    assert _status(world) == "pending"


def test_the_records_read_again_the_decision_goes_through(world: World, tmp_path: Path) -> None:
    world.etag("child")
    correct_the_childs_record(Service(world.store), tmp_path)

    decided = world.decide("child", "non_match")

    assert decided.status_code == 200, decided.text
    assert _status(world) == "rejected"


def test_a_protected_value_that_moved_refuses_nothing(world: World, tmp_path: Path) -> None:
    read = world.etag("child", who="reviewer@ONG-A")
    _change_k2(world, tmp_path, "return", "+223 70 00 00 09")

    decided = world.decide("child", "non_match", who="reviewer@ONG-A", etag=read)

    assert decided.status_code == 200, decided.text


def test_a_change_beyond_the_minimal_view_refuses_nothing_to_its_reader(
    world: World, tmp_path: Path
) -> None:
    read = world.etag("child")
    _change_k2(world, tmp_path, "reintegration", "")

    decided = world.decide("child", "non_match", etag=read)

    assert decided.status_code == 200, decided.text


def test_the_same_change_refuses_the_decision_of_one_who_read_the_case_file(
    world: World, tmp_path: Path
) -> None:
    read = world.client.get(
        f"/suggestions/{world.suggestions['child']}", headers=world.headers("reviewer", **PURPOSE)
    ).headers["ETag"]
    _change_k2(world, tmp_path, "reintegration", "")

    refused = world.decide("child", "non_match", etag=read)

    assert refused.status_code == 412, refused.text


def test_a_tag_read_with_a_purpose_stands_for_a_decision_without_one(world: World) -> None:
    read = world.client.get(
        f"/suggestions/{world.suggestions['child']}", headers=world.headers("reviewer", **PURPOSE)
    ).headers["ETag"]

    decided = world.decide("child", "non_match", etag=read)

    assert decided.status_code == 200, decided.text


def test_the_decision_answers_the_tag_to_read_the_suggestion_by(world: World) -> None:
    decided = world.decide("child", "match")

    assert decided.headers["ETag"] == world.etag("child")


def test_a_tag_of_the_form_before_the_digests_is_asked_to_be_read_again(world: World) -> None:
    """A page open when the service was updated carries `"id.version"`."""
    current = world.etag("child")
    older = current[: current.index(".", current.index(".") + 1)] + '"'

    refused = world.decide("child", "non_match", etag=older)

    assert refused.status_code == 412
    assert "avant la mise à jour du service" in refused.json()["detail"]
    assert _status(world) == "pending"


def test_a_tag_among_several_in_if_match_is_found(world: World) -> None:
    tag = world.etag("child")

    decided = world.decide("child", "non_match", etag=", ".join([tag + "x", 'W/"a.1.b.c"', tag]))

    assert decided.status_code == 200, decided.text
