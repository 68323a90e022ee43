"""What a later file overwrites stays readable: a re-import keeps the record's earlier
values (`record_versions`), shown as the record itself is to each reader."""

from __future__ import annotations

from pathlib import Path

from service.importing import import_records
from tests.api.conftest import World
from tests.conftest import write_csv

MOVED = (
    "record_id,source,full_name,phone,current_location\nA-1,OIM,TRAORE Aminata,,Foyer de Kayes\n"
)


def _versions(world: World, who: str) -> list[dict]:
    response = world.client.get(
        f"/records/{world.records['A-1']}/versions", headers=world.headers(who)
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_record_never_changed_has_no_earlier_version(world: World) -> None:
    assert _versions(world, "admin") == []


def test_a_re_import_keeps_what_it_blanks_and_moves(world: World, tmp_path: Path) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    [earlier] = _versions(world, "admin")
    assert earlier["record"]["phone"] == "+223 70 00 00 01"
    assert earlier["record"]["current_location"] == "Centre d'accueil de Mopti"
    current = world.client.get(
        f"/records/{world.records['A-1']}", headers=world.headers("admin")
    ).json()
    assert (current["phone"], current["current_location"]) == (None, "Foyer de Kayes")


def test_a_change_the_reader_may_not_see_is_not_announced(world: World, tmp_path: Path) -> None:
    """A tracing officer reads no phone and no location: an entry with its time would
    still say that the person moved."""
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    assert _versions(world, "tracing_officer") == []


def test_an_earlier_version_is_shown_as_the_record_is(world: World, tmp_path: Path) -> None:
    renamed = MOVED.replace("TRAORE Aminata", "TRAORÉ Aminata")
    assert import_records(world.store, write_csv(tmp_path / "renamed.csv", renamed)).ok
    [earlier] = _versions(world, "tracing_officer")
    assert "phone" not in earlier["record"] and "current_location" not in earlier["record"]
    current = world.client.get(
        f"/records/{world.records['A-1']}", headers=world.headers("tracing_officer")
    ).json()
    assert earlier["record"].get("entity_id") == current.get("entity_id")


def test_reading_the_versions_is_audited(world: World, tmp_path: Path) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    _versions(world, "admin")
    rows, _ = world.store.audit_rows({"action": "read_record_versions"})
    assert [r["detail"]["versions"] for r in rows] == [1]


def test_an_unknown_record_has_no_versions(world: World) -> None:
    response = world.client.get(
        "/records/00000000-0000-0000-0000-000000000000/versions", headers=world.headers("admin")
    )
    assert response.status_code == 404
