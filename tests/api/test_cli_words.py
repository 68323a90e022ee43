"""What `nrm` prints reads as French: counts in the singular or the plural, decimal commas,
the service's codes (relations, factors, outcomes) in words."""

from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from tests.conftest import write_csv

FRENCH = {"NRM_LANG": "fr"}
FAMILY = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "father_name\n"
    "C-1,DNPEF,D-1,identification,victim,Seydou TRAORE,M,2012,Sirakoro,Bakary Traoré\n"
    "P-1,ONG,N-1,reintegration,household_member,Bakary TRAORE,M,1975,Sirakoro,\n"
)


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=FRENCH)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_import_summary_counts_in_the_singular_and_the_plural(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    first = _run("import", str(write_csv(tmp_path / "a.csv", FAMILY)), "--db", db)
    assert ": 2 lignes : 2 nouvelles, 0 modifiée, 0 inchangée ; 0 lien de parenté ajouté" in first
    one = FAMILY.splitlines()[0] + "\nX-1,OIM,,,,Awa DIARRA,F,2004,,\n"
    second = _run("import", str(write_csv(tmp_path / "b.csv", one)), "--db", db)
    assert ": 1 ligne : 1 nouvelle, 0 modifiée" in second
    assert "rapprochement : 1 fiche comparée" in second


def test_relatives_name_the_relation_in_french_and_the_score_with_a_decimal_comma(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "a.db")
    _run("import", str(write_csv(tmp_path / "a.csv", FAMILY)), "--db", db)
    first = _run("relatives", "C-1", "--db", db).splitlines()[0]
    assert "père" in first and "Bakary TRAORE" in first
    assert "score 0," in first or "score 1," in first


def test_a_contradicted_relation_is_said_so_not_called_a_suspect(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    records = write_csv(
        tmp_path / "m.csv",
        "record_id,source,full_name,sex,birth_date,role\n"
        "A1,TEST,Awa Traoré,F,2010,victim\nA2,TEST,Moussa Traoré,M,1980,household_member\n",
    )
    relations = write_csv(tmp_path / "r.csv", "record_id,relation,related_record_id\nA1,mère,A2\n")
    _run("import", str(records), "--relations", str(relations), "--db", db)
    line = _run("relatives", "A1", "--db", db).splitlines()[0]
    assert "[lien contredit par les fiches]" in line
    assert "SUSPECT" not in line


def test_the_report_writes_its_words_in_french_and_a_ratio_with_a_decimal_comma(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "a.db")
    _run("import", str(write_csv(tmp_path / "a.csv", FAMILY)), "--db", db)
    out = _run("report", "--db", db)
    assert "fiches par personne" in out and "assisté(e)s" in out
    assert "Type de dossier" in out and "identification" in out
    assert "(1.0" not in out


def test_the_report_as_a_workbook_is_in_french_words(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = str(tmp_path / "a.db")
    _run("import", str(write_csv(tmp_path / "a.csv", FAMILY)), "--db", db)
    _run("report", "--db", db, "--xlsx", str(tmp_path / "r.xlsx"))
    rows = list(load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("Dimension", "Valeur", "Personnes", "Incertaines", "Fiches")
    assert ("Type de dossier", "identification") in {row[:2] for row in rows}


def test_click_s_own_errors_read_in_french() -> None:
    result = CliRunner().invoke(main, ["search", "--top", "abc", "--name", "x"], env=FRENCH)
    assert "'abc' n'est pas un nombre entier." in result.stderr
    result = CliRunner().invoke(main, ["trace", "--sex", "X", "--name", "Awa"], env=FRENCH)
    assert "'X' n'est aucune des valeurs 'F', 'M', 'f', 'm'." in result.stderr
    result = CliRunner().invoke(main, ["import", "r.csv", "--relations"], env=FRENCH)
    assert "L'option '--relations' demande une valeur." in result.stderr


def test_click_s_own_errors_stay_click_s_in_english() -> None:
    result = CliRunner().invoke(
        main, ["trace", "--sex", "X", "--name", "Awa"], env={"NRM_LANG": "en"}
    )
    assert "'X' is not one of 'F', 'M', 'f', 'm'." in result.stderr
