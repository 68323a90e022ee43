"""Specification of matching.variants and of the tables in matching/data.

The two tables below copy the reference (shared/reference/malian-naming.md
§1 and §2) row by row, independently of the CSV files, so a row lost from a
CSV fails here.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from matching.variants import (
    clan_group,
    ethnic_groups_of,
    family_equivalence,
    family_name_relation,
    given_group,
    given_name_relation,
    given_sex,
    lookup_key,
    titles_particles,
)

DATA = Path(__file__).resolve().parents[2] / "matching" / "data"

# Reference §1 variant table: admin form, then every other spelling of the row.
FAMILY_ROWS: list[tuple[str, list[str]]] = [
    ("TRAORE", ["Traoré", "Taraoré", "Tarawélé", "Tarawele", "Trawally"]),
    (
        "COULIBALY",
        ["Koulibaly", "Kulibaly", "Koulibali", "Couloubaly", "Kouroubari", "Kulibali", "Coulibaly"],
    ),
    ("DIARRA", ["Djarra", "Diara", "Dyarra", "Jara", "Jarra"]),
    ("KEITA", ["Keïta", "Kéita", "Kéïta", "Keyta", "Keyita", "Keita"]),
    ("DIALLO", ["Dialo", "Jallo", "Jalo", "Jalloh", "Jallow"]),
    ("CISSE", ["Cissé", "Sissé", "Sisse", "Sise", "Ceesay"]),
    ("TOURE", ["Touré", "Turé", "Ture", "Touray"]),
    ("DOUMBIA", ["Dumbia", "Doumbiya", "Doumbouya", "Dunbiya", "Dumbuya"]),
    ("KONATE", ["Konaté", "Conaté", "Konate", "Konateh"]),
    ("KOUYATE", ["Kouyaté", "Kuyaté", "Kuyate", "Kuyateh"]),
    ("SISSOKO", ["Sissokho", "Cissoko", "Cissokho", "Sisoko", "Suso", "Susso"]),
    ("DIABATE", ["Diabaté", "Dioubaté", "Jébaté", "Jabate", "Jobarteh", "Dambakhaté"]),
    ("CAMARA", ["Kamara"]),
    ("KANTE", ["Kanté", "Kante", "Kanteh"]),
    ("KONE", ["Koné", "Konè", "Kone", "Koneh"]),
    ("DEMBELE", ["Dembélé", "Dembelé", "Danbele"]),
    ("SANOGO", ["Sanogho", "Sanogo"]),
    ("OUATTARA", ["Wattara", "Watara"]),
    ("SAMAKE", ["Samaké", "Samake"]),
    ("BAGAYOKO", ["Bagayogo", "Bagayoco"]),
    ("KONARE", ["Konaré", "Konare"]),
    ("MARIKO", ["Mariko"]),
    ("TOGOLA", ["Togola"]),
    ("BENGALY", ["Bengali"]),
    ("SACKO", ["Sako", "Sakho", "Sakoh"]),
    ("TOUNKARA", ["Tunkara"]),
    ("FOFANA", ["Fofana", "Fofanah"]),
    ("DOUCOURE", ["Doucouré", "Doukouré", "Dukure", "Dukureh"]),
    ("SYLLA", ["Silla", "Sila", "Sillah"]),
    ("DRAME", ["Dramé", "Drame", "Drammeh"]),
    ("SOUMARE", ["Soumaré", "Sumare"]),
    ("DIAWARA", ["Diawarra", "Jawara"]),
    ("YATTARA", ["Yatera", "Yatara", "Yatéra"]),
    ("DIABY", ["Diakhaby", "Diabi", "Jabi", "Jabbi"]),
    ("KEBE", ["Kébé"]),
    ("TIMERA", ["Timéra"]),
    ("TANDIA", []),
    ("DIABIRA", []),
    ("DIAGOURAGA", []),
    ("MAGASSOUBA", []),
    ("MAGASSA", []),
    ("SIDIBE", ["Sidibé", "Sidibe"]),
    ("SANGARE", ["Sangaré", "Sangare"]),
    ("DIAKITE", ["Diakité", "Jakité", "Diakhité", "Jakite"]),
    ("BA", ["Bâ", "Bah"]),
    ("BARRY", ["Bari", "Barrie"]),
    ("SOW", ["So", "Soh", "Sowe"]),
    ("DICKO", ["Dico", "Diko", "Jiko"]),
    ("MAIGA", ["Maïga", "Mayga"]),
    ("HAIDARA", ["Haïdara", "Aïdara", "Aidara", "Haydara"]),
    ("TANDINA", []),
    ("DOLO", []),
    ("GUINDO", []),
    ("TOGO", []),
    ("TAPILY", []),
    ("KASSOGUE", []),
    ("TEMBELY", ["Tembély"]),
    ("ONGOIBA", ["Ongoïba"]),
    ("SAYE", []),
    ("KARAMBE", []),
    ("DOUYON", []),
    ("POUDIOUGO", []),
    ("KODIO", []),
    ("SANGARA", []),
    ("KONTAO", []),
    ("NIENTAO", []),
    ("TIENTA", ["Tiénta"]),
    ("KARABENTA", []),
    ("DJENEPO", []),
    ("DAKOUO", ["Dakuo"]),
    ("THERA", ["Téra"]),
    ("KAMATE", []),
    ("KOUNTA", []),
]

# Reference §2 given-name table: row number, spellings, short/usage forms.
GIVEN_ROWS: list[tuple[int, list[str], list[str]]] = [
    (
        1,
        [
            *("Mohamed", "Mohammed", "Mahamadou", "Mamadou"),
            *("Mohamadou", "Mouhamadou", "Mahamed", "Mamady"),
        ],
        ["Madou", "Mady", "Mah"],
    ),
    (
        2,
        ["Ahmed", "Amadou", "Ahmadou", "Hamadou", "Hamadoun", "Ahmedou", "Hamedy"],
        ["Hama", "Amadi"],
    ),
    (3, ["Mahmoud", "Mahamoudou", "Mamoudou", "Mamoutou"], []),
    (
        4,
        [
            *("Boubacar", "Aboubacar", "Aboubakar", "Abou Bakr", "Boubakar", "Bocar"),
            *("Bakary", "Bakari", "Bacary"),  # listed as short; caution §2: same weight
        ],
        ["Bouba"],
    ),
    (5, ["Ousmane", "Housmane", "Osmane", "Oussou"], ["Bouna", "Ozo"]),
    (6, ["Oumar", "Omar", "Oumarou", "Amar"], []),
    (7, ["Ali", "Aly", "Alou", "Aliou", "Alioune"], []),
    (8, ["Ibrahima", "Brahima", "Bréhima", "Ibrahime", "Bourama"], ["Ibra"]),
    (9, ["Ismaël", "Ismaïla", "Smaïla"], ["Maïla"]),
    (10, ["Issiaka", "Isiaka"], ["Siaka"]),
    (11, ["Yacouba", "Yakouba", "Yacoub"], []),
    (12, ["Yaya", "Yahaya", "Yahia"], []),
    (13, ["Moussa", "Mousa"], []),
    (14, ["Isa", "Issa"], []),
    (15, ["Souleymane", "Souleyman", "Soulémane"], ["Solo"]),
    (16, ["Daouda", "Dauda", "Daoud", "Dawuda"], []),
    (17, ["Nouhoum", "Nouhou", "Nouh"], []),
    (18, ["Idrissa", "Drissa", "Idriss", "Driss"], []),
    (19, ["Lassana", "Lassina", "Alhassane", "Hassane", "Hassan"], []),
    (20, ["Fousseyni", "Fousseni", "Fousséyni", "Alhousseini", "Housseyni", "Hussein"], []),
    (21, ["Seydou", "Seïdou", "Sidi", "Sidy"], []),
    (22, ["Cheick", "Cheikh", "Cheickna", "Cheikhna", "Sékou", "Sekou", "Seko"], []),
    (23, ["Abdoulaye", "Abdallah", "Abdoulahi"], ["Ablaye", "Boulaye", "Laye"]),
    (24, ["Abdourahamane", "Abdramane", "Abdrahamane"], ["Dramane", "Rahmane"]),
    (25, ["Abdoul Kader", "Abdoulkader", "Al Boukadar"], ["Kader"]),
    (26, ["Abdoul Aziz", "Abd El Aziz"], ["Aziz"]),
    (27, ["Abdoul Karim", "Abdoulkarim"], ["Karim"]),
    (28, ["Abdoussalam", "Abdousalam"], ["Salam"]),
    (29, ["Moustapha", "Moustafa"], []),
    (30, ["Moctar", "Mocktar", "Mokhtar", "El Moctar"], []),
    (31, ["Lamine", "Alamine", "Elemine"], []),
    (32, ["Tahirou", "Taher", "Attaher"], []),
    (33, ["Salif", "Saliou", "Salah"], []),
    (34, ["Kalilou", "Khalilou"], []),
    (35, ["Adam", "Adama"], []),
    (36, ["Harouna", "Arouna", "Aroun"], []),
    (37, ["Youssouf", "Youssoufa", "Yousouf"], []),
    (38, ["Zakaria", "Zakariya"], []),
    (39, ["Siddiq", "Sidiki"], []),
    (40, ["Hamza", "Amza"], []),
    (41, ["Bilal", "Bilaly"], []),
    (42, ["Karamoko", "Karamogo"], []),
    (43, ["Modibo", "Modibbo"], []),
    (44, ["N'Golo", "Ngolo", "N'golo"], []),
    (45, ["N'Tji", "Ntji", "Nci", "Tchi"], []),
    (46, ["Fatoumata", "Fatimata", "Fatouma", "Fatimatou"], ["Fanta", "Fatou", "Fati", "Toumata"]),
    (47, ["Kadiatou", "Kadidia", "Kadidiatou", "Khadidja"], ["Kadi", "Kadia", "Diatou"]),
    (48, ["Aïssata", "Aïcha", "Aïssatou", "Assétou", "Aïchétou"], ["Sata", "Assitan"]),
    (49, ["Oumou Kalsoum", "Oumou Kalthoum", "Oum Khalthoum"], ["Oumou", "Kalsoum"]),
    (50, ["Aminata", "Aminatou"], ["Mina", "Minata"]),
    (51, ["Mariam", "Mariama", "Maryam"], []),
    (52, ["Hawa", "Awa", "Khawa", "Hawwa"], []),
    (53, ["Salimata", "Salamata"], ["Sali"]),
    (54, ["Rokia", "Rokiatou", "Rougiatou"], []),
    (55, ["Zeinab", "Zénabou", "Djénéba"], ["Néné"]),
    (56, ["Safiatou", "Safiata"], ["Safi"]),
    (57, ["Hafsatou", "Afsatou"], []),
    (58, ["Ramatoulaye", "Ramata", "Ramatou", "Aramatha"], []),
    (59, ["Binta", "Bintou", "Bintu"], []),
    (60, ["Maïmouna", "Maimouna"], []),
    (61, ["Nafissatou"], ["Nafi"]),
    (64, ["Sira"], []),
    (64, ["Saran"], []),
    (64, ["Penda"], []),
    (64, ["Nana"], []),
    (64, ["Ogomono"], []),
]
GIVEN_TITLES = ["Hadja", "Adja", "Hadjia", "El Hadj", "Lalla"]  # rows #62 and #63


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


DATA_FILES = ["clan_names.csv", "given_names.csv", "name_equivalences.csv", "titles_particles.csv"]
SOURCE_TAG = re.compile(r"^(S\d+[a-z]?|J)$")


# --- family names --------------------------------------------------------------


@pytest.mark.parametrize(("admin", "spellings"), FAMILY_ROWS, ids=[r[0] for r in FAMILY_ROWS])
def test_every_spelling_of_a_family_row_resolves_to_its_group(
    admin: str, spellings: list[str]
) -> None:
    group = clan_group(admin)
    assert group is not None
    assert {s: clan_group(s) for s in spellings} == dict.fromkeys(spellings, group)


@pytest.mark.parametrize(
    ("unseen", "group"),
    [("KOULIBALI", "coulibaly"), ("Djara", "diarra"), ("Sacco", "sacko"), ("Jaloh", "diallo")],
)
def test_an_unlisted_spelling_resolves_through_its_key(unseen: str, group: str) -> None:
    assert clan_group(unseen) == group


@pytest.mark.parametrize("name", ["Ouologuem", "Smith", "", "Ag Ghaly"])
def test_an_unknown_family_name_has_no_group(name: str) -> None:
    assert clan_group(name) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [("Sangaré", "Sangara"), ("Diarra", "Diallo"), ("Koné", "Konaté"), ("Magassouba", "Magassa")],
)
def test_names_the_reference_keeps_apart_are_separate_groups(a: str, b: str) -> None:
    assert clan_group(a) != clan_group(b)
    assert family_name_relation(a, b) == "unrelated"


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("TRAORE", "traoré", "same_spelling"),
        ("Traoré", "Tarawele", "same_group"),
        ("Camara", "Kamara", "same_group"),
        ("Sissoko", "Suso", "same_group"),
        ("Ouologuem", "Wologuem", "same_group"),  # unlisted, equal keys
        ("Diarra", "Koné", "weak_equivalent"),
        ("Djarra", "Kone", "weak_equivalent"),
        ("Diarra", "Condé", "weak_equivalent"),
        ("Traoré", "Sanogo", "weak_equivalent"),
        ("Diarra", "Traoré", "joking_cousin"),
        ("Keita", "Sidibé", "unrelated"),
        ("", "Traoré", "unrelated"),
    ],
)
def test_family_name_relation(a: str, b: str, relation: str) -> None:
    assert family_name_relation(a, b) == relation


def test_diarra_kone_is_a_moderate_sourced_synonym() -> None:
    found = family_equivalence("Koné", "Diarra")
    assert found is not None
    assert (found.relation, found.strength, found.source) == ("synonym", "moderate", "S1;S2")


JOKING_PAIRS = [
    (r["name_a"], r["name_b"])
    for r in _csv("name_equivalences.csv")
    if r["relation"] == "joking_cousin"
]


@pytest.mark.parametrize(("a", "b"), JOKING_PAIRS)
def test_joking_cousins_are_never_equivalent(a: str, b: str) -> None:
    assert clan_group(a) != clan_group(b)
    assert family_name_relation(a, b) == "joking_cousin"
    assert family_name_relation(b, a) == "joking_cousin"


def test_diarra_traore_joking_pair_is_sourced_to_s1() -> None:
    assert ("Diarra", "Traoré") in JOKING_PAIRS
    found = family_equivalence("Diarra", "Traoré")
    assert found is not None and found.source == "S1"


@pytest.mark.parametrize(
    ("name", "groups"),
    [
        ("Traoré", ("bambara_malinke", "senufo_minianka", "soninke")),
        ("Jalloh", ("fulani",)),
        ("Guindo", ("dogon",)),
        ("Ouologuem", ()),
    ],
)
def test_ethnic_groups_of(name: str, groups: tuple[str, ...]) -> None:
    assert ethnic_groups_of(name) == groups


def test_ethnic_groups_are_the_same_on_every_row_of_a_group() -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for row in _csv("clan_names.csv"):
        seen[row["group_id"]].add(row["ethnic_groups"])
    assert {g: v for g, v in seen.items() if len(v) != 1} == {}


# --- given names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "spellings", "shorts"),
    GIVEN_ROWS,
    ids=[f"#{r[0]}-{r[1][0]}" for r in GIVEN_ROWS],
)
def test_every_name_of_a_given_row_resolves_to_one_group(
    number: int, spellings: list[str], shorts: list[str]
) -> None:
    found = {name: given_group(name) for name in spellings + shorts}
    assert None not in found.values(), found
    assert len({group for group, _ in found.values() if group}) == 1
    assert {n for n, (_, kind) in found.items() if kind == "short"} == set(shorts)


@pytest.mark.parametrize("title", GIVEN_TITLES)
def test_titles_are_not_given_names(title: str) -> None:
    assert given_group(title) is None
    assert titles_particles()[title.lower()].kind in ("title", "title_or_name")


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("Fatoumata", "FATOUMATA", "same_spelling"),
        ("Fatoumata", "Fatimata", "same_group"),
        ("Boubacar", "Bakary", "same_group"),  # caution §2: high weight
        ("Ibrahima", "Bourama", "same_group"),  # caution §2: high weight
        ("Abdoul Kader", "Abdoulkader", "same_spelling"),  # spaces ignored
        ("Abdoul Kader", "Al Boukadar", "same_group"),
        ("Fatoumata", "Fanta", "short_form"),
        ("Fanta", "Fatou", "short_form"),
        ("Abdoulaye", "Boulaye", "short_form"),
        ("Ousmane", "Bouna", "short_form"),
        ("Moussa", "Bala", "unrelated"),  # S22: a namesake's nickname, not a rule
        ("Mamadou", "Moussa", "unrelated"),
        ("Fatoumata", "", "unrelated"),
    ],
)
def test_given_name_relation(a: str, b: str, relation: str) -> None:
    assert given_name_relation(a, b) == relation


@pytest.mark.parametrize(
    ("name", "sex"), [("Hawa", "F"), ("Modibo", "M"), ("Fanta", "F"), ("Ogomono", None)]
)
def test_given_sex(name: str, sex: str | None) -> None:
    assert given_sex(name) == sex


# --- the data files ------------------------------------------------------------


@pytest.mark.parametrize("filename", DATA_FILES)
def test_every_data_row_has_valid_source_tags(filename: str) -> None:
    bad = [
        row
        for row in _csv(filename)
        if not row["source"] or not all(SOURCE_TAG.match(t) for t in row["source"].split(";"))
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("filename", "allowed"),
    [
        ("clan_names.csv", {"canonical", "variant", "national", "anglo", "old"}),
        ("given_names.csv", {"spelling", "short", "title"}),
        ("titles_particles.csv", {"title", "title_or_name", "honorific", "particle"}),
    ],
)
def test_every_kind_is_in_the_documented_vocabulary(filename: str, allowed: set[str]) -> None:
    assert {row["kind"] for row in _csv(filename)} <= allowed


def test_equivalence_vocabulary() -> None:
    rows = _csv("name_equivalences.csv")
    assert {r["relation"] for r in rows} <= {"synonym", "correspondence", "joking_cousin"}
    assert {r["strength"] for r in rows} <= {"strong", "moderate", "weak", "very_weak", "never"}
    assert all((r["strength"] == "never") == (r["relation"] == "joking_cousin") for r in rows)


@pytest.mark.parametrize("filename", ["clan_names.csv", "given_names.csv"])
def test_no_key_belongs_to_two_groups(filename: str) -> None:
    groups: dict[str, set[str]] = defaultdict(set)
    for row in _csv(filename):
        if row["kind"] != "title":
            groups[lookup_key(row["name"])].add(row["group_id"])
    assert {k: g for k, g in groups.items() if len(g) > 1} == {}


def test_family_and_given_tables_share_no_key() -> None:
    family = {lookup_key(r["name"]) for r in _csv("clan_names.csv")}
    given = {lookup_key(r["name"]) for r in _csv("given_names.csv")}
    assert family & given == set()


def test_every_clan_group_has_one_canonical_row() -> None:
    canonical: dict[str, int] = defaultdict(int)
    for row in _csv("clan_names.csv"):
        canonical[row["group_id"]] += row["kind"] == "canonical"
    assert set(canonical.values()) == {1}


@pytest.mark.parametrize(
    ("token", "canonical"),
    [
        ("ag", "ag"),
        ("agg", "ag"),
        ("walet", "walet"),
        ("wallet", "walet"),
        ("welet", "walet"),
        ("oult", "walet"),
        ("ould", "ould"),
        ("ben", "ould"),
        ("ibn", "ould"),
        ("wuld", "ould"),
        ("mint", "mint"),
        ("bint", "mint"),
        ("ment", "mint"),
    ],
)
def test_particles_normalise(token: str, canonical: str) -> None:
    entry = titles_particles()[token]
    assert (entry.kind, entry.canonical) == ("particle", canonical)
