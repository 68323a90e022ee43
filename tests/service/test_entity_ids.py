"""Entity ids of a linked file: the same members, the same id, however it is written."""

import pytest

from service.linkfile import stable_entity_id, stable_entity_text


@pytest.mark.parametrize(
    "members",
    [["DNPEF-1"], ["OIM-7", "DNPEF-1", "ENDA-3"], ["é", "ß", "漢"], [""], []],
)
def test_the_written_entity_id_is_the_version_5_uuid_of_its_members(members: list[str]) -> None:
    assert stable_entity_text(members) == str(stable_entity_id(members))


def test_the_order_of_the_members_does_not_change_the_id() -> None:
    assert stable_entity_text(["b", "a"]) == stable_entity_text(["a", "b"])
