"""Column titles as field files write them (`models.columnnames`): read as ours where
they say it, never as the person's own when they are about another person."""

from pathlib import Path

import pytest

from models.headernotes import header_notes
from models.recordfile import RecordFileError, header_names, read_chunks
from tests.conftest import write_csv


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("Noms", "family_name"),
        ("Prénom(s)", "given_names"),
        ("Nom/Prénom", "full_name"),
        ("Prénom et nom", "full_name"),
        ("Sexe (F/M)", "sex"),
        ("Sexe de l'enfant", "sex"),
        ("Age (ans)", "age"),
        ("Âge estimé", "age"),
        ("age_enfant", "age"),
        ("Date naiss.", "birth_date"),
        ("Date de Naissance (JJ/MM/AAAA)", "birth_date"),
        ("Date de collecte", "registered_on"),
        ("Date de l'entretien", "registered_on"),
        ("Village/Quartier", "origin_village"),
        ("Nom et prénom du père", "father_name"),
        ("Nom du père/tuteur", "father_name"),
        ("Nom de la maman", "mother_name"),
        ("N° de téléphone", "phone"),
        ("Village de résidence", "current_location"),
        ("Lieu actuel", "current_location"),
        ("Date d'identification", "registered_on"),
    ],
)
def test_a_french_title_reads_as_the_field_it_names(title: str, field: str) -> None:
    assert header_names(["record_id", title])[1] == field


@pytest.mark.parametrize(
    "title",
    ["Âge du père", "Téléphone de la mère", "Âge de l'accompagnant", "Lieu de naissance", "Date"],
)
def test_a_title_about_another_person_or_unsure_is_extra_data(title: str) -> None:
    assert header_names(["record_id", title])[1] == title.lower()


@pytest.mark.parametrize(
    "title",
    [
        "Village de séjour",
        "Village de placement",
        "Village de refuge",
        "Village de déplacement",
        "Village où se trouve l'enfant",
        "Village où vit l'enfant",
        "Village de réinsertion",
        "Commune de réinsertion",
    ],
)
def test_a_title_of_where_the_child_is_now_is_the_protected_current_location(title: str) -> None:
    assert header_names(["record_id", title])[1] == "current_location"


@pytest.mark.parametrize(
    "title",
    [
        "Village d'identification",
        "Commune d'identification",
        "Village de naissance",
        "Commune de naissance",
        "Village où l'enfant a été rencontré",
        "Village lors de l'identification",
        "naissance_village",
    ],
)
def test_where_the_child_was_met_or_born_is_never_read_as_the_origin(title: str) -> None:
    assert header_names(["record_id", title])[1] == title.lower()


def test_the_birth_date_beside_the_birth_village_is_read_and_the_village_kept() -> None:
    names = header_names(["record_id", "Date de naissance", "Village de naissance"])
    assert names[1:] == ["birth_date", "village de naissance"]


def test_a_flat_kobo_question_of_the_identification_group_is_the_origin() -> None:
    assert header_names(["record_id", "identification_village"])[1] == "origin_village"


def test_the_origin_beside_the_village_of_identification_is_the_origin() -> None:
    names = header_names(["record_id", "Village d'origine", "Village d'identification"])
    assert names[1:] == ["origin_village", "village d'identification"]


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("identification/age_enfant", "age"),
        ("grp_identite/nom", "family_name"),
        ("parents/nom_pere", "father_name"),
        ("group_mere/nom_mere", "mother_name"),
    ],
)
def test_a_kobo_question_of_the_person_s_own_group_reads(column: str, field: str) -> None:
    assert header_names(["_uuid", column])[1] == field


@pytest.mark.parametrize(
    "column", ["accompagnant/age", "chef_menage/nom", "group_kf3tq12/age", "section_2/sexe"]
)
def test_a_kobo_question_of_another_or_an_unknown_group_stays_whole(column: str) -> None:
    """A child's record that took her escort's age (34) unseen would skip the Best
    Interests Determination: an unknown group is not read, and a warning names it."""
    assert header_names(["_uuid", column])[1] == column


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("identification-sexe", "sex"),
        ("identification-nom", "family_name"),
        ("enfant-date_naissance", "birth_date"),
        ("parents-nom_pere", "father_name"),
        ("date-naissance", "birth_date"),
        ("nom-pere", "father_name"),
    ],
)
def test_an_odk_central_question_path_with_dashes_reads_as_a_kobo_one(
    column: str, field: str
) -> None:
    assert header_names(["_uuid", column])[1] == field


@pytest.mark.parametrize(
    "column",
    [
        "accompagnant-age",
        "section_2-age",
        "group_kf3tq12-sexe",
        "escorte-age",
        "passeur-sexe",
        "maitre_coranique-age",
        "escort2-age",
    ],
)
def test_an_odk_central_question_of_another_or_an_unknown_group_stays_whole(column: str) -> None:
    assert header_names(["_uuid", column])[1] == column


def test_an_unknown_dashed_group_is_warned_about_with_the_mapping_line_that_reads_it() -> None:
    raw = ["_uuid", "section_2-age"]
    notes = header_notes(raw, header_names(raw), None)
    assert [(column, note.text("en")) for column, note in notes] == [
        (
            "section_2-age",
            "a question of a group not known to be about the person: kept as extra data; if "
            "the group is the person's, a mapping file (--mapping) with the line \"section_2/,"
            'person" reads it as age',
        )
    ]
    assert header_names(raw, {"section_2/": "person"})[1] == "age"


def test_odk_central_s_instance_id_and_submission_date_stand_in_for_ours() -> None:
    names = header_names(["SubmissionDate", "identification-nom", "meta-instanceID", "KEY"])
    assert names == ["registered_on", "family_name", "record_id", "key"]


def test_of_two_titles_for_one_field_the_more_specific_reads(tmp_path) -> None:
    names = header_names(["record_id", "Village", "Village d'origine", "Téléphone", "Tel"])
    assert names == ["record_id", "village", "origin_village", "phone", "tel"]


def test_two_titles_as_specific_for_one_field_are_refused_naming_both() -> None:
    with pytest.raises(RecordFileError) as refused:
        header_names(["record_id", "Tél", "Tel"])
    assert '"tél" and "tel"' in str(refused.value) or '"tel" and "tél"' in str(refused.value)


def test_the_person_s_name_is_whole_unless_the_given_names_come_apart() -> None:
    assert header_names(["record_id", "Nom de l'enfant"])[1] == "full_name"
    both = header_names(["record_id", "Nom de l'enfant", "Prénom de l'enfant"])
    assert both[1:] == ["family_name", "given_names"]


def test_a_full_name_column_stays_whole_beside_given_names() -> None:
    names = header_names(["record_id", "full_name", "Nom", "Prénom"])
    assert names == ["record_id", "full_name", "family_name", "given_names"]


def test_an_id_column_is_the_record_id() -> None:
    assert header_names(["ID", "Nom", "Prénom"]) == ["record_id", "family_name", "given_names"]


def test_our_own_column_wins_over_a_french_title_with_a_mapping_too() -> None:
    names = header_names(["record_id", "family_name", "Nom de famille", "x"], {"x": "sex"})
    assert names == ["record_id", "family_name", "nom de famille", "sex"]


@pytest.mark.parametrize(
    "title",
    ["Âge du passeur", "Âge de l'escorte", "Passeur/Âge", "Sexe du marabout", "Âge du logeur"],
)
def test_a_title_about_a_smuggler_escort_or_host_is_not_the_person_s(title: str) -> None:
    assert header_names(["_uuid", title])[1] == title.lower()


@pytest.mark.parametrize(
    "title",
    [
        "Nom de famille",
        "Nom de famille de l'enfant",
        "Identité de l'enfant/Nom de famille",
        "enfant/Nom de famille",
    ],
)
def test_nom_de_famille_is_the_family_name_not_a_family_member_s(title: str) -> None:
    assert header_names(["_uuid", title])[1] == "family_name"


def test_kobo_s_id_stays_the_record_id_before_its_uuid_as_stored_records_have_it() -> None:
    """Records imported before were keyed by `_id`: a re-import must find them again."""
    assert header_names(["_id", "_uuid", "Nom"]) == ["record_id", "_uuid", "family_name"]


def test_an_odk_repeat_group_s_table_has_no_record_id(tmp_path: Path) -> None:
    """Its rows are the escort's or the household's: `KEY` and `PARENT_KEY` name none."""
    path = write_csv(
        tmp_path / "k.csv", "nom,prenom,age,sexe,PARENT_KEY,KEY\nDiarra,Ali,40,2,uuid:1,uuid:1/x\n"
    )
    with pytest.raises(RecordFileError, match="missing required column: record_id"):
        list(read_chunks(path, required=("record_id",)))


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("date-naiss", "birth_date"),
        ("num-telephone", "phone"),
        ("Localisation-actuelle", "current_location"),
        ("Prénom et nom de famille", "full_name"),
        ("parents/nom_pere", "father_name"),
        ("group_mere/nom_mere", "mother_name"),
    ],
)
def test_titles_that_read_before_still_read(title: str, field: str) -> None:
    assert header_names(["_uuid", title])[1] == field


@pytest.mark.parametrize(
    "title",
    [
        "passeur/nom_pere",
        "passeur/nom_mere",
        "Nom de famille d'accueil",
        "Nom famille accueil",
    ],
)
def test_a_smuggler_s_parents_or_a_host_family_s_name_are_not_the_child_s(title: str) -> None:
    assert header_names(["_uuid", title])[1] == title.lower()


def test_a_group_a_mapping_says_is_the_person_s_still_keeps_an_escort_s_questions_apart() -> None:
    names = header_names(["_uuid", "grp/age", "grp/accompagnant/age"], {"grp/": "person"})
    assert names[1:] == ["age", "grp/accompagnant/age"]


def test_two_columns_a_mapping_line_reads_as_one_field_are_named_as_written() -> None:
    with pytest.raises(
        RecordFileError, match='"identification-sexe" and "enfant-sexe" both read as sex'
    ):
        header_names(["record_id", "identification-sexe", "enfant-sexe"], {"sexe": "sex"})


def test_another_person_s_question_is_said_kept_without_offering_to_read_it() -> None:
    raw = ["_uuid", "accompagnant-age"]
    notes = header_notes(raw, header_names(raw), None)
    assert [(column, note.text("en")) for column, note in notes] == [
        (
            "accompagnant-age",
            "a question about another person than the record's (group accompagnant): kept "
            "as extra data",
        )
    ]


@pytest.mark.parametrize(
    "title",
    [
        "Nom du père du passeur",
        "Nom de la mère de l'accompagnant",
        "Nom de la grand-mère",
        "Nom du beau-père",
        "Âge de l'accompagnatrice",
        "Téléphone de l'hébergeur",
        "Nom et prénom de l'accompagnatrice",
        "Prénom du guide",
        "Village de destination",
        "Commune d'interception",
        "accompagnatrice-age",
        "Hébergeur/Téléphone",
        "enfant/age_accompagnatrice",
        "identification/nom_pere_passeur",
    ],
)
def test_another_person_s_or_another_place_s_title_is_never_the_child_s(title: str) -> None:
    """Read as ours, the longer title would win over the child's own ("Nom du père")."""
    assert header_names(["_uuid", title])[1] == title.lower()


def test_the_child_s_father_is_read_beside_the_smuggler_s() -> None:
    names = header_names(["record_id", "Nom du père", "Nom du père du passeur"])
    assert names == ["record_id", "father_name", "nom du père du passeur"]


def test_an_unnamed_group_inside_the_person_s_group_is_not_the_person_s() -> None:
    names = header_names(["_uuid", "grp_identite/age", "grp_identite/group_ab1/age"])
    assert names[1:] == ["age", "grp_identite/group_ab1/age"]
    mapped = header_names(
        ["_uuid", "group_kf3tq12/age", "group_kf3tq12/group_xy45/age"], {"group_kf3tq12/": "person"}
    )
    assert mapped[1:] == ["age", "group_kf3tq12/group_xy45/age"]


def test_a_longer_title_that_may_be_about_someone_else_does_not_win_over_the_child_s() -> None:
    """ "logisticien" is no word we know: the file is refused rather than guessed."""
    with pytest.raises(RecordFileError, match="both read as father_name: rename one, or name"):
        header_names(["record_id", "Nom du père", "Nom du père du logisticien"])


def test_a_title_read_by_its_words_that_says_more_is_warned_about() -> None:
    """Alone, "Âge du logisticien" reads as the age: the warning tells which word to check."""
    raw = ["record_id", "Âge du logisticien", "Nom du père/tuteur", "Date de collecte"]
    notes = header_notes(raw, header_names(raw), None)
    assert [(column, note.text("en")) for column, note in notes] == [
        (
            "Âge du logisticien",
            "read as age, though its title says more (logisticien): if it is about someone "
            "else or another time, keep it apart with a mapping line (--mapping) naming it "
            "as extra",
        )
    ]


def test_a_mapping_line_by_question_name_does_not_read_an_unknown_group_s_question() -> None:
    """`age,age` is the person's age: `group_x/age` may be anyone's, as without a mapping."""
    assert header_names(["_uuid", "group_x/age"], {"age": "age"})[1] == "group_x/age"
    assert header_names(["_uuid", "identification/q12"], {"q12": "age"})[1] == "age"


def test_the_person_s_question_another_title_won_over_is_said_so() -> None:
    raw = ["_uuid", "grp_identite/nom", "Nom de famille de l'enfant"]
    notes = header_notes(raw, header_names(raw), None)
    assert [(column, note.text("en")) for column, note in notes] == [
        (
            "grp_identite/nom",
            "kept as extra data: another column of the file is read as family_name",
        )
    ]


def test_a_group_named_as_form_builders_do_is_no_word_about_someone_else() -> None:
    raw = ["grp_identite/record_id", "grp_identite/family_name", "group_enfant/sexe"]
    assert header_names(raw) == ["record_id", "family_name", "sex"]
    assert header_notes(raw, header_names(raw), None) == []
