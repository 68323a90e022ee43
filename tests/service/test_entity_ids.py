"""Entity ids of a linked file: the same members, the same id, however it is written."""

import uuid

import pytest

from service.linkfile import stable_entity_id, stable_entity_text
from service.relinking import entity_assignment


@pytest.mark.parametrize(
    "members",
    [["DNPEF-1"], ["OIM-7", "DNPEF-1", "ENDA-3"], ["é", "ß", "漢"], [""], []],
)
def test_the_written_entity_id_is_the_version_5_uuid_of_its_members(members: list[str]) -> None:
    assert stable_entity_text(members) == str(stable_entity_id(members))


def test_the_order_of_the_members_does_not_change_the_id() -> None:
    assert stable_entity_text(["b", "a"]) == stable_entity_text(["a", "b"])


def test_a_person_never_takes_the_entity_a_larger_person_kept() -> None:
    # An earlier relink gave record 2 alone the id its members give; record 0 and 1 have
    # held that entity since, and now record 2 is a person alone again.
    ids = [uuid.uuid4() for _ in range(3)]
    alone = stable_entity_id([str(ids[2])])
    before = {0: alone, 1: alone, 2: None}
    assignment = entity_assignment([[2], [0, 1]], before.get, ids)
    assert ids[0] not in assignment and ids[1] not in assignment
    assert assignment[ids[2]] != alone


def test_a_fresh_entity_id_is_never_one_a_smaller_person_still_holds() -> None:
    # Records 0 and 1 once were a person alone and got the id they give; record 2 joined
    # it, then 0 and 1 moved to a larger person; now they are a person alone again.
    ids = [uuid.uuid4() for _ in range(8)]
    theirs, larger = stable_entity_id([str(ids[0]), str(ids[1])]), uuid.uuid4()
    before = {0: larger, 1: larger, 2: theirs, 5: larger, 6: larger, 7: larger}
    assignment = entity_assignment([[5, 6, 7], [0, 1], [2]], before.get, ids)
    assert ids[2] not in assignment
    assert assignment[ids[0]] == assignment[ids[1]] != theirs
