"""Reasons a caseworker reads: one per field, French with a decimal comma, and English."""

from datetime import date

from matching.explain import explain_pair, pair_reasons
from matching.model import FSModel
from matching.pipeline import link

BIRTH = {
    "birth_earliest": date(2006, 5, 4),
    "birth_latest": date(2006, 5, 4),
    "birth_precision": "day",
}


def _reasons(phones: tuple[str | None, str | None] = (None, None)) -> list:
    result = link(
        [
            {
                "id": "a",
                "full_name": "KULIBALI Fatoumata",
                "sex": "F",
                "origin_village": "Sirakoro",
                "origin_cercle": "Kati",
                "phone": phones[0],
                **BIRTH,
            },
            {
                "id": "b",
                "full_name": "Fatimata Coulibaly",
                "sex": "F",
                "origin_village": "Sirakoro",
                "origin_cercle": "Ségou",
                "phone": phones[1],
                **BIRTH,
            },
        ],
        FSModel(),
        fit=False,
    )
    k = 0
    return explain_pair(
        result.columns,
        int(result.a[k]),
        int(result.b[k]),
        result.scores.levels[k],
        result.scores.contributions[k],
    )


def test_every_field_has_a_reason_in_both_languages() -> None:
    reasons = _reasons()
    assert [r.field for r in reasons] == [
        "family_name",
        "given_names",
        "sex",
        "birth",
        "origin_place",
        "father",
        "mother",
        "phone",
    ]
    assert all(r.fr and r.en for r in reasons)


def test_a_shared_phone_is_a_reason_that_never_quotes_the_number() -> None:
    phone = _reasons(("76 12 34 56", "+223 76123456"))[-1]
    assert (phone.field, phone.level) == ("phone", "same")
    assert phone.fr.startswith("téléphone : même numéro +")
    assert phone.en.startswith("phone: same number +")
    assert not any(digit in phone.fr.rsplit(" ", 1)[0] for digit in "0123456789")


def test_a_clan_name_in_another_spelling_is_said_so_with_its_weight() -> None:
    family = _reasons()[0]
    assert family.level in ("same_key", "same_clan_group")
    assert family.fr.startswith("nom : Kulibali ~ Coulibaly (même nom")
    assert "," in family.fr.rsplit(" ", 1)[1] and "." in family.en.rsplit(" ", 1)[1]


def test_homonymous_villages_in_different_cercles_are_named_with_their_cercles() -> None:
    place = _reasons()[4]
    assert place.level == "homonym_different_cercle"
    assert "Sirakoro (Kati)" in place.fr and "Sirakoro (Ségou)" in place.fr
    assert "cercles différents" in place.fr


def test_what_a_learned_model_moved_is_a_reason_in_both_languages() -> None:
    raised, lowered = pair_reasons(learned=1.25)[0], pair_reasons(learned=-0.8)[0]
    assert (raised.field, raised.level, raised.weight) == ("learned", "raised", 1.25)
    assert "plus souvent" in raised.fr and "+1,2" in raised.fr
    assert "more often" in raised.en and "+1.2" in raised.en
    assert lowered.level == "lowered" and "-0,8" in lowered.fr and "less often" in lowered.en
    assert pair_reasons(learned=0.0) == []
