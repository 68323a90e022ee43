"""Specification of matching/place_resolution.py and matching/places.py: resolving places as
written, comparing two places."""

import numpy as np
import pytest

from matching.compare.place_arrays import place_levels, place_table
from matching.comparisons import COMPARISON
from matching.place_resolution import PlaceRef, resolve_place, resolved_sets
from matching.places import PLACE_LEVELS, place_similarity


def best(**fields):
    candidates = resolve_place(**fields)
    assert candidates, f"nothing found for {fields}"
    return candidates[0]


VARIANTS = [
    # field, as written, expected level, expected name
    ("village", "Timbuktu", "village", "Tombouctou"),
    ("region", "Timbuktu", "region", "Tombouctou"),
    ("region", "Segu", "region", "Ségou"),
    ("village", "Segu", "village", "Ségou"),
    ("village", "Buguni", "village", "Bougouni"),
    ("cercle", "Buguni", "cercle", "Bougouni"),
    ("region", "Kayi", "region", "Kayes"),
    ("village", "Jenne", "village", "Djenné"),
    ("cercle", "Dienné", "cercle", "Djenné"),
    ("cercle", "Douenza", "cercle", "Douentza"),
    ("village", "Bankassi", "village", "Bankass"),
    ("region", "Kulikɔrɔ", "region", "Koulikoro"),
    ("cercle", "Kokolani", "cercle", "Kolokani"),  # typo, found by near spelling
    ("village", "Kokolani", "village", "Kolokani"),
]


@pytest.mark.parametrize(("field", "text", "level", "name"), VARIANTS)
def test_resolve_place_reads_spelling_variants(field, text, level, name):
    candidate = best(**{field: text})
    assert (candidate.level, candidate.name) == (level, name)


REGIONS_2023 = [
    # as written, 2023 region, the 2015 region it was carved from
    ("région de Bougouni", "Bougouni", "Sikasso"),
    ("Région de Koutiala", "Koutiala", "Sikasso"),
    ("region de Kita", "Kita", "Kayes"),
    ("Nioro du Sahel", "Nioro", "Kayes"),
    ("Bandiagara", "Bandiagara", "Mopti"),
    ("Ménaka", "Ménaka", "Gao"),
    ("Taoudénit", "Taoudénit", "Tombouctou"),
]


@pytest.mark.parametrize(("text", "region_2023", "region_2015"), REGIONS_2023)
def test_resolve_place_knows_the_2023_regions(text, region_2023, region_2015):
    candidate = best(region=text)
    assert candidate.level == "region"
    assert (candidate.region_2023, candidate.region_2015) == (region_2023, region_2015)


VILLAGES_IN_BOTH_SCHEMES = [
    # village, cercle, 2015 region, 2023 region
    ("Bougouni", "Bougouni", "Sikasso", "Bougouni"),
    ("Koutiala", "Koutiala", "Sikasso", "Koutiala"),
    ("Bankass", "Bankass", "Mopti", "Bandiagara"),
    ("Diéma", "Diéma", "Kayes", "Nioro"),
    ("Kati", "Kati", "Koulikoro", "Koulikoro"),
]


@pytest.mark.parametrize(("village", "cercle", "r2015", "r2023"), VILLAGES_IN_BOTH_SCHEMES)
def test_a_resolved_village_carries_both_region_schemes(village, cercle, r2015, r2023):
    candidate = best(village=village, cercle=cercle)
    assert (candidate.region_2015, candidate.region_2023) == (r2015, r2023)


PREFIXES = [
    ({"cercle": "cercle de Kati"}, "cercle", "Kati"),
    ({"cercle": "Cercle d'Ansongo"}, "cercle", "Ansongo"),
    ({"commune": "Commune rurale de Siby"}, "commune", "Siby"),
    ({"commune": "Commune IV"}, "commune", "Commune IV"),
    ({"region": "Commune IV du District de Bamako"}, "commune", "Commune IV"),
    ({"village": "village de Kalifabougou", "cercle": "Kati"}, "village", "Kalifabougou"),
    ({"region": "District de Bamako"}, "region", "Bamako"),
    ({"cercle": "Inékar"}, "commune", "Inékar"),  # a 2021 cercle that is a 2015 commune
]


@pytest.mark.parametrize(("fields", "level", "name"), PREFIXES)
def test_resolve_place_reads_prefixes_and_levels(fields, level, name):
    candidate = best(**fields)
    assert (candidate.level, candidate.name) == (level, name)


def test_a_bamako_quartier_resolves_inside_its_commune():
    candidate = best(village="Hamdallaye", commune="Commune IV", region="Bamako")
    assert (candidate.commune, candidate.cercle, candidate.region_2015) == (
        "Commune IV",
        "Bamako",
        "Bamako",
    )


def test_a_homonymous_village_alone_returns_every_homonym():
    candidates = resolve_place(village="Sirakoro", limit=100)
    named = [c for c in candidates if c.name == "Sirakoro"]
    assert len(named) >= 25  # 31 OCHA rows, one of them a duplicate
    assert len({c.cercle for c in named}) >= 15
    assert max(c.confidence for c in candidates) < 0.2


def test_a_bare_town_name_means_the_town_rather_than_a_homonymous_hamlet():
    candidates = resolve_place(village="Gao", limit=10)
    assert len(candidates) > 1
    assert (candidates[0].cercle, candidates[0].region_2015) == ("Gao", "Gao")
    assert candidates[0].confidence > 0.5


HOMONYMS_NARROWED = [
    ({"cercle": "Kati"}, {"Kati"}),
    ({"cercle": "Ségou"}, {"Ségou"}),
    ({"commune": "Tielé", "cercle": "Kati"}, {"Kati"}),
    ({"region": "Bougouni"}, {"Bougouni", "Kolondiéba", "Yanfolila"}),  # a 2023 region
]


@pytest.mark.parametrize(("context", "cercles"), HOMONYMS_NARROWED)
def test_a_homonymous_village_is_narrowed_by_the_other_fields(context, cercles):
    candidates = resolve_place(village="Sirakoro", limit=100, **context)
    plausible = [c for c in candidates if c.confidence >= 0.05]
    assert plausible
    assert {c.cercle for c in plausible} <= cercles
    assert all(c.name == "Sirakoro" for c in plausible)


def test_a_unique_reading_gets_a_high_confidence():
    assert best(village="Sirakoro", cercle="Ségou").confidence > 0.9


def test_an_unknown_village_falls_back_to_the_cercle_given():
    candidate = best(village="Xyzbougou", cercle="Kati")
    assert (candidate.level, candidate.name) == ("cercle", "Kati")
    assert "fallback" in candidate.matched


def test_a_village_outside_the_cercle_given_ranks_below_the_cercle():
    candidate = best(village="Sirakoro", cercle="Kadiolo")  # no Sirakoro in Kadiolo
    assert (candidate.level, candidate.name) == ("cercle", "Kadiolo")


def test_resolution_ignores_case_and_accents():
    assert resolve_place(village="SIRAKORO", cercle="segou") == resolve_place(
        village="Sirakoro", cercle="Ségou"
    )


def test_nothing_written_resolves_to_nothing():
    assert resolve_place() == []
    assert resolve_place(village="  ", region=None) == []


SIMILARITY = [
    # a, b, expected level
    (("Sirakoro", "Tielé", "Kati", None), ("Sirakoro", None, "Kati", "Koulikoro"), "same_village"),
    (("Jenne", None, None, None), ("Djenné", None, None, "Mopti"), "same_village"),
    (("Timbuktu", None, None, None), ("Tombouctou", None, None, None), "same_village"),
    (("Sirakoro", None, None, None), ("Sirakoro", None, "Kati", None), "same_village"),
    (("Xyzbougou", None, "Kati", None), ("Xyzbougou", None, "Kati", None), "same_village"),
    (
        ("Hamdallaye", "Commune IV", None, None),
        ("Lafiabougou", "Commune IV", None, None),
        "same_commune",
    ),
    ((None, "Siby", "Kati", None), ("Sirakoro", None, "Kati", None), "same_cercle"),
    (("Hamdallaye", "Commune IV", None, None), (None, "Commune IV", None, None), "within_commune"),
    # a commune's name written where the village goes names no village
    (("Guidimakan Keri Kaff",), ("Gakoura Rive Droite", "Guidimakan Keri Kaff"), "within_commune"),
    # a commune the gazetteer does not know, with and without villages
    ((None, "Xyzcommune"), ("Xyzbougou", "Xyzcommune"), "within_commune"),
    (("Xyzkoro", "Xyzcommune"), ("Xyzbougou", "Xyzcommune"), "same_commune"),
    # a town that gives its cercle (or the district) its name stands for it
    (("Bamako",), ("Hamdallaye", "Commune IV"), "within_cercle"),
    (("Kayes",), ("Somankidi", None, "Kayes"), "within_cercle"),
    (("Xyzakoro", None, "Kati"), (None, None, "Kati"), "within_cercle"),
    (("Barigomo", None, "Bandiagara", None), (None, None, "Bandiagara", None), "within_cercle"),
    ((None, None, None, "Bougouni"), (None, None, "Bougouni", "Sikasso"), "within_region"),
    ((None, None, None, "région de Bougouni"), (None, None, None, "Sikasso"), "within_region"),
    ((None, None, None, "Kita"), (None, None, None, "Kayes"), "within_region"),
    (("Barigomo", "Dourou", "Bandiagara", "Mopti"), (None, None, None, "Mopti"), "within_region"),
    (("Sirakoro", None, "Kati", None), ("Dialakoro", None, "Kolokani", None), "same_region"),
    (
        ("Sirakoro", None, "Kati", None),
        ("Sirakoro", None, "Ségou", None),
        "homonym_different_cercle",
    ),
    (
        ("Xyzbougou", None, "Kati", None),
        ("Xyzbougou", None, "Ségou", None),
        "homonym_different_cercle",
    ),
    ((None, None, None, "Bougouni"), (None, None, None, "Koutiala"), "different"),
    (("Bamako", None, None, None), ("Gao", None, None, None), "different"),
    ((None, None, None, None), ("Sirakoro", None, "Kati", None), "missing"),
    (("Xyzbougou", None, None, None), (None, None, "Kati", None), "missing"),
]


@pytest.mark.parametrize(("a", "b", "level"), SIMILARITY)
def test_place_similarity_levels(a, b, level):
    assert level in PLACE_LEVELS
    assert place_similarity(a, b).level == level


@pytest.mark.parametrize(("a", "b", "level"), SIMILARITY)
def test_place_similarity_is_symmetric_in_level(a, b, level):
    assert place_similarity(b, a).level == level


@pytest.mark.parametrize(("a", "b", "level"), SIMILARITY)
def test_the_array_form_gives_the_level_of_place_similarity(a, b, level):
    table = place_table([resolved_sets(a), resolved_sets(b)])
    codes = place_levels(table, np.array([0, 1]), np.array([1, 0]))
    assert [COMPARISON["origin_place"].levels[c] for c in codes] == [level, level]


REASONS = [
    (
        ("Sirakoro", None, "Kati", None),
        ("Sirakoro", None, "Ségou", None),
        "village : Sirakoro (Kati) ≠ Sirakoro (Ségou), cercles différents",
        "village: Sirakoro (Kati) vs Sirakoro (Ségou): different cercles",
    ),
    (
        ("Sirakoro", "Tielé", "Kati", None),
        ("Sirakoro", "Tielé", None, None),
        "village : Sirakoro (Kati), même village",
        "village: Sirakoro (Kati): same village",
    ),
    (
        (None, None, None, "Bougouni"),
        (None, None, "Bougouni", "Sikasso"),
        "région : Bougouni (région de 2023, ex-région de Sikasso), même région ; "
        "« Bougouni, Sikasso » d'un côté, seulement « Bougouni » de l'autre",
        "region: Bougouni (2023 region, formerly part of Sikasso region): same region; "
        "'Bougouni, Sikasso' on one side, only 'Bougouni' on the other",
    ),
    (
        ("Barigomo", None, "Bandiagara", None),
        (None, None, "Bandiagara", None),
        "cercle : Bandiagara, même cercle ; « Barigomo, Bandiagara » d'un côté, "
        "seulement « Bandiagara » de l'autre",
        "cercle: Bandiagara: same cercle; 'Barigomo, Bandiagara' on one side, "
        "only 'Bandiagara' on the other",
    ),
    (
        ("Bamako",),
        ("Hamdallaye", "Commune IV"),
        "cercle : Bamako, même cercle ; « Hamdallaye, Commune IV » d'un côté, "
        "seulement « Bamako » de l'autre",
        "cercle: Bamako: same cercle; 'Hamdallaye, Commune IV' on one side, "
        "only 'Bamako' on the other",
    ),
    (
        ("Hamdallaye", "Commune IV"),
        (None, "Commune IV"),
        "commune : Commune IV (Bamako), même commune ; « Hamdallaye, Commune IV » d'un côté, "
        "seulement « Commune IV » de l'autre",
        "commune: Commune IV (Bamako): same commune; 'Hamdallaye, Commune IV' on one side, "
        "only 'Commune IV' on the other",
    ),
    (
        ("Xyzkoro", "Xyzcommune"),
        ("Xyzbougou", "Xyzcommune"),
        "commune : « Xyzcommune » des deux côtés (hors répertoire) ; villages Xyzkoro ≠ Xyzbougou",
        "commune: 'Xyzcommune' on both sides (not in the gazetteer); villages Xyzkoro vs Xyzbougou",
    ),
    (
        (None, None, None, "Kita"),
        (None, None, None, "Kayes"),
        "région : Kita (région de 2023, ex-région de Kayes), même région ; "
        "rien de plus précis d'aucun côté",
        "region: Kita (2023 region, formerly part of Kayes region): same region; "
        "nothing finer on either side",
    ),
    (
        ("Hamdallaye", "Commune IV", None, None),
        ("Lafiabougou", "Commune IV", None, None),
        "commune : Commune IV (Bamako), même commune ; villages Hamdallaye ≠ Lafiabougou",
        "commune: Commune IV (Bamako): same commune; villages Hamdallaye vs Lafiabougou",
    ),
    (
        (None, None, None, None),
        ("Sirakoro", None, "Kati", None),
        "lieu absent d'un côté",
        "no place on one side",
    ),
]


@pytest.mark.parametrize(("a", "b", "fr", "en"), REASONS)
def test_place_similarity_explains_itself_in_french_and_english(a, b, fr, en):
    comparison = place_similarity(a, b)
    assert comparison.reason_fr.startswith(fr)
    assert comparison.reason_en.startswith(en)


def test_an_unrecognised_place_is_named_in_the_reason():
    comparison = place_similarity(("Xyzbougou", None, None, None), (None, None, "Kati", None))
    assert "Xyzbougou" in comparison.reason_fr and "Xyzbougou" in comparison.reason_en


DISTANCES = [
    (("Bamako", None, None, None), ("Ségou", None, None, None), 200, 240),
    ((None, None, None, "Bamako"), (None, None, None, "Ségou"), 200, 240),
    (("Kayes", None, None, None), ("Gao", None, None, None), 1100, 1300),
    (("Hamdallaye", "Commune IV", None, None), ("Lafiabougou", "Commune IV", None, None), 0.5, 5),
]


@pytest.mark.parametrize(("a", "b", "low", "high"), DISTANCES)
def test_place_similarity_gives_plausible_distances(a, b, low, high):
    assert low <= place_similarity(a, b).distance_km <= high


def test_the_same_village_is_zero_km_away():
    assert place_similarity(("Tombouctou",), ("Timbuktu",)).distance_km == 0


def test_an_ambiguous_homonym_is_flagged():
    comparison = place_similarity(("Sirakoro",), ("Sirakoro", None, "Ségou"))
    assert comparison.level == "same_village" and comparison.ambiguous


INPUT_FORMS = [
    PlaceRef(village="Sirakoro", cercle="Ségou"),
    {"village": "Sirakoro", "cercle": "Ségou"},
    {"origin_village": "Sirakoro", "origin_cercle": "Ségou"},
    ("Sirakoro", None, "Ségou", None),
    ["Sirakoro", "", "Ségou"],
]


@pytest.mark.parametrize("form", INPUT_FORMS)
def test_place_similarity_accepts_refs_mappings_and_tuples(form):
    comparison = place_similarity(form, PlaceRef(village="Sirakoro", commune="Sakoïba"))
    assert comparison.level == "same_village"


def test_place_similarity_can_skip_the_reasons_for_batch_scoring():
    comparison = place_similarity(
        ("Sirakoro", None, "Kati"), ("Sirakoro", None, "Ségou"), explain=False
    )
    assert comparison.level == "homonym_different_cercle"
    assert (comparison.reason_fr, comparison.reason_en) == ("", "")
    assert comparison.distance_km > 100


def test_place_ref_folds_what_was_written():
    ref = PlaceRef.of({"village": " Djenné ", "region": float("nan")})
    assert ref == PlaceRef(village="Djenné")
    assert ref.folded == ("djenne", "", "", "")
