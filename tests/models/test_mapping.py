"""Column mapping files (`nrm import --mapping`) and the field exports' own columns."""

from pathlib import Path

import pytest

from models.columnwise import validated_rows
from models.fileerrors import RecordFileErrors
from models.mapping import read_mapping_file
from models.recordfile import RecordFileError, read_table
from tests.conftest import write_csv

MAPPINGS = Path(__file__).resolve().parents[2] / "fixtures" / "mappings"


def test_the_primero_example_maps_its_columns_to_ours() -> None:
    mapping = read_mapping_file(MAPPINGS / "primero.csv")
    assert mapping.columns["case_id"] == "record_id"
    assert mapping.columns["date_of_birth"] == "birth_date"
    number, _, values, problems = next(
        validated_rows(MAPPINGS / "primero-export.csv", mapping=mapping)
    )
    assert (number, problems) == (2, [])
    assert values is not None
    assert (values["given_names"], values["family_name"], values["aliases"]) == (
        "Aminata",
        "Traoré",
        "Mina",
    )
    assert (values["case_id"], values["source"], values["sex"]) == ("CP-0412", "agency-ngo-a", "F")
    assert values["birth_precision"] == "day" and str(values["registered_on"]) == "2024-05-14"
    assert values["current_location"] == "Centre d'accueil de Mopti"
    assert values["extra"] == {"protection_concerns": "trafficking"}


def test_a_json_mapping_names_columns_by_their_kobo_group_path(tmp_path: Path) -> None:
    mapping = read_mapping_file(MAPPINGS / "kobo.json")
    path = write_csv(
        tmp_path / "kobo.csv",
        "identification/nom_de_famille,identification/prenoms,identification/date_naissance,"
        "_uuid,_index\nDIARRA,Awa,vers 2008,u-1,1\n",
    )
    assert list(read_table(path, mapping=mapping.columns)) == [
        (
            2,
            {
                "family_name": "DIARRA",
                "given_names": "Awa",
                "birth_date": "vers 2008",
                "record_id": "u-1",
                "_index": "1",
            },
        )
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("column,field\nnom,surname\n", 'row 2: unknown field "surname"'),
        ("column,field\nnom,family_name\nnom2,family_name\n", '"nom2" and "nom" both map'),
        (
            "column,field\nnom,full_name\nnom,family_name\n",
            'row 3: "nom" is mapped twice, to full_name and family_name',
        ),
        ("column,field\n", "has a header but no rows"),
        ("col,fld\nnom,family_name\n", "missing required column: column, field"),
        ("column,field,valuse\nsexe,sex,1=F\n", 'unknown column "valuse"'),
        ("column,field\nescorte-age,\n", 'row 2: "escorte-age" is given no field'),
        ("column,field\n,sex\n", "row 2: sex is given no column"),
    ],
)
def test_a_wrong_mapping_is_refused_naming_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(RecordFileError, match=message):
        read_mapping_file(write_csv(tmp_path / "m.csv", text))


def test_every_bad_line_of_a_mapping_is_named_at_once(tmp_path: Path) -> None:
    """A caseworker fixing a mapping by hand should not find its mistakes one per try."""
    text = "column,field\nnom,family_nam\nprenom,given_names\nsexe,\n,sex\n"
    with pytest.raises(RecordFileErrors) as refused:
        read_mapping_file(write_csv(tmp_path / "m.csv", text))
    said = [m.text("en") for m in refused.value.messages]
    assert len(said) == 3
    assert 'row 2: unknown field "family_nam"' in said[0]
    assert 'row 4: "sexe" is given no field' in said[1]
    assert "row 5: sex is given no column" in said[2]


def test_a_json_mapping_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"nom": "full_name", "nom": "family_name"}', encoding="utf-8")
    with pytest.raises(RecordFileError, match='"nom" is mapped twice'):
        read_mapping_file(path)


def test_a_json_mapping_must_be_an_object_of_names(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('["nom", "family_name"]', encoding="utf-8")
    with pytest.raises(RecordFileError, match="must be a JSON object"):
        read_mapping_file(path)


def test_the_submission_time_is_the_registration_date_when_there_is_none(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "k.csv",
        "full_name,age,_uuid,_submission_time,_index\nAwa Diarra,15,u-1,2024-03-01T10:22:33,7\n",
    )
    [(_, _, values, problems)] = list(validated_rows(path, default_source="KOBO"))
    assert problems == [] and values is not None
    assert str(values["registered_on"]) == "2024-03-01"
    assert values["birth_precision"] == "age"
    assert values["extra"] == {}  # a row's position in one export says nothing


def test_the_submission_time_stays_extra_data_beside_a_registration_date(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "k.csv",
        "record_id,full_name,registered_on,_submission_time\nR1,Awa,2024-02-01,2024-03-01\n",
    )
    [(_, row)] = list(read_table(path))
    assert row["registered_on"] == "2024-02-01" and row["_submission_time"] == "2024-03-01"


def test_a_latin_1_file_is_read(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        "record_id;full_name;origin_village\nR1;Traoré Aminata;Ségou\nR2;Maïga Aïssata;Djenné\n",
        encoding="latin-1",
    )
    assert [(r["full_name"], r["origin_village"]) for _, r in read_table(path)] == [
        ("Traoré Aminata", "Ségou"),
        ("Maïga Aïssata", "Djenné"),
    ]


def test_a_mapping_that_is_not_json_is_named_by_line_and_column_in_french(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"nom": "family_name",\n oops}', encoding="utf-8")
    with pytest.raises(RecordFileError) as refused:
        read_mapping_file(path)
    assert refused.value.text("fr") == (
        "le fichier de correspondance n'est pas du JSON : ligne 2, colonne 2"
    )


def test_a_mapping_line_names_a_group_as_the_person_s(tmp_path: Path) -> None:
    mapping = write_csv(tmp_path / "m.csv", "column,field\ngroup_kf3tq12/,person\n")
    path = write_csv(
        tmp_path / "k.csv",
        "_uuid,group_kf3tq12/nom,group_kf3tq12/age,accompagnant/age\nu-1,Diarra,9,34\n",
    )
    [(_, _, values, problems)] = list(
        validated_rows(path, default_source="KOBO", mapping=read_mapping_file(mapping))
    )
    assert problems == [] and values is not None and values["age"] == 9
    assert values["extra"] == {"accompagnant/age": "34"}


def test_an_odk_central_export_s_choice_names_read_as_the_mapping_s_values() -> None:
    mapping = read_mapping_file(MAPPINGS / "odk-central.csv")
    rows = list(
        validated_rows(MAPPINGS / "odk-central-export.csv", default_source="ODK", mapping=mapping)
    )
    read = [(v["sex"], v["return_consent"], v["origin_village"]) for _, _, v, _ in rows if v]
    assert read == [("F", "yes", "Markala"), ("M", "no", "Djenné"), (None, None, "autre")]


def test_a_free_text_value_the_mapping_does_not_list_is_read_as_written_with_a_warning() -> None:
    """A code list that misses a village's code would store the code as the village."""
    mapping = read_mapping_file(MAPPINGS / "odk-central.csv")
    rows = list(
        validated_rows(MAPPINGS / "odk-central-export.csv", default_source="ODK", mapping=mapping)
    )
    warnings = [str(p) for _, _, _, problems in rows for p in problems]
    assert warnings == [
        'row 4, origin_village: "autre" is not among the mapping file\'s values for this '
        "column: read as written"
    ]


def test_a_json_mapping_gives_a_column_s_values_beside_its_field(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        '{"id": "record_id", "sexe": {"field": "sex", "values": {"1": "F", "2": "M"}}}',
        encoding="utf-8",
    )
    mapping = read_mapping_file(path)
    assert mapping.columns == {"id": "record_id", "sexe": "sex"}
    assert mapping.values == {"sex": {"1": "F", "2": "M"}}


def test_values_are_matched_whatever_their_case_accents_and_spaces(tmp_path: Path) -> None:
    mapping = read_mapping_file(
        write_csv(tmp_path / "m.csv", 'column,field,values\nsexe,sex,"Féminin=F; MASC.=M"\n')
    )
    records = write_csv(
        tmp_path / "r.csv", "record_id,full_name,sexe\nR1,Awa,feminin \nR2,Ali,masc\n"
    )
    sexes = [v["sex"] for _, _, v, _ in validated_rows(records, "ODK", mapping=mapping) if v]
    assert sexes == ["F", "M"]


def test_a_value_the_mapping_does_not_list_is_read_as_written(tmp_path: Path) -> None:
    mapping = read_mapping_file(
        write_csv(tmp_path / "m.csv", "column,field,values\nsexe,sex,1=F\n")
    )
    records = write_csv(tmp_path / "r.csv", "record_id,full_name,sexe\nR1,Awa,F\nR2,Ali,3\n")
    rows = list(validated_rows(records, "ODK", mapping=mapping))
    assert rows[0][2] is not None and rows[0][2]["sex"] == "F"
    assert rows[1][2] is None
    assert [str(p) for p in rows[1][3]] == ['row 3, sex: cannot read "3" (expected F, M)']


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("1=X", 'row 2: "1" for sex: cannot read "X"'),
        ("1=F; 1=M", 'row 2: the value "1" is given twice, as F and M'),
        ("1", 'row 2: cannot read the values "1" \\(expected 1=F; 2=M\\)'),
        ("=F", 'row 2: cannot read the values "=F"'),
    ],
)
def test_a_mapping_value_that_cannot_be_read_is_refused_naming_its_line(
    tmp_path: Path, values: str, message: str
) -> None:
    path = write_csv(tmp_path / "m.csv", f'column,field,values\nsexe,sex,"{values}"\n')
    with pytest.raises(RecordFileError, match=message):
        read_mapping_file(path)


def test_a_form_group_line_has_no_values(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", "column,field,values\ngroup_x/,person,1=F\n")
    with pytest.raises(RecordFileError, match="a form group has no values"):
        read_mapping_file(path)


def test_a_mapping_line_keeps_a_column_as_extra_data_whatever_its_title_reads_as(
    tmp_path: Path,
) -> None:
    """ "Village" is where the form was filled in, not where the child comes from."""
    mapping = read_mapping_file(write_csv(tmp_path / "m.csv", "column,field\nVillage,extra\n"))
    records = write_csv(tmp_path / "r.csv", "record_id,full_name,Village\nR1,Awa Diarra,Kayes\n")
    [(_, _, values, problems)] = list(validated_rows(records, "ODK", mapping=mapping))
    assert problems == [] and values is not None
    assert values["origin_village"] is None
    assert values["extra"] == {"village": "Kayes"}


def test_our_own_column_cannot_be_kept_as_extra_data(tmp_path: Path) -> None:
    mapping = read_mapping_file(write_csv(tmp_path / "m.csv", "column,field\nsex,extra\n"))
    records = write_csv(tmp_path / "r.csv", "record_id,full_name,sex\nR1,Awa,F\n")
    with pytest.raises(RecordFileError, match='keeps "sex" as extra data, but it is one of'):
        list(validated_rows(records, "ODK", mapping=mapping))


def test_a_column_kept_as_extra_data_has_no_values(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", "column,field,values\nVillage,extra,1=Kayes\n")
    with pytest.raises(RecordFileError, match="a column kept as extra data has no values"):
        read_mapping_file(path)


def test_a_mapping_file_titled_in_french_reads(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", "colonne,champ,valeurs\nsexe,sex,1=F; 2=M\n")
    mapping = read_mapping_file(path)
    assert (mapping.columns, mapping.values) == ({"sexe": "sex"}, {"sex": {"1": "F", "2": "M"}})


def test_values_separated_by_commas_are_refused_saying_to_use_semicolons(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv",
        'column,field,values\nvillage,origin_village,"sgu_markala=Markala, mpt_djenne=Djenné"\n',
    )
    with pytest.raises(RecordFileError, match='separate them with ";"'):
        read_mapping_file(path)


def test_a_json_mapping_s_unknown_value_is_null_and_its_mistakes_name_the_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"sexe": {"champ": "sex", "valeurs": {"1": "F", "99": null}}}', "utf-8")
    assert read_mapping_file(path).values == {"sex": {"1": "F", "99": ""}}
    path.write_text('{"sexe": {"field": "sex", "values": "1=F; 2=M"}}', "utf-8")
    with pytest.raises(RecordFileError, match='"sexe": "values" must be an object of texts'):
        read_mapping_file(path)
    path.write_text('{"sexe": ["sex"]}', "utf-8")
    with pytest.raises(RecordFileError, match='"sexe": expected a field name or'):
        read_mapping_file(path)


def test_a_mapping_line_by_question_name_never_reads_another_person_s_question(
    tmp_path: Path,
) -> None:
    """`age,age` names the child's age: the escort's `accompagnant-age` is not it."""
    mapping = read_mapping_file(write_csv(tmp_path / "m.csv", "column,field\nage,age\n"))
    path = write_csv(
        tmp_path / "k.csv", "_uuid,identification-nom,accompagnant-age\nu-1,Diarra,40\n"
    )
    [(_, _, values, _)] = list(validated_rows(path, "ODK", mapping=mapping))
    assert values is not None and values["age"] is None
    assert values["extra"] == {"accompagnant-age": "40"}


def test_strict_refuses_a_free_text_value_the_mapping_does_not_list() -> None:
    mapping = read_mapping_file(MAPPINGS / "odk-central.csv")
    rows = list(
        validated_rows(
            MAPPINGS / "odk-central-export.csv", default_source="ODK", strict=True, mapping=mapping
        )
    )
    assert [values is None for _, _, values, _ in rows] == [False, False, True]
    assert [p.warning for p in rows[2][3]] == [False]


def test_a_free_text_cell_saying_it_is_not_known_is_no_unlisted_value(tmp_path: Path) -> None:
    mapping = read_mapping_file(
        write_csv(tmp_path / "m.csv", "column,field,values\nvillage,origin_village,k1=Kayes\n")
    )
    records = write_csv(tmp_path / "r.csv", "record_id,full_name,village\nR1,Awa,NSP\n")
    [(_, _, values, problems)] = list(validated_rows(records, "ODK", strict=True, mapping=mapping))
    assert problems == [] and values is not None


def test_a_column_kept_as_extra_data_stands_in_for_nothing(tmp_path: Path) -> None:
    mapping = read_mapping_file(
        write_csv(tmp_path / "m.csv", "column,field\n_uuid,extra\nid_fiche,record_id\n")
    )
    records = write_csv(tmp_path / "r.csv", "id_fiche,full_name,_uuid\nR1,Awa,u-1\n")
    [(_, record_id, values, _)] = list(validated_rows(records, "ODK", mapping=mapping))
    assert record_id == "R1" and values is not None and values["extra"] == {"_uuid": "u-1"}
