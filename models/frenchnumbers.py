"""French number words, as Malian civil-status acts write dates in letters.

`parse_french_number("mil neuf cent quatre-vingt-dix")` is 1990. Only the
words needed for days (1-31) and years (1900-2099) are understood; anything
else returns None so that the caller reports the value as unreadable.
"""

from __future__ import annotations

import re
import unicodedata

_UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "premier": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
_TENS = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
}
_SPLIT = re.compile(r"[\s\-]+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_french_number(text: str) -> int | None:
    """Read a French cardinal below 10,000 written in words, or None."""
    words = [w for w in _SPLIT.split(_strip_accents(text).lower().strip()) if w and w != "et"]
    if not words:
        return None
    total = 0
    hundreds = 0
    small = 0
    for word in words:
        if word in _UNITS:
            small += _UNITS[word]
        elif word in _TENS:
            small = 80 if word.startswith("vingt") and small == 4 else small + _TENS[word]
        elif word in ("cent", "cents"):
            hundreds = (small or 1) * 100
            small = 0
        elif word in ("mil", "mille"):
            total += (hundreds + small or 1) * 1000
            hundreds = small = 0
        else:
            return None
    return total + hundreds + small
