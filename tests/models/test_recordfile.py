import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from models.recordfile import RecordFileError, read_table, spreadsheet_safe
from tests.conftest import write_csv


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    return list(read_table(path, required=("record_id",)))


def test_semicolon_files_are_sniffed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "record_id;full_name\nR1;Awa Diarra\n")
    assert _rows(path) == [(2, {"record_id": "R1", "full_name": "Awa Diarra"})]


def test_comma_files_with_a_bom_are_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "\ufeffRECORD_ID,Full_Name\nR1,Awa Diarra\n")
    assert _rows(path) == [(2, {"record_id": "R1", "full_name": "Awa Diarra"})]


def test_a_csv_excel_saved_in_windows_1252_is_read(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv", "record_id;full_name\nR1;Traoré Aminata\nR2;Maïga\n", encoding="cp1252"
    )
    assert [r["full_name"] for _, r in _rows(path)] == ["Traoré Aminata", "Maïga"]


def test_a_file_in_neither_utf8_nor_windows_1252_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"record_id,full_name\nR1,Tra\x81or\x8d\n")
    with pytest.raises(RecordFileError, match="save it as UTF-8"):
        _rows(path)


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecordFileError, match="empty"):
        _rows(write_csv(tmp_path / "a.csv", ""))


def test_a_header_only_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecordFileError, match="no rows"):
        _rows(write_csv(tmp_path / "a.csv", "record_id,full_name\n"))


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    with pytest.raises(RecordFileError, match="missing required column: record_id"):
        _rows(write_csv(tmp_path / "a.csv", "numero,full_name\n1,Awa\n"))


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "record_id,full_name\nR1,A\n,\nR2,B\n")
    assert [n for n, _ in _rows(path)] == [2, 4]


def test_xlsx_first_sheet_is_read_with_dates_and_numbers_as_text(tmp_path: Path) -> None:
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Record_ID", "full_name", "registered_on", "age"])
    sheet.append([101, "Awa Diarra", datetime(2021, 3, 4), 15.0])
    book.create_sheet("other").append(["ignored"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert _rows(path) == [
        (
            2,
            {
                "record_id": "101",
                "full_name": "Awa Diarra",
                "registered_on": "2021-03-04",
                "age": "15",
            },
        )
    ]


def test_a_column_named_twice_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecordFileError, match="twice"):
        _rows(write_csv(tmp_path / "a.csv", "record_id,Record_ID\n1,2\n"))


def test_a_quote_never_closed_is_an_error_naming_its_row_not_a_swallowed_file(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        'record_id,full_name,sex\nT-1,Awa Diarra,F\nT-2,"TRAORE Fatou,F\nT-3,Kadia Keita,F\n',
    )
    with pytest.raises(RecordFileError, match="row 3"):
        _rows(path)


def test_a_quoted_cell_over_two_lines_is_still_one_cell(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", 'record_id,full_name\nR1,"Awa\nDiarra"\nR2,Kadia\n')
    assert [r["record_id"] for _, r in _rows(path)] == ["R1", "R2"]


def test_a_nul_byte_in_a_cell_is_an_error_naming_row_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "record_id,full_name\nR1,Awa\nR2,Ka\x00dia\n")
    with pytest.raises(RecordFileError, match="row 3, full_name"):
        _rows(path)


def test_a_csv_cell_longer_than_the_limit_is_an_error_naming_its_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "record_id,full_name\nR1,Awa\nR2," + "A" * 200_000 + "\n")
    with pytest.raises(RecordFileError, match="row 3: a cell is longer than 10,000"):
        _rows(path)


@pytest.mark.parametrize(
    ("shown_as", "text"),
    [
        ("mmm-yy", "08/2013"),
        ("mmmm yyyy", "08/2013"),
        ("yyyy", "2013"),
        ("dd/mm/yyyy", "2013-08-15"),
    ],
)
def test_an_xlsx_date_reads_as_much_as_its_cell_shows(
    tmp_path: Path, shown_as: str, text: str
) -> None:
    """A cell typed "août 2013" and shown as a month is a month, not the 1st of August."""
    from datetime import datetime

    book = Workbook()
    book.active.append(["record_id", "full_name", "birth_date"])
    book.active.append(["R1", "Awa Diarra", datetime(2013, 8, 15)])
    book.active["C2"].number_format = shown_as
    path = tmp_path / "d.xlsx"
    book.save(path)
    assert _rows(path)[0][1]["birth_date"] == text


def test_excel_s_zero_date_is_not_a_birth_in_1900(tmp_path: Path) -> None:
    from datetime import datetime

    book = Workbook()
    book.active.append(["record_id", "full_name", "birth_date"])
    book.active.append(["R1", "Awa Diarra", datetime(1900, 1, 1)])
    path = tmp_path / "z.xlsx"
    book.save(path)
    assert _rows(path)[0][1]["birth_date"] == "00/01/1900"


def test_an_xlsx_cell_longer_than_the_limit_is_an_error_naming_row_and_column(
    tmp_path: Path,
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["record_id", "full_name"])
    sheet.append(["R1", "B" * 20_000])
    path = tmp_path / "a.xlsx"
    book.save(path)
    with pytest.raises(RecordFileError, match="row 2, full_name: a cell is longer"):
        _rows(path)


def test_a_row_that_repeats_the_header_is_named(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "Identifiant;Nom;Sexe\nT-1;Traoré Awa;F\nidentifiant ; nom;SEXE\nT-2;Diarra;F\n",
        encoding="utf-8",
    )
    with pytest.raises(RecordFileError, match="row 3 repeats the header"):
        _rows(path)


@pytest.mark.parametrize(
    "written,safe",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+SUM(1+1)", "'+SUM(1+1)"),
        ("@cmd", "'@cmd"),
        ("-x", "'-x"),
        ("-12", "-12"),
        ("-2+3+cmd", "'-2+3+cmd"),
        ("DNPEF-001", "DNPEF-001"),
        ("  =1+1", "'  =1+1"),
        (" " * 12 + "=1+1", "'" + " " * 12 + "=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("＝1+1", "'＝1+1"),
        (" -12", " -12"),
    ],
)
def test_cells_written_out_never_run_as_formulas(written: str, safe: str) -> None:
    assert spreadsheet_safe(written) == safe


def test_a_kobo_export_is_read_with_its_group_paths_and_submission_id(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kobo.csv",
        "grp_identite/family_name,grp_identite/given_names,_uuid\nDIARRA,Awa,3f2a-77\n",
    )
    assert _rows(path) == [
        (2, {"family_name": "DIARRA", "given_names": "Awa", "record_id": "3f2a-77"})
    ]


@pytest.mark.parametrize(
    "column", ["grp_mere/age", "Groupe_Père/sex", "info_tuteur/phone", "mother/birth_date"]
)
def test_a_question_of_a_group_about_another_person_is_not_the_person_s_own(
    tmp_path: Path, column: str
) -> None:
    """A child's record from a form that asks the mother's age must not take it as the
    child's: the column stays whole, as extra data."""
    path = write_csv(tmp_path / "kobo.csv", f"_uuid,grp_identite/full_name,{column}\nu-1,Awa,34\n")
    assert _rows(path) == [(2, {"record_id": "u-1", "full_name": "Awa", column.lower(): "34"})]


def test_a_mapping_reads_another_person_s_question_where_the_user_says(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kobo.csv", "_uuid,grp_identite/full_name,grp_mere/nom_mere\nu-1,Awa,Kadia\n"
    )
    found = list(read_table(path, mapping={"nom_mere": "mother_name"}))
    assert found == [(2, {"record_id": "u-1", "full_name": "Awa", "mother_name": "Kadia"})]


def test_a_file_titled_in_french_is_read_as_ours(tmp_path: Path) -> None:
    """Titled as Malian forms title them, every column counts: before, sex, birth,
    village and parents went to extra data and the persons had nothing to match on."""
    path = write_csv(
        tmp_path / "fr.csv",
        "Identifiant;N° dossier;Organisation;Nom;Prénom(s);Sexe;Date de naissance;Âge;"
        "Village d'origine;Commune;Nom du père;Nom de la mère;Téléphone\n"
        "R-1;D-1;AMSS;DIARRA;Awa;F;15/08/2013;13;Sirakoro;Kati;Bakary Diarra;Kadia Traoré;"
        "76123456\n",
    )
    [(_, row)] = _rows(path)
    assert set(row) == {
        "record_id", "case_id", "source", "family_name", "given_names", "sex", "birth_date", "age",
        "origin_village", "origin_commune", "father_name", "mother_name", "phone",
    }  # fmt: skip


def test_two_kobo_choices_of_one_name_in_two_groups_are_two_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kobo.csv", "_uuid,full_name,besoins/sante,services/sante\nu-1,Awa,1,0\n"
    )
    [(_, row)] = _rows(path)
    assert (row["besoins/sante"], row["services/sante"]) == ("1", "0")


def test_a_row_longer_than_the_header_is_an_error_naming_it(tmp_path: Path) -> None:
    """An unquoted "12,5" shifts every later value one column: refused, never loaded."""
    path = write_csv(
        tmp_path / "shift.csv",
        "record_id,full_name,age,origin_village,origin_commune\n"
        "W1,Awa,12,Kalaban,Kati\nW2,Mariam,12,5,Kalaban,Kati\n",
    )
    with pytest.raises(RecordFileError) as refused:
        _rows(path)
    assert "row 3: 6 cells for the 5 columns" in str(refused.value)


def test_a_column_without_a_name_keeps_its_cells(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "blank.csv", "record_id;full_name;;sex\nR1;Awa;enceinte;F\n")
    assert _rows(path) == [
        (2, {"record_id": "R1", "full_name": "Awa", "column_3": "enceinte", "sex": "F"})
    ]


def test_an_hxl_hashtag_row_is_not_a_record(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "hxl.csv",
        "record_id,full_name,sex\n#id,#affected +name,#affected +sex\nR1,Awa,F\n",
    )
    assert _rows(path) == [(3, {"record_id": "R1", "full_name": "Awa", "sex": "F"})]


def test_primero_names_read_as_ours(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", "record_id,name_first,name_last\nR1,Awa,Diarra\n")
    assert _rows(path) == [(2, {"record_id": "R1", "given_names": "Awa", "family_name": "Diarra"})]


def test_a_csv_excel_saved_as_unicode_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("record_id;full_name\nR1;Traoré\n".encode("utf-16"))
    assert [r["full_name"] for _, r in _rows(path)] == ["Traoré"]


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_old_and_open_document_workbooks_are_refused_with_advice(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0 binary")
    with pytest.raises(RecordFileError, match="save the sheet as XLSX or CSV"):
        _rows(path)


@pytest.mark.parametrize("content", [b"garbage", b"record_id,full_name\nR1,Traore\n"])
def test_a_file_named_xlsx_that_is_no_workbook_is_refused_saying_how_to_save_it(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(content)
    with pytest.raises(RecordFileError, match="not an Excel workbook") as refused:
        _rows(path)
    assert "zip" not in str(refused.value)


def _formula_book(path: Path, formula: str, cached: str | None = None, error: bool = False) -> Path:
    """A workbook whose D2 holds `formula`; `cached` is the value a spreadsheet would have
    saved with it (`error`: an error value), as a program such as openpyxl saves none."""
    book = Workbook()
    sheet = book.active
    sheet.append(["record_id", "source", "full_name", "birth_date"])
    sheet.append(["R1", "OIM", "Awa Diarra", formula])
    sheet["D2"].number_format = "yyyy-mm-dd"
    book.save(path)
    if cached is not None:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = re.sub(
            r"(<f>[^<]*</f>)<v\s*/>", rf"\1<v>{cached}</v>", sheet_xml
        ).encode()
        if error:
            parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
                b'<c r="D2" s="1">', b'<c r="D2" s="1" t="e">'
            )
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


def test_an_xlsx_formula_reads_as_the_value_saved_with_it(tmp_path: Path) -> None:
    path = _formula_book(tmp_path / "f.xlsx", "=DATE(1991,2,31)", cached="33300")
    assert _rows(path)[0][1]["birth_date"] == "1991-03-03"


@pytest.mark.parametrize("formula", ["=DATE(1991,2,31)", "=1/0"])
def test_an_xlsx_formula_without_a_saved_value_refuses_the_file_naming_row_and_column(
    tmp_path: Path, formula: str
) -> None:
    path = _formula_book(tmp_path / "f.xlsx", formula)
    with pytest.raises(RecordFileError, match=r"row 2, birth_date: the cell holds a formula"):
        _rows(path)


def test_an_xlsx_formula_saved_as_an_error_refuses_the_file(tmp_path: Path) -> None:
    path = _formula_book(tmp_path / "f.xlsx", "=1/0", cached="#DIV/0!", error=True)
    with pytest.raises(RecordFileError, match=r"row 2, birth_date: .*computes an error"):
        _rows(path)


def test_a_title_above_the_header_is_named_with_the_header_s_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "titled.csv",
        "Liste des victimes identifiées - DNPEF 2024,,\n,,\nrecord_id,full_name,sex\nR1,Awa,F\n",
    )
    with pytest.raises(RecordFileError) as refused:
        _rows(path)
    assert "the header is on row 3" in str(refused.value)


def test_a_title_line_without_separators_does_not_hide_the_header(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "titled.csv", "Liste des victimes\n\nIdentifiant;Nom;Prénom\nR1;Diarra;Awa\n"
    )
    with pytest.raises(RecordFileError) as refused:
        _rows(path)
    assert "the header is on row 3" in str(refused.value)
