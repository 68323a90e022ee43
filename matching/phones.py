"""Phone numbers as matching reads them: one E.164 form for every way a clerk writes one.

`76 12 34 56`, `76123456`, `+223 76 12 34 56` and `00223 76123456` are one Malian
number. Numbers without a country code are read as Malian; other countries' numbers
(a returnee's phone in Niger or in France) keep their own code. Google's libphonenumber
(the `phonenumbers` port) is the authority; the common case, eight digits with or
without Mali's +223, is recognised first without it, since a million records carry
hundreds of thousands of distinct numbers.

A number shared by two records says they belong to one household more than one
person: a family gives one phone for all its members, a tracing request gives the
requester's. Matching therefore counts an agreeing phone only where the given names
agree and the births are not years apart (`matching.scoring`), and weighs it by how
many records carry that number.
The number itself never appears in a reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import phonenumbers

REGION = "ML"
_SEPARATORS = re.compile(r"[\s().\-/]")
_MALIAN = re.compile(r"(?:\+223|00223)?([2-9][0-9]{7})")


def normalise_phone(written: str | None) -> str | None:
    """The number in E.164 (`+22376123456`), or None when it is no valid number (a
    placeholder such as `00000000` or `77777777` is none)."""
    if not written:
        return None
    text = str(written).strip()
    if text.endswith(".0"):  # a number a spreadsheet kept as a decimal: 76123456.0
        text = text[:-2]
    compact = _SEPARATORS.sub("", text)
    local = _MALIAN.fullmatch(compact)
    if local:
        digits = local.group(1)
        return None if len(set(digits)) == 1 else "+223" + digits  # "77777777": a filler
    try:
        number = phonenumbers.parse(compact, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_codes(codes: np.ndarray, written: Sequence[str | None]) -> np.ndarray:
    """Each row's code of its normalised number (-1: none); `codes` index `written`."""
    index: dict[str, int] = {}
    of_value = np.fromiter(
        (
            -1
            if (number := normalise_phone(value)) is None
            else index.setdefault(number, len(index))
            for value in written
        ),
        dtype=np.int32,
        count=len(written),
    )
    if not len(codes):
        return np.zeros(0, dtype=np.int32)
    return of_value[codes].astype(np.int32)


def same_number_u(phone: np.ndarray) -> float:
    """The chance that two records with a phone, drawn at random, carry the same number."""
    known = phone[phone >= 0]
    if len(known) < 2:
        return 0.0
    counts = np.bincount(known).astype(float)
    return float((counts * (counts - 1)).sum() / (len(known) * (len(known) - 1)))
