from datetime import date

import pytest

from models.validation import validate_record, validate_relation

BASE = {
    "record_id": "R1",
    "source": "OIM",
    "full_name": "TRAORE Aminata",
    "registered_on": "2021-06-01",
}
NO_SOURCE = {k: v for k, v in BASE.items() if k != "source"}


def _valid(**changes: str) -> dict:
    values, errors = validate_record({**BASE, **changes}, row=2)
    assert errors == []
    assert values is not None
    return values


def _errors(strict: bool = False, **changes: str) -> list[str]:
    values, errors = validate_record({**BASE, **changes}, row=17, strict=strict)
    assert values is None
    return [str(e) for e in errors]


def test_strict_an_unreadable_birth_date_is_an_error_naming_row_column_and_value() -> None:
    assert _errors(strict=True, birth_date="32/13/1999") == [
        'row 17, birth_date: cannot read "32/13/1999"'
    ]


def test_an_unreadable_birth_date_is_unknown_kept_as_written_with_a_warning() -> None:
    values, problems = validate_record({**BASE, "birth_date": "32/13/1999"}, row=17)
    assert values is not None
    assert values["birth_date"] is None and values["birth_earliest"] is None
    assert values["extra"] == {"birth_date_raw": "32/13/1999"}
    assert [(p.warning, str(p)) for p in problems] == [
        (
            True,
            'row 17, birth_date: cannot read "32/13/1999" '
            "(kept in birth_date_raw; the value counts as unknown)",
        )
    ]


def test_an_unreadable_age_is_unknown_and_a_readable_one_still_gives_the_interval() -> None:
    values, problems = validate_record({**BASE, "age": "vieux"}, row=5)
    assert values is not None and values["age"] is None
    assert values["extra"] == {"age_raw": "vieux"}
    assert [p.column for p in problems if p.warning] == ["age"]
    values, _ = validate_record({**BASE, "birth_date": "hier", "age": "15"}, row=5)
    assert values is not None and values["birth_precision"] == "age"


def test_an_unreadable_registration_date_is_unknown_unless_strict() -> None:
    values, problems = validate_record({**BASE, "registered_on": "le 3"}, row=4)
    assert values is not None and values["registered_on"] is None
    assert values["extra"] == {"registered_on_raw": "le 3"}
    assert [(p.column, p.warning) for p in problems] == [("registered_on", True)]
    assert _errors(strict=True, registered_on="le 3") == [
        'row 17, registered_on: cannot read "le 3"'
    ]


def test_a_registration_date_after_today_is_unknown_and_an_age_is_not_counted_from_it() -> None:
    """Neither from 2031 nor from today: the day the age was given is not known, and a
    birth read years off would tell the person apart from their own records."""
    values, problems = validate_record(
        {**BASE, "registered_on": "2031-01-01", "age": "15 ans"}, row=4, today=date(2026, 12, 6)
    )
    assert values is not None and values["registered_on"] is None
    assert values["extra"] == {"registered_on_raw": "2031-01-01", "age_raw": "15 ans"}
    assert [(p.column, p.warning) for p in problems] == [("registered_on", True), ("age", True)]
    assert values["birth_latest"] is None and values["age"] == 15


def test_the_warning_and_the_error_read_in_french() -> None:
    _, problems = validate_record({**BASE, "birth_date": "hier", "sex": "X"}, row=9)
    assert [p.text("fr") for p in problems] == [
        "ligne 9, sex : impossible de lire « X » (attendu : F, M)",
        "ligne 9, birth_date : impossible de lire « hier » "
        "(conservé dans birth_date_raw ; la valeur compte comme inconnue)",
    ]


def test_every_error_of_a_row_is_reported() -> None:
    errors = _errors(strict=True, birth_date="hier", sex="X", role="witness", age="vieux")
    assert [e.split(":")[0] for e in errors] == [
        "row 17, role",
        "row 17, sex",
        "row 17, birth_date",
        "row 17, age",
    ]


def test_a_row_without_any_name_is_an_error() -> None:
    values, errors = validate_record({"record_id": "R1", "source": "OIM"}, row=3)
    assert values is None
    assert [e.column for e in errors] == ["full_name"]


def test_a_row_without_record_id_is_an_error() -> None:
    assert _errors(record_id="  ")[0] == "row 17, record_id: missing"


@pytest.mark.parametrize(
    ("written", "sex"),
    [("F", "F"), ("f", "F"), ("Féminin", "F"), ("M", "M"), ("masculin", "M"), ("", None)],
)
def test_sex_is_read_in_french_and_english(written: str, sex: str | None) -> None:
    assert _valid(sex=written)["sex"] == sex


def test_an_age_becomes_a_birth_interval_on_the_registration_date() -> None:
    values = _valid(age="15")
    assert values["birth_precision"] == "age"
    assert values["birth_earliest"] == date(2004, 6, 2)
    assert values["age"] == 15 and not values["age_estimated"]


def test_a_written_birth_date_wins_over_an_age() -> None:
    values = _valid(age="15", birth_date="vers 2005")
    assert values["birth_precision"] == "approx"
    assert values["age"] == 15


def test_a_birth_date_after_the_registration_is_an_error() -> None:
    assert _errors(birth_date="2022-01-05") == [
        'row 17, birth_date: "2022-01-05" is after Jun 1, 2021'
    ]


def test_unknown_columns_are_kept_as_extra_data() -> None:
    assert _valid(commentaire="vue à Kayes", _uuid="abc")["extra"] == {
        "commentaire": "vue à Kayes",
        "_uuid": "abc",
    }


def test_rows_without_source_get_the_default_source() -> None:
    values, _ = validate_record(NO_SOURCE, row=2, default_source="OIM")
    assert values is not None and values["source"] == "OIM"


def test_a_row_without_source_nor_default_is_an_error() -> None:
    values, errors = validate_record({**BASE, "source": " "}, row=4)
    assert values is None
    assert [str(e) for e in errors] == [
        "row 4, source: missing: name the organisation (--source ORG)"
    ]


@pytest.mark.parametrize("source", ["unspecified", "UNSPECIFIED"])
def test_unspecified_is_not_an_organisation(source: str) -> None:
    _, from_cell = validate_record({**BASE, "source": source}, row=2)
    _, from_default = validate_record(NO_SOURCE, row=2, default_source=source)
    assert [e.column for e in from_cell] == [e.column for e in from_default] == ["source"]


def test_whitespace_is_collapsed_and_empty_text_is_none() -> None:
    values = _valid(full_name="  TRAORE   Aminata ", origin_village="   ")
    assert values["full_name"] == "TRAORE Aminata"
    assert values["origin_village"] is None


def test_a_relation_row_must_name_a_known_relation() -> None:
    value, errors = validate_relation(
        {"record_id": "A", "relation": "voisin de palier", "related_record_id": "B"}, 4
    )
    assert value is None
    assert str(errors[0]).startswith('row 4, relation: unknown value "voisin de palier"')


def test_a_relation_row_is_read_case_insensitively() -> None:
    value, errors = validate_relation(
        {"record_id": "A", "relation": "Mother", "related_record_id": "B"}, 4
    )
    assert errors == [] and value == ("A", "mother", "B")


@pytest.mark.parametrize("written", ["NSP", "n/a", "Inconnu", "ne sait pas", "Non précisé"])
def test_a_coded_column_saying_not_known_is_no_value_and_no_error(written: str) -> None:
    values, problems = validate_record({**BASE, "sex": written, "return_consent": written}, row=2)
    assert problems == [] and values is not None
    assert (values["sex"], values["return_consent"]) == (None, None)


@pytest.mark.parametrize(
    ("column", "written", "value"),
    [
        ("sex", "Féminine", "F"),
        ("sex", "F.", "F"),
        ("sex", "Masculine", "M"),
        ("role", "Enfant recherché", "sought"),
        ("role", "demandeuse", "requester"),
        ("role", "Membre du ménage", "household_member"),
        ("role", "Victime présumée", "victim"),
        ("role", "enfant victime", "victim"),
        ("role", "Mère", "household_member"),
        ("role", "Trafiquant présumé", "suspect"),
        ("case_type", "Demande de recherche", "tracing_request"),
    ],
)
def test_coded_values_read_as_the_field_writes_them(column: str, written: str, value: str) -> None:
    values, problems = validate_record({**BASE, column: written}, row=2)
    assert problems == [] and values is not None and values[column] == value


@pytest.mark.parametrize(("written", "kind"), [("mère", "mother"), ("Frère", "sibling")])
def test_a_relation_reads_in_french(written: str, kind: str) -> None:
    found, errors = validate_relation(
        {"record_id": "A", "relation": written, "related_record_id": "B"}, row=2
    )
    assert errors == [] and found == ("A", kind, "B")


def test_a_spreadsheet_s_text_apostrophe_is_not_part_of_the_value() -> None:
    values, problems = validate_record(
        {**BASE, "record_id": "'0012", "birth_date": "'15/08/2013", "age": "'7"}, row=2
    )
    assert problems == [] and values is not None
    assert values["birth_earliest"] == date(2013, 8, 15) and values["age"] == 7


def test_kobo_s_row_index_is_not_kept() -> None:
    values, _ = validate_record({**BASE, "_index": "7", "district": "Kati"}, row=2)
    assert values is not None and values["extra"] == {"district": "Kati"}


@pytest.mark.parametrize(("written", "kind"), [("Sœur", "sibling"), ("Demi-sœur", "half_sibling")])
def test_a_relation_written_with_the_oe_ligature_reads(written: str, kind: str) -> None:
    found, errors = validate_relation(
        {"record_id": "A", "relation": written, "related_record_id": "B"}, row=2
    )
    assert errors == [] and found == ("A", kind, "B")


def test_a_refused_code_lists_what_is_expected_in_the_reader_s_words() -> None:
    _, errors = validate_record({**BASE, "role": "cousin"}, row=2)
    assert "personne de retour" in errors[0].text("fr") and "returnee" in errors[0].text("en")


@pytest.mark.parametrize(
    ("written", "role"),
    [("personne de retour", "returnee"), ("household member", "household_member")],
)
def test_the_words_an_error_lists_are_read(written: str, role: str) -> None:
    values, errors = validate_record({**BASE, "role": written}, row=2)
    assert errors == [] and values is not None and values["role"] == role


def test_an_unreadable_consent_lists_what_is_expected_in_the_reader_s_language() -> None:
    _, errors = validate_record(
        {"record_id": "R1", "source": "OIM", "full_name": "Awa", "return_consent": "peut-être"}, 2
    )
    assert [e.text("en") for e in errors] == [
        'row 2, return_consent: cannot read "peut-être" (expected yes, no)'
    ]
    assert [e.text("fr") for e in errors] == [
        "ligne 2, return_consent : impossible de lire « peut-être » (attendu : oui, non)"
    ]
