"""The `nrm` command line: exit codes, --json, messages."""

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, update

from api.cli import main
from models.store import Store
from models.store.kingraph import GRAPH_VERSION
from models.tables import match_models
from tests.conftest import write_csv
from tracing.graph_version import graph_version

GOOD = (
    "record_id,source,full_name,birth_date\n"
    "R1,OIM,TRAORE Aminata,vers 2005\nR2,OIM,Awa Diarra,2004-02-01\n"
)
NO_SOURCE = "record_id,full_name\nR1,TRAORE Aminata\nR2,Awa Diarra\n"


ENGLISH = {"NRM_LANG": "en"}
FRENCH_LOCALE_UNSET = {"NRM_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}


def _run(*args: str, env: dict[str, str | None] = ENGLISH) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    code, out, _ = _run("db", "upgrade", "--db", str(tmp_path / "a.db"))
    assert code == 0 and out.startswith("schema at revision")


def test_a_database_in_a_folder_that_does_not_exist_is_named_in_the_users_language(
    tmp_path: Path,
) -> None:
    """SQLite's own words ("unable to open database file") and SQLAlchemy's link to its
    documentation told a caseworker nothing."""
    missing = tmp_path / "absent" / "nrm.db"
    code, _, err = _run("relink", "--db", str(missing), env={"NRM_LANG": "fr"})
    assert code == 1
    assert f"le dossier {missing.parent} n'existe pas" in err
    assert "sqlalche.me" not in err and not missing.parent.exists()


def test_a_database_that_cannot_be_reached_says_the_drivers_words_only() -> None:
    code, _, err = _run("relink", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 1
    assert "cannot open the database: connection failed" in err
    assert "sqlalche.me" not in err


def test_import_json_prints_only_json(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD)
    code, out, _ = _run("import", str(records), "--json", "--db", str(tmp_path / "a.db"))
    assert code == 0
    summary = json.loads(out)
    assert (summary["new"], summary["changed"], summary["unchanged"]) == (2, 0, 0)


def test_strict_a_bad_date_exits_2_and_names_the_row(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD.replace("2004-02-01", "32/13/1999"))
    code, _, err = _run("import", str(records), "--strict", "--db", str(tmp_path / "a.db"))
    assert code == 2
    assert 'row 3, birth_date: cannot read "32/13/1999"' in err
    assert "nothing was loaded" in err


def test_a_refused_file_s_warnings_are_counted_never_said_to_load(tmp_path: Path) -> None:
    rows = "record_id,source,full_name,sex,birth_date\nR1,OIM,Awa,X,2005\nR2,OIM,Ali,M,hier\n"
    records = write_csv(tmp_path / "r.csv", rows)
    code, _, err = _run("import", str(records), "--db", str(tmp_path / "a.db"))
    assert code != 0
    assert "nothing was loaded" in err
    assert "r.csv: 1 warning" in err and "load as" not in err and "loads as" not in err


def test_a_bad_date_loads_with_a_warning_naming_row_and_column(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD.replace("2004-02-01", "32/13/1999"))
    code, out, err = _run("import", str(records), "--db", str(tmp_path / "a.db"))
    assert code == 0 and "2 new" in out
    assert "1 warning" in err
    assert 'row 3, birth_date: cannot read "32/13/1999" (kept in birth_date_raw' in err


def test_a_bad_file_is_refused_in_french_by_default(tmp_path: Path) -> None:
    records = write_csv(
        tmp_path / "s.csv",
        "record_id,source,full_name,sex\nR1,ONG,TRAORE Aminata,X\nR2,ONG,Awa,F\n",
    )
    db = str(tmp_path / "a.db")
    code, _, err = _run("import", str(records), "--db", db, env=FRENCH_LOCALE_UNSET)
    assert code == 2
    assert f"{records} : 1 erreur ; rien n'a été chargé." in err
    assert "ligne 2, sex : impossible de lire « X » (attendu : F, M)" in err
    code, _, err = _run("--lang", "en", "import", str(records), "--db", db)
    assert "row 2, sex: cannot read" in err and "nothing was loaded" in err
    code, _, err = _run("import", str(records), "--db", db, env={"LANG": "en_GB.UTF-8"})
    assert "row 2, sex: cannot read" in err


def test_help_is_in_french_by_default_and_in_english_on_request() -> None:
    code, out, _ = _run("import", "--help", env=FRENCH_LOCALE_UNSET)
    assert code == 0
    assert "Utilisation : main import" in out and "Valider seulement ; ne rien écrire." in out
    code, out, _ = _run("--lang", "en", "import", "--help", env=FRENCH_LOCALE_UNSET)
    assert "Usage: main import" in out and "Validate only; write nothing." in out


def test_dry_run_says_nothing_was_written(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD)
    code, out, _ = _run("import", str(records), "--dry-run", "--db", str(tmp_path / "a.db"))
    assert code == 0 and "dry run" in out


def test_a_file_without_source_is_refused_unless_the_organisation_is_named(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "a.db")
    records = write_csv(tmp_path / "r.csv", NO_SOURCE)
    code, _, err = _run("import", str(records), "--db", db)
    assert code == 2
    assert "no source column" in err and "--source ORG" in err
    code, out, _ = _run("import", str(records), "--source", "ONG-A", "--json", "--db", db)
    assert code == 0 and json.loads(out)["new"] == 2
    assert {r.source for r in Store.open(db).list_records({}).items} == {"ONG-A"}


def test_import_source_unspecified_is_refused(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", NO_SOURCE)
    code, _, err = _run(
        "import", str(records), "--source", "unspecified", "--db", str(tmp_path / "a.db")
    )
    assert code == 2 and '"unspecified" is not an organisation' in err


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    code, _, _ = _run("import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "a.db"))
    assert code == 2


def test_user_add_prints_a_token_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    code, out, err = _run("user", "add", "amina", "--role", "reviewer", "--db", db)
    token = out.strip()
    assert code == 0 and token.startswith("nrm_")
    assert "amina" in err and token not in err  # what the token is, on stderr
    from models.store import Store

    store = Store.open(db)
    user = store.user_by_token(token)
    assert user is not None and user.role == "reviewer"
    assert token not in (tmp_path / "a.db").read_bytes().decode("latin-1")


def test_a_caseworker_of_an_organisation_the_records_spell_otherwise_is_refused(
    tmp_path: Path,
) -> None:
    """`--org oim` where the records say OIM would give a caseworker who sees nothing."""
    db = str(tmp_path / "a.db")
    assert _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)[0] == 0
    source = Store.open(db).sources()[0]
    code, _, err = _run(
        "user", "add", "awa", "--role", "caseworker", "--org", source.lower(), "--db", db
    )
    assert code == 2 and f'the records name this organisation "{source}"' in err
    assert _run("user", "add", "awa", "--role", "caseworker", "--org", source, "--db", db)[0] == 0


def test_a_caseworker_without_an_organisation_is_refused(tmp_path: Path) -> None:
    code, _, err = _run("user", "add", "x", "--role", "caseworker", "--db", str(tmp_path / "a.db"))
    assert code == 2 and "name it" in err


def test_an_unknown_role_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = _run("user", "add", "x", "--role", "boss", "--db", str(tmp_path / "a.db"))
    assert code == 2


def test_search_without_a_description_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = _run("search", "--db", str(tmp_path / "a.db"))
    assert code == 2


def test_a_search_name_written_as_a_pattern_is_refused_saying_why(tmp_path: Path) -> None:
    code, _, err = _run("search", "--name", "Ami*", "--db", str(tmp_path / "a.db"))
    assert code == 2 and "wildcards" in err


def test_a_search_by_one_name_alone_that_finds_no_one_says_what_to_add(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)
    code, out, _ = _run("search", "--name", "Aminata", "--db", db)
    assert code == 0
    assert "describe the person by two things at least" in out


def test_a_search_gives_its_reasons_in_the_language_asked(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)
    french = _run("search", "--name", "Aminata Traoré", "--lang", "fr", "--db", db)[1]
    english = _run("search", "--name", "Aminata Traoré", "--lang", "en", "--db", db)[1]
    assert "même prénom" in french and "same given name" in english


def test_relink_rebuilds_the_links_of_the_stored_population(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    records = write_csv(tmp_path / "r.csv", GOOD)
    assert _run("import", str(records), "--no-link", "--db", db)[0] == 0
    code, out, _ = _run("relink", "--json", "--db", db)
    assert code == 0
    assert json.loads(out)["records"] == 2


def test_relink_says_whose_blocking_keys_it_wrote_again(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    records = write_csv(tmp_path / "r.csv", GOOD)
    assert _run("import", str(records), "--db", db)[0] == 0

    code, out, _ = _run("relink", "--db", db, env=FRENCH_LOCALE_UNSET)

    assert code == 0
    assert "clés de blocage écrites à nouveau pour 0 fiche, gardées pour 2" in out


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


def test_keys_rebuild_recomputes_the_stored_keys_and_says_how_many(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    assert _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)[0] == 0
    code, out, _ = _run("keys", "rebuild", "--json", "--db", db)
    assert code == 0
    summary = json.loads(out)
    assert summary["records"] == 2
    assert summary["to"] == summary["from"]


def test_link_counts_an_unreadable_date_as_unknown_and_says_so(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", GOOD.replace("2004-02-01", "hier"))
    out = tmp_path / "clusters.csv"
    code, stdout, err = _run("link", str(records), "--out", str(out), "--json")
    summary = json.loads(stdout)
    assert code == 0 and summary["records"] == 2 and summary["warning_count"] == 1
    assert summary["warnings"][0].startswith('row 3, birth_date: cannot read "hier"')
    code, _, err = _run("link", str(records), "--out", str(out), env=FRENCH_LOCALE_UNSET)
    assert "ligne 3, birth_date : impossible de lire « hier »" in err


def test_link_of_a_file_without_a_source_column_takes_the_organisation_given(
    tmp_path: Path,
) -> None:
    records = write_csv(
        tmp_path / "r.csv",
        "record_id,full_name,sex,birth_date\nA-1,Awa TRAORE,F,2004\nA-2,Awa TRAORÉ,F,2004\n",
    )
    out = tmp_path / "clusters.csv"
    code, _, err = _run("--lang", "en", "link", str(records), "--out", str(out))
    assert code == 2 and "--source ORG" in err and "nrm import" not in err
    code, stdout, _ = _run("link", str(records), "--out", str(out), "--source", "AMSS", "--json")
    assert code == 0 and json.loads(stdout)["records"] == 2
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "record_id,entity_id,source" and rows[1].endswith(",AMSS")


def test_serve_on_a_port_in_use_says_so_and_serves_nothing(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, _, err = _run("--lang", "en", "serve", "--port", port, "--db", str(tmp_path / "a.db"))
    assert code == 2 and f"cannot serve on 127.0.0.1:{port}" in err and "--port" in err


def test_link_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = _run("--lang", "en", "link", str(tmp_path / "none.csv"), "--out", "c.csv")
    assert code == 2 and "none.csv" in err and "Traceback" not in err


def test_usage_errors_are_in_french_by_default() -> None:
    code, _, err = _run("improt", env=FRENCH_LOCALE_UNSET)
    assert code == 2 and "Erreur : Commande inconnue : « improt »." in err
    code, _, err = _run("link", "r.csv", env=FRENCH_LOCALE_UNSET)
    assert code == 2 and "Erreur : Option manquante : '--out'." in err
    code, _, err = _run("link", "r.csv")
    assert code == 2 and "Error: Missing option '--out'." in err


def test_usage_errors_follow_the_lang_given_before_the_command() -> None:
    code, _, err = _run("--lang", "en", "link", "r.csv", env=FRENCH_LOCALE_UNSET)
    assert code == 2 and "Usage: " in err and "Error: Missing option '--out'." in err


def test_graph_rebuild_writes_the_family_graph(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    records = write_csv(tmp_path / "r.csv", GOOD)
    assert _run("import", str(records), "--db", db)[0] == 0
    code, out, _ = _run("graph", "rebuild", "--json", "--db", db)
    assert code == 0
    assert json.loads(out)["persons"] == 2


def test_graph_rebuild_says_which_version_of_the_graph_it_wrote(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)[0] == 0
    code, out, _ = _run("graph", "rebuild", "--json", "--db", db)
    summary = json.loads(out)
    assert code == 0 and summary["from"] is None
    assert summary["to"] == graph_version()


def test_graph_rebuild_says_in_french_that_it_replaced_another_versions_graph(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "a.db")
    assert _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)[0] == 0
    store = Store.open(db)
    store.set_setting(GRAPH_VERSION, "graph-0-older")
    store.close()

    code, out, _ = _run("graph", "rebuild", "--db", db, env=FRENCH_LOCALE_UNSET)

    assert code == 0
    assert "il remplace un graphe familial écrit par une autre version du code" in out
    assert "graph-0-older" in out


def test_an_import_that_links_everyone_again_says_why_in_french(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    first = write_csv(tmp_path / "r.csv", GOOD)
    more = write_csv(tmp_path / "more.csv", GOOD.replace("R1,", "R3,").replace("R2,", "R4,"))
    code, out, _ = _run("import", str(first), "--db", db, env=FRENCH_LOCALE_UNSET)
    assert code == 0 and "reliée à nouveau" not in out

    code, out, _ = _run("import", str(more), "--db", db, env=FRENCH_LOCALE_UNSET)

    assert code == 0
    assert (
        "toute la population a été reliée à nouveau : les fiches à relier en font la moitié" in out
    )


def test_an_import_that_drops_the_built_family_graph_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    first = write_csv(tmp_path / "r.csv", GOOD)
    more = write_csv(tmp_path / "more.csv", GOOD.replace("R1,", "R3,").replace("R2,", "R4,"))
    assert _run("import", str(first), "--db", db)[0] == 0
    assert _run("graph", "rebuild", "--db", db)[0] == 0

    code, out, _ = _run("import", str(more), "--db", db, env=FRENCH_LOCALE_UNSET)

    assert code == 0
    assert "le graphe familial a été effacé : la première recherche de parents" in out


def test_an_import_says_it_refitted_a_model_an_older_code_had_fitted(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert _run("import", str(write_csv(tmp_path / "r.csv", GOOD)), "--db", db)[0] == 0
    store = Store.open(db)
    with store.engine.begin() as c:
        active = match_models.c.active.is_(True)
        document = json.loads(c.execute(select(match_models.c.document).where(active)).scalar())
        document.pop("scoring")
        c.execute(update(match_models).where(active).values(document=json.dumps(document)))
    more = write_csv(tmp_path / "more.csv", "record_id,source,full_name\nR3,OIM,Fanta Keita\n")

    code, out, _ = _run("import", str(more), "--db", db)

    assert code == 0
    assert "the stored model was fitted by an older version of the code" in out


def test_an_import_says_strict_would_refuse_it_only_for_values_strict_refuses(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "s.db")
    unread = write_csv(tmp_path / "u.csv", GOOD.replace("2004-02-01", "hier"))
    _, _, err = _run("import", str(unread), "--dry-run", "--db", db)
    assert "(--strict refuses it instead)" in err
    columns = write_csv(
        tmp_path / "c.csv",
        "record_id,source,family_name,grp_enfant/nom\nR1,OIM,TRAORE,Traore\n",
    )
    code, _, err = _run("import", str(columns), "--strict", "--db", db)
    assert code == 0 and "warning" in err and "--strict refuses" not in err
