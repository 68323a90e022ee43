"""Specification of matching/place_text.py and matching/gazetteer.py: folding, reading places
as written, the loaded data."""

import pytest

from matching.gazetteer import gazetteer, haversine_km
from matching.place_text import fold_place_key, fold_text, parse_place_text

FOLD_TEXT = [
    ("Ségou-Koura", "segou koura"),
    ("N'Golobougou", "ngolobougou"),
    ("N’Diaye", "ndiaye"),
    ("Kulikɔrɔ", "kulikoro"),
    ("Bamakɔ", "bamako"),
    ("Commune IV", "commune 4"),
    ("Sema II", "sema 2"),
    ("Sebekoro I", "sebekoro 1"),
    ("Badialan1", "badialan 1"),
    ("T.S.F.", "t s f"),
    ("  Kolondiéba ", "kolondieba"),
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize(("text", "folded"), FOLD_TEXT)
def test_fold_text_strips_accents_punctuation_and_roman_numerals(text, folded):
    assert fold_text(text) == folded


SAME_KEY = [
    ("Djenné", "Dienné"),
    ("Djenné", "Jenne"),
    ("Ségou", "Segu"),
    ("Bougouni", "Buguni"),
    ("Koulikoro", "Kulikɔrɔ"),
    ("Kéniéba", "Kényéba"),
    ("Sikasso", "Sikaso"),
    ("Markala", "Markalla"),
    ("Kassonbougou", "Kassombougou"),
    ("Dar Salam", "Darsalam"),
    ("N'Golobougou", "Ngolobougou"),
    ("Cissé", "Sissé"),
    ("Guémou", "Gemou"),
    ("Magnambougou", "Manyambugu"),
    ("Ti-N-Essako", "Tin-Essako"),
    ("Commune IV", "commune 4"),
]


@pytest.mark.parametrize(("a", "b"), SAME_KEY)
def test_spelling_variants_share_a_key(a, b):
    assert fold_place_key(a) == fold_place_key(b)


DIFFERENT_KEY = [
    ("Commune III", "Commune I"),  # Roman numerals become digits before doubles collapse
    ("Commune II", "Commune I"),
    ("Ségou", "Segoukoro"),
    ("Kolokani", "Kokolani"),  # a metathesis is left to fuzzy matching
    ("Tombouctou", "Timbuktu"),  # a variant, not an orthographic rule
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_KEY)
def test_distinct_names_keep_distinct_keys(a, b):
    assert fold_place_key(a) != fold_place_key(b)


PARSE = [
    ("région de Bougouni", "village", ("region", "bougouni")),
    ("Région de Ségou, Mali", "village", ("region", "segou")),
    ("Timbuktu Region", "village", ("region", "timbuktu")),
    ("District de Bamako", "village", ("region", "bamako")),
    ("Cercle d'Ansongo", "village", ("cercle", "ansongo")),
    ("cercle de Kati", "region", ("cercle", "kati")),
    ("Commune rurale de Siby", "village", ("commune", "siby")),
    ("CR de Siby", "village", ("commune", "siby")),
    ("Commune IV", "village", ("commune", "commune 4")),
    ("Commune IV du District de Bamako", "region", ("commune", "commune 4")),
    ("Bamako Commune 4", "village", ("commune", "commune 4")),
    ("Kayes Commune", "village", ("commune", "kayes")),
    ("village de Sirakoro", "commune", ("village", "sirakoro")),
    ("Sirakoro", "village", ("village", "sirakoro")),
    ("Sirakoro", "cercle", ("cercle", "sirakoro")),
]


@pytest.mark.parametrize(("text", "field", "expected"), PARSE)
def test_parse_place_text_reads_the_level_from_prefixes(text, field, expected):
    level, core, _full = parse_place_text(text, field)
    assert (level, core) == expected


def test_parse_place_text_keeps_the_full_text_for_names_starting_with_a_level_word():
    assert parse_place_text("Quartier Mali", "village") == ("village", "mali", "quartier mali")


LEVEL_COUNTS = [
    ("region", 20),  # 9 of 2015 (8 + Bamako) and 11 new in 2023, one place per name
    ("cercle", 50),
    ("commune", 701),
]


@pytest.mark.parametrize(("level", "count"), LEVEL_COUNTS)
def test_gazetteer_holds_the_2015_hierarchy_and_the_2023_regions(level, count):
    assert sum(p.level == level for p in gazetteer().places) == count


def test_gazetteer_holds_the_ocha_settlements_and_bamako_quartiers():
    villages = [p for p in gazetteer().places if p.level == "village"]
    assert 18_000 <= len(villages) <= 18_800
    assert all(p.commune_id is not None and p.cercle_id is not None for p in villages)


CERCLE_REGIONS_2023 = [
    ("Bougouni", ("Bougouni",)),
    ("Kolondiéba", ("Bougouni",)),
    ("Yanfolila", ("Bougouni",)),
    ("Yorosso", ("Koutiala",)),
    ("Diéma", ("Nioro",)),
    ("Koro", ("Bandiagara",)),
    ("Kati", ("Koulikoro",)),
    ("Ménaka", ("Ménaka",)),
    ("Tombouctou", ("Tombouctou", "Taoudénit")),  # only its Saharan north (J, uncertain)
]


@pytest.mark.parametrize(("cercle", "regions_2023"), CERCLE_REGIONS_2023)
def test_cercles_map_to_2023_regions_by_name(cercle, regions_2023):
    g = gazetteer()
    (place,) = [p for p in g.places if p.level == "cercle" and p.name == cercle]
    assert place.regions_2023 == regions_2023


def test_a_2015_region_lists_every_2023_region_carved_from_it():
    g = gazetteer()
    (sikasso,) = [p for p in g.places if p.level == "region" and p.name == "Sikasso"]
    assert sikasso.scheme == "2015+2023"
    assert set(sikasso.regions_2023) == {"Sikasso", "Bougouni", "Koutiala"}


def test_wof_variants_are_indexed_and_geonames_noise_is_not():
    g = gazetteer()
    assert g.lookup(fold_place_key("Timbuktu"), "region")
    assert not g.lookup(fold_place_key("Kokolani"), "cercle")
    assert not g.lookup(fold_place_key("Kokolani"), "village")


def test_haversine_bamako_to_segou_is_about_210_km():
    assert 200 <= haversine_km(12.6392, -8.0029, 13.4317, -6.2157) <= 215


def test_nearest_village_to_central_bamako_is_a_bamako_quartier():
    (place, km), *_ = gazetteer().nearest(12.6429, -8.0021, k=1)
    assert place.cercle == "Bamako" and km < 1
