"""Entity ids of a linked file: the same members, the same id, however it is written."""

import uuid

import numpy as np
import pytest

from matching.cluster import members
from service.linkfile import stable_entity_id, stable_entity_text
from service.relinking import entity_assignment, person_entities


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


@pytest.mark.parametrize("seed", range(40))
def test_persons_keep_the_entities_entity_assignment_gives_them(seed: int) -> None:
    """`person_entities` (numpy for the persons that keep their one entity) assigns what
    `entity_assignment` over every person does: persons split, joined, new, kept."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 60))
    ids = [uuid.UUID(int=int(rng.integers(1, 2**62))) for _ in range(count)]
    pool = [uuid.UUID(int=int(rng.integers(1, 2**62))) for _ in range(int(rng.integers(1, 12)))]
    pool.append(stable_entity_id([str(ids[0])]))  # an id its members once gave
    before = [None if rng.random() < 0.2 else pool[int(rng.integers(len(pool)))] for _ in ids]
    rows = rng.integers(0, max(1, count // 2), count)
    labels = np.array([int(np.flatnonzero(rows == rows[r])[0]) for r in range(count)])
    raw = np.frombuffer(b"".join(e.bytes if e else bytes(16) for e in before), "V16")
    assignment, persons = person_entities(labels, raw, ids)
    groups = list(members(labels).values())
    assert assignment == entity_assignment(groups, dict(enumerate(before)).get, ids)
    assert persons == len(groups)


def test_persons_that_keep_their_entities_need_no_assignment() -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    one, other = uuid.uuid4(), uuid.uuid4()
    raw = np.frombuffer(b"".join(e.bytes for e in (one, one, other, other)), "V16")
    assert person_entities(np.array([0, 0, 2, 2]), raw, ids) == ({}, 2)
