"""What a later file overwrites stays readable: a re-import keeps the record's earlier
values (`record_versions`), shown as the record itself is to each reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from httpx2 import Response

from api.cli import main
from models.store import versions
from service import Actor, Service
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
    why = {"X-Purpose": "verification avant la reunification"}
    read = world.client.get(
        f"/records/{world.records['A-1']}", headers=world.headers("tracing_officer", **why)
    ).json()
    assert read["access"] == "case" and "updated_at" not in read


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


ERASE_REASON = "adresse du foyer donnée par erreur"


def _erase(world: World, who: str, reason: str = ERASE_REASON) -> Response:
    return world.client.post(
        f"/records/{world.records['A-1']}/versions/erasure",
        json={"reason": reason},
        headers=world.headers(who),
    )


def test_a_caseworker_of_the_recording_organisation_erases_a_record_s_earlier_values(
    world: World, tmp_path: Path
) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    response = _erase(world, "caseworker@OIM")
    assert response.status_code == 200, response.text
    assert response.json() == {"erased": 1}
    assert _versions(world, "admin") == []
    current = world.client.get(
        f"/records/{world.records['A-1']}", headers=world.headers("admin")
    ).json()
    assert current["current_location"] == "Foyer de Kayes"  # the record as it is now stays


def test_an_erasure_is_audited_with_its_reason_and_count(world: World, tmp_path: Path) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    assert _erase(world, "admin").status_code == 200
    [row], _ = world.store.audit_rows({"action": "erase_record_versions"})
    assert row["object_ids"] == [str(world.records["A-1"])]
    assert (row["detail"]["reason"], row["detail"]["erased"]) == (ERASE_REASON, 1)


def test_only_the_recording_organisation_s_caseworker_or_an_admin_may_erase(
    world: World, tmp_path: Path
) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    assert _erase(world, "caseworker@ONG-A").status_code == 403
    assert _erase(world, "reviewer@OIM").status_code == 403
    assert _erase(world, "tracing_officer@OIM").status_code == 403
    [earlier] = _versions(world, "admin")
    assert earlier["record"]["current_location"] == "Centre d'accueil de Mopti"


def test_an_erasure_without_a_reason_in_words_is_refused(world: World, tmp_path: Path) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    assert _erase(world, "admin", reason="erreur").status_code == 422
    assert _erase(world, "admin", reason="a          b").status_code == 422
    assert _erase(world, "admin", reason="\u200b" * 12).status_code == 422
    assert len(_versions(world, "admin")) == 1


@pytest.mark.parametrize(
    "reason",
    [
        "adresse du centre d'accueil de mopti, erronée",
        "numéro 70 00 00 01 donné par erreur",
        "numéro +22370000001 donné par erreur",
    ],
)
def test_an_erasure_whose_reason_quotes_an_erased_value_is_refused(
    world: World, tmp_path: Path, reason: str
) -> None:
    """The audit trail keeps the reason for good: the value must not live on in it."""
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    answer = _erase(world, "admin", reason=reason)
    assert answer.status_code == 422
    assert "citer" in answer.json()["detail"] or "quotes" in answer.json()["detail"]
    assert len(_versions(world, "admin")) == 1


def test_an_erasure_whose_reason_names_no_erased_value_is_done(
    world: World, tmp_path: Path
) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    answer = _erase(world, "admin", reason="anomalie de saisie au centre, signalée par OIM")
    assert answer.status_code == 200 and answer.json()["erased"] == 1


def test_an_erasure_whose_audit_row_cannot_be_written_erases_nothing(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok

    def broken(*_: object) -> None:
        raise RuntimeError("the audit trail cannot be written")

    monkeypatch.setattr(versions, "write_audit", broken)
    with pytest.raises(RuntimeError):
        Service(world.store).erase_record_versions(
            Actor.operator("nrm versions erase"), world.records["A-1"], ERASE_REASON
        )
    monkeypatch.undo()
    assert len(_versions(world, "admin")) == 1


def test_an_unknown_record_s_versions_cannot_be_erased(world: World) -> None:
    response = world.client.post(
        "/records/00000000-0000-0000-0000-000000000000/versions/erasure",
        json={"reason": ERASE_REASON},
        headers=world.headers("admin"),
    )
    assert response.status_code == 404


def test_pruning_deletes_only_the_versions_older_than_the_limit(
    world: World, tmp_path: Path
) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    operator = Actor.operator("nrm versions prune")
    service = Service(world.store)
    assert service.prune_record_versions(operator, 30) == 0
    assert len(_versions(world, "admin")) == 1
    assert service.prune_record_versions(operator, 0) == 1
    assert _versions(world, "admin") == []
    rows, _ = world.store.audit_rows({"action": "prune_record_versions"})
    assert sorted(r["detail"]["erased"] for r in rows) == [0, 1]


def test_the_command_line_erases_by_the_organisation_s_record_id(
    world: World, tmp_path: Path
) -> None:
    assert import_records(world.store, write_csv(tmp_path / "moved.csv", MOVED)).ok
    result = CliRunner().invoke(
        main,
        ["versions", "erase", "A-1", "--source", "OIM", "--reason", ERASE_REASON, "--json"],
        env={"NRM_DATABASE_URL": _url(world)},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"record_id": "A-1", "erased": 1}
    refused = CliRunner().invoke(
        main,
        ["--lang", "en", "versions", "erase", "A-1", "--reason", "x"],
        env={"NRM_DATABASE_URL": _url(world)},
    )
    assert refused.exit_code == 2
    assert "say why these values are erased" in refused.stderr


def _url(world: World) -> str:
    """The world's database as `nrm` opens it (on PostgreSQL, the test's own schema)."""
    url = world.store.engine.url
    if url.get_backend_name() == "postgresql":
        with world.store.engine.connect() as c:
            schema = c.exec_driver_sql("SHOW search_path").scalar()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)
