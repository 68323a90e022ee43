"""Relatives of a person: the family situations the tracing officers meet."""

from __future__ import annotations

from tests.tracing.families import answer, person

VILLAGE = {"origin_village": "Sirakoro", "origin_cercle": "Kati"}


def _polygamous_household() -> list:
    """Bakary COULIBALY, two wives (Fatoumata DIARRA, Mariam KEITA), a child of each."""
    return [
        person("F", "Bakary COULIBALY", "M", 1960, **VILLAGE),
        person("W1", "Fatoumata DIARRA", "F", 1968, **VILLAGE),
        person("W2", "Mariam KEITA", "F", 1975, **VILLAGE),
        person(
            "A",
            "Aminata COULIBALY",
            "F",
            1990,
            father_name="Bakary Coulibaly",
            mother_name="Fatoumata Diarra",
            **VILLAGE,
        ),
        person(
            "S",
            "Seydou COULIBALY",
            "M",
            1993,
            father_name="Bakary Coulibaly",
            mother_name="Fatoumata Diarra",
            **VILLAGE,
        ),
        person(
            "H",
            "Oumar COULIBALY",
            "M",
            1998,
            father_name="Bakari Kulibali",
            mother_name="Mariam Keïta",
            **VILLAGE,
        ),
    ]


def test_parents_are_found_from_the_names_a_record_declares() -> None:
    found = answer(_polygamous_household(), "A")
    assert found["F"].relation == "father"
    assert found["W1"].relation == "mother"
    assert "W2" not in found or found["W2"].relation != "mother"


def test_children_of_one_father_and_one_mother_are_siblings() -> None:
    assert answer(_polygamous_household(), "A")["S"].relation == "sibling"


def test_the_child_of_another_wife_is_a_half_sibling() -> None:
    assert answer(_polygamous_household(), "A")["H"].relation == "half_sibling"


def test_a_half_brother_declared_brother_is_read_from_the_parents_names() -> None:
    found = answer(_polygamous_household(), "A", [("A", "sibling", "H")])
    assert found["H"].relation == "half_sibling"
    assert found["H"].declared


def test_declared_relatives_rank_before_inferred_ones() -> None:
    records = [*_polygamous_household(), person("U", "Drissa COULIBALY", "M", 1992, **VILLAGE)]
    found = list(answer(records, "A", [("A", "sibling", "U")]).values())
    assert found[0].record.record_id == "U"
    assert found[0].declared


def test_a_declared_other_link_ranks_after_a_likely_parent() -> None:
    records = [*_polygamous_household(), person("U", "Drissa COULIBALY", "M", 1970, **VILLAGE)]
    found = list(answer(records, "A", [("A", "other", "U")]))
    assert found.index("F") < found.index("U")


def test_twins_are_two_siblings_never_one_person() -> None:
    records = [
        person("F", "Moussa TRAORE", "M", 1970, **VILLAGE),
        person(
            "T1",
            "Awa TRAORE",
            "F",
            2008,
            father_name="Moussa Traoré",
            mother_name="Kadia Sidibé",
            **VILLAGE,
        ),
        person(
            "T2",
            "Adama TRAORE",
            "M",
            2008,
            father_name="Moussa Traore",
            mother_name="Kadiatou Sidibe",
            **VILLAGE,
        ),
    ]
    found = answer(records, "T1")
    assert found["T2"].relation == "sibling"
    assert found["F"].relation == "father"
    assert any("jumeaux" in r.fr for r in found["T2"].reasons)


def test_a_son_named_after_his_father_is_not_proposed_as_the_father() -> None:
    """Namesakes across generations: father and son are both Moussa KONE."""
    records = [
        person("GF", "Moussa KONE", "M", 1940, **VILLAGE),
        person("SON", "Moussa KONE", "M", 1985, father_name="Moussa Koné", **VILLAGE),
        person("HEAD", "Ali KONE", "M", 1962, father_name="Moussa Kone", **VILLAGE),
    ]
    found = answer(records, "HEAD")
    assert found["GF"].relation == "father"
    assert "SON" not in found or found["SON"].relation != "father"
    assert answer(records, "SON")["GF"].relation == "father"


def test_a_tamasheq_patronym_names_the_father() -> None:
    records = [
        person("F", "Souleymane AG MOHAMED", "M", 1965, origin_village="Tin Aicha"),
        person("C", "Bacary AG SOULEYMANE", "M", 1995, origin_village="Tin Aicha"),
    ]
    assert answer(records, "C")["F"].relation == "father"


def test_a_suspect_relative_is_flagged_and_warned_about() -> None:
    records = [
        person("V", "Fatoumata DIARRA", "F", 2009, case_id="ID-1", role="victim", **VILLAGE),
        person("U", "Drissa DIARRA", "M", 1975, case_id="ID-1", role="suspect", **VILLAGE),
    ]
    found = answer(records, "V", [("V", "other", "U")])
    assert found["U"].flags == ["suspect"]
    assert found["U"].suspect
    assert found["U"].reasons[0].en.startswith("WARNING: named as a suspect")


def test_a_suspect_relative_is_listed_even_below_the_top_asked_for() -> None:
    records = [
        person("V", "Fatoumata DIARRA", "F", 2009, case_id="ID-1", role="victim", **VILLAGE),
        person("U", "Drissa DIARRA", "M", 1975, case_id="ID-1", role="suspect", **VILLAGE),
        person("S", "Seydou DIARRA", "M", 2012, **VILLAGE),
        person("T", "Oumou DIARRA", "F", 2014, **VILLAGE),
    ]
    related = [("V", "other", "U"), ("V", "sibling", "S"), ("V", "sibling", "T")]
    found = answer(records, "V", related, top=1)
    assert list(found) == ["S", "U"]
    assert found["U"].flags == ["suspect"]


def test_a_declared_father_the_records_contradict_is_shown_with_warnings() -> None:
    records = [
        person("C", "Moussa SIDIBE", "M", 1980, **VILLAGE),
        person("N", "Nana SIDIBE", "F", 2010, **VILLAGE),
    ]
    found = answer(records, "C", [("C", "father", "N")])
    assert found["N"].declared and found["N"].relation == "father"
    warned = [r.en for r in found["N"].reasons if r.en.startswith("WARNING")]
    assert warned == [
        "WARNING: declared father but recorded as sex F",
        "WARNING: declared father but born about 30 years after the child",
    ]
    assert found["N"].flags == ["contradicted"]
    child_side = answer(records, "N", [("C", "father", "N")])["C"]
    assert [r.en for r in child_side.reasons if r.en.startswith("WARNING")] == warned


def test_a_declared_mother_the_records_agree_with_has_no_warning() -> None:
    records = [
        person("C", "Aminata COULIBALY", "F", 2009, **VILLAGE),
        person("M", "Awa TRAORE", "F", 1984, **VILLAGE),
    ]
    found = answer(records, "C", [("C", "mother", "M")])
    assert not [r for r in found["M"].reasons if r.en.startswith("WARNING")]
    assert found["M"].flags == []


def test_a_minor_whose_family_is_unknown_has_no_relatives() -> None:
    records = [
        person("K", "Awa", "F", 2012, case_id="ID-2", role="victim"),
        person("X", "Mamadou SANGARE", "M", 1980, origin_village="Banamba"),
        person("Y", "Kadiatou TOURE", "F", 1985, origin_village="Banamba"),
    ]
    assert answer(records, "K") == {}


def test_reasons_are_given_in_french_and_in_english() -> None:
    found = answer(_polygamous_household(), "A")["F"]
    assert found.reasons
    assert all(r.fr and r.en for r in found.reasons)
    assert found.as_dict("en")["reasons"] != found.as_dict("fr")["reasons"]


def _a_child_and_its_possible_parents() -> list:
    """Rokia SANOGO declares her parents' names; two women bear her mother's name."""
    return [
        person(
            "C",
            "Rokia SANOGO",
            "F",
            2010,
            father_name="Aboubacar Sanogo",
            mother_name="Awa Traoré",
            **VILLAGE,
        ),
        person("M1", "Awa TRAORE", "F", 1985, **VILLAGE),
        person("M2", "Awa Traoré épouse Mariko", "F", 1983, **VILLAGE),
        person("F", "Aboubacar SANOGO", "M", 1978, **VILLAGE),
    ]


def test_the_father_of_a_woman_s_child_is_her_spouse() -> None:
    found = answer(_a_child_and_its_possible_parents(), "M1", whole=True)
    assert found["C"].relation == "child"
    assert found["F"].relation == "spouse"
    assert [r.en for r in found["F"].reasons] == ["other parent of Rokia SANOGO"]


def test_two_women_the_names_make_possible_mothers_of_one_child_are_not_spouses() -> None:
    """Rival candidates for one role: at most one of them is the mother."""
    assert "M2" not in answer(_a_child_and_its_possible_parents(), "M1", whole=True)


def test_a_co_parent_of_unknown_sex_is_said_unknown_not_spouse() -> None:
    records = [*_a_child_and_its_possible_parents(), person("X", "SANGARE", None, 1980)]
    found = answer(records, "M1", [("C", "parent", "X")], whole=True)
    assert found["X"].relation == "other"
    assert found["X"].reasons[0].en == (
        "also a parent of Rokia SANOGO; sex unknown: the other parent, or another "
        "candidate for the same role"
    )


def test_a_child_s_row_says_it_is_the_parent_who_was_born_before_the_child() -> None:
    """An inferred link carries its reasons at both ends: on the mother's sheet, the
    child's row must not read as a child born before the child."""
    found = answer(_a_child_and_its_possible_parents(), "M1", whole=True)
    assert "mother born about 25 years before the child" in [r.en for r in found["C"].reasons]
    assert "mère née environ 25 ans avant l'enfant" in [r.fr for r in found["C"].reasons]
