"""Places as written, folded and read: the text side of the gazetteer.

:func:`fold_text` folds for comparison keeping words, :func:`fold_place_key` gives the
orthographic key every index of :mod:`matching.gazetteer` is built on (and that the
derived files store), :func:`fold_written` and :func:`parse_place_text` read a place as
written ("Cercle d'Ansongo", "Commune IV du District de Bamako") into a level and a name.
They are functions of a string alone and never load the gazetteer: the build script
(``matching/data/build_gazetteer.py``) and blocking use them on their own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from matching.text import LETTERS

# --------------------------------------------------------------------------------------
# Folding. ``fold_text`` shares its letter table with ``matching.text.fold`` but keeps
# place-specific steps (Roman numerals, letters split from digits, ç left to NFKD), and
# ``fold_place_key`` still repeats part of ``matching.text.name_key``'s rules: unifying them
# changes the keys stored in the derived files (rerun the build; the drift test says so).
# --------------------------------------------------------------------------------------

_SPECIAL = str.maketrans(LETTERS)
# ASCII punctuation → space, apostrophes removed, letters and digits kept (a bytes table:
# bytes.translate is several times faster than str.translate with a dict).
_ASCII_FOLD = bytes(c if chr(c).isalnum() else 32 for c in range(256))
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'"})
_DIGIT = re.compile(r"[0-9]")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
_ROMAN_AFTER_COMMUNE = {"i": "1", "v": "5", "x": "10", **_ROMAN}


def fold_text(s: str | None) -> str:
    """Fold for comparison, keeping words: ``"Ségou-Koura"`` → ``"segou koura"``.

    NFKD, diacritics stripped, lowercase, ɛ→e, ɔ→o, ɲ→ny, ŋ→ng; apostrophes removed
    (``N'Golo`` → ``ngolo``); hyphens and any other punctuation become spaces; letters
    and digits are split (``Badialan1`` → ``badialan 1``); Roman numerals become digits
    (``Commune IV`` → ``commune 4``, ``Sema II`` → ``sema 2``, and a final ``I`` or ``V``:
    ``Sebekoro I`` → ``sebekoro 1``). Letters outside the Latin
    script are dropped.
    """
    if not s:
        return ""
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s.translate(_SPECIAL).translate(_APOSTROPHES))
        s = s.encode("ascii", "ignore").decode("ascii")
    s = s.lower().encode("ascii").translate(_ASCII_FOLD, b"'`").decode("ascii")
    if _DIGIT.search(s):
        s = _LETTER_DIGIT.sub(" ", s)
    tokens = s.split()
    if not _ROMAN_AFTER_COMMUNE.keys() & set(tokens):
        return " ".join(tokens)
    out = []
    last = len(tokens) - 1
    for i, tok in enumerate(tokens):
        after_commune = i > 0 and (tokens[i - 1] in ("commune", "secteur", "c") or i == last)
        table = _ROMAN_AFTER_COMMUNE if after_commune else _ROMAN
        out.append(table.get(tok, tok))
    return " ".join(out)


# Orthographic collapse (reference §4; "J" rules are judgement calls), applied in one
# left-to-right pass: the first alternative that matches at a position wins.
_KEY_RULES: dict[str, str] = {
    "tch": "c",  # Bambara c = tch (J)
    "ch": "sh",  # French ch
    "kh": "k",  # Sakho/Sako
    "ph": "f",
    "dj": "j",  # Djenné/Jenne
    "di": "j",  # before a vowel: Diarra/Jara, Dienné/Jenne
    "dy": "j",  # before a vowel: Dyalakoro/Dialakoro
    "gn": "ni",  # gn/ny/ɲ (and y → i)
    "gu": "g",  # before e, i, y: Guémou/Gemou (French hard g)
    "qu": "k",
    "q": "k",
    "ce": "se",  # French soft c: Cissé/Sissé
    "ci": "si",
    "cy": "si",
    "c": "k",  # Coulibaly/Kulibali
    "ou": "u",  # Bougouni/Buguni
    "w": "u",  # Ouolofobougou/Wolofobugu (J)
    "y": "i",  # Sylla/Silla, Keyita/Keïta
    "nb": "mb",  # Kassonbougou/Kassombougou (GeoNames habit, J)
    "np": "mp",
}
_KEY_PATTERN = re.compile(
    r"tch|ch|kh|ph|dj|d[iy](?=[aeou])|gn|gu(?=[eiy])|qu|q|c[eiy]|c|ou|w|y|n[bp]"
)


def _key_sub(match: re.Match[str]) -> str:
    return _KEY_RULES[match.group()]


@lru_cache(maxsize=1 << 17)
def fold_place_key(s: str | None) -> str:
    """The orthographic key of a place name: ``"Djenné"``, ``"Dienné"``, ``"Jenne"`` → ``"jen"``.

    :func:`fold_text`, spaces removed (``Dar Salam`` = ``Darsalam``), then ou→u, dj/di+V→j,
    c/qu→k (c before e/i → s), kh→k, gn→ni, y→i, n before b/p → m, double letters →
    single, final e dropped. Used for every index of the gazetteer.
    """
    s = _KEY_PATTERN.sub(_key_sub, fold_text(s).replace(" ", ""))
    out = []  # double letters → single (a plain loop beats a back-referencing regex)
    prev = ""
    for ch in s:
        if ch != prev:
            out.append(ch)
            prev = ch
    s = "".join(out)
    if len(s) > 3 and s.endswith("e"):
        s = s[:-1]
    return s


_fold_place = fold_place_key  # the brief's name; kept as an alias


# --------------------------------------------------------------------------------------
# Places as written: "région de Bougouni", "Cercle d'Ansongo", "Commune rurale de Siby",
# "Commune IV du District de Bamako", "village de Sirakoro", "Timbuktu Region".
# --------------------------------------------------------------------------------------

_ELISION = re.compile(r"\b([dlDL])['’‘ʼ]\s*(?=[aeiouyhAEIOUYHÀ-ÿ])")
_OF = r"(?: de la| de l| de| du| d| des)?"
_PREFIXES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(pattern))
    for level, pattern in (
        (
            "region",
            rf"^(?:la |le )?(?:nouvelle |ancienne )?(?:region|reg)(?: administrative)?{_OF} ",
        ),
        ("region", r"^(?:le )?district(?: de| du)? (?=bamako$)"),
        ("cercle", rf"^(?:le )?cercle{_OF} "),
        ("commune", rf"^(?:la )?commune(?: rurale| urbaine)?{_OF} (?![0-9]+$)"),
        ("commune", rf"^(?:cr|cu|arrondissement){_OF} "),
        (
            "village",
            rf"^(?:le |la )?(?:village|hameau|fraction|quartier|qrt|ville|localite|site){_OF} ",
        ),
    )
)
_SUFFIXES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("region", re.compile(r"(?<=\S) region$")),
    ("cercle", re.compile(r"(?<=\S) cercle$")),
    ("commune", re.compile(r"(?<=\S) commune$")),
)
_BAMAKO_COMMUNE = (
    re.compile(r"^(?:district de )?bamako (commune [0-9]+)$"),
    re.compile(r"^(commune [0-9]+)(?: du| de)?(?: district)?(?: de)? bamako$"),
)
_COUNTRY = re.compile(r",\s*(?:r[ée]publique du )?mali\s*$", re.IGNORECASE)


def fold_written(text: str | None) -> str:
    """:func:`fold_text` for a place as written: ``"Cercle d'Ansongo, Mali"`` →
    ``"cercle de ansongo"`` (elided d'/l' expanded, a trailing ", Mali" dropped).
    Idempotent, so a folded text can be parsed again."""
    if not text:
        return ""
    return fold_text(_ELISION.sub(r"\1e ", _COUNTRY.sub("", text)))


def parse_place_text(text: str | None, default_level: str) -> tuple[str, str, str]:
    """Read a place as written: ``(level, folded core name, folded full text)``.

    A prefix or suffix names the level and is removed from the core (``"Région de
    Bougouni"`` → ``("region", "bougouni", …)``, ``"Cercle d'Ansongo"`` → ``("cercle",
    "ansongo", …)``, ``"Commune rurale de Siby"`` → ``("commune", "siby", …)``); Bamako's
    numbered communes keep their number (``"Commune IV du District de Bamako"`` →
    ``("commune", "commune 4", …)``). Without a marker the level is ``default_level``
    (the field it came in). The full text is kept for names that start with such a word
    (``"Quartier Mali"``, ``"Kayes Commune"``). A trailing ``", Mali"`` is dropped.
    """
    if not text:
        return default_level, "", ""
    full = fold_written(text)
    for pattern in _BAMAKO_COMMUNE:
        m = pattern.match(full)
        if m:
            return "commune", m.group(1), full
    for patterns in (_PREFIXES, _SUFFIXES):
        for level, pattern in patterns:
            core = pattern.sub("", full, count=1)
            if core != full:
                return level, core, full
    if full.startswith("commune ") and full[8:].isdigit():
        return "commune", full, full
    return default_level, full, full
