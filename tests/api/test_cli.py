"""The `nrm` command line: exit codes, --json, messages."""

import json
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from models.store import Store
from tests.conftest import write_csv

GOOD = "record_id,full_name,birth_date\nR1,TRAORE Aminata,vers 2005\nR2,Awa Diarra,2004-02-01\n"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    code, out, _ = _run("db", "upgrade", "--db", str(tmp_path / "a.db"))
    assert code == 0 and out.startswith("schema at revision")


def test_import_json_prints_only_json(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD)
    code, out, _ = _run("import", str(records), "--json", "--db", str(tmp_path / "a.db"))
    assert code == 0
    summary = json.loads(out)
    assert (summary["new"], summary["changed"], summary["unchanged"]) == (2, 0, 0)


def test_a_bad_file_exits_2_and_names_the_row(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD.replace("2004-02-01", "32/13/1999"))
    code, _, err = _run("import", str(records), "--db", str(tmp_path / "a.db"))
    assert code == 2
    assert 'row 3, birth_date: cannot read "32/13/1999"' in err
    assert "nothing was loaded" in err


def test_dry_run_says_nothing_was_written(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD)
    code, out, _ = _run("import", str(records), "--dry-run", "--db", str(tmp_path / "a.db"))
    assert code == 0 and "dry run" in out


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    code, _, _ = _run("import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "a.db"))
    assert code == 2


def test_user_add_prints_a_token_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    code, out, _ = _run("user", "add", "amina", "--role", "reviewer", "--db", db)
    token = out.strip()
    assert code == 0 and token.startswith("nrm_")
    from models.store import Store

    store = Store.open(db)
    user = store.user_by_token(token)
    assert user is not None and user.role == "reviewer"
    assert token not in (tmp_path / "a.db").read_bytes().decode("latin-1")


def test_an_unknown_role_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = _run("user", "add", "x", "--role", "boss", "--db", str(tmp_path / "a.db"))
    assert code == 2


def test_search_without_a_description_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = _run("search", "--db", str(tmp_path / "a.db"))
    assert code == 2


def test_relink_rebuilds_the_links_of_the_stored_population(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    records = write_csv(tmp_path / "r.csv", GOOD)
    assert _run("import", str(records), "--no-link", "--db", db)[0] == 0
    code, out, _ = _run("relink", "--json", "--db", db)
    assert code == 0
    assert json.loads(out)["records"] == 2


def test_a_search_from_the_command_line_is_audited(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)
    code, _, _ = _run("search", "--name", "Aminata Traoré", "--json", "--db", db)
    assert code == 0
    rows, total = Store.open(db).audit_rows({"action": "search"})
    assert total == 1
    assert rows[0]["detail"]["via"] == "nrm search"
    assert rows[0]["detail"]["query"] == {"full_name": "Aminata Traoré"}


def test_model_export_prints_the_model_in_use_as_readable_json(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    result = CliRunner().invoke(main, ["model", "export", "--db", db])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["comparisons"]["given_names"]["levels"][0] == "missing"
    assert "matches_per_record" in document


def test_graph_rebuild_writes_the_family_graph(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    records = write_csv(tmp_path / "r.csv", GOOD)
    assert _run("import", str(records), "--db", db)[0] == 0
    code, out, _ = _run("graph", "rebuild", "--json", "--db", db)
    assert code == 0
    assert json.loads(out)["persons"] == 2
