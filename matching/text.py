"""Text folding and an orthographic key for Malian names.

``fold`` turns any written form into lowercase ASCII words: it strips
diacritics (Keïta → keita), maps the Bambara letters ɛ→e, ɔ→o, ɲ→ny, ŋ→ng
and ç→s, joins a one-letter prefix to its word across an apostrophe
(N'Golo, N’ Golo → ngolo), and turns hyphens, dots and other punctuation
into spaces.

``name_key`` maps ONE folded name token to a key that is equal for the usual
spelling variants, following the rules table of the reference
(shared/reference/malian-naming.md §4). It is a blocking and "same spelling
modulo orthography" key, not a phonetic hash: it keeps vowels, so names the
reference calls different stay apart (Diarra ≠ Diallo, Sangaré ≠ Sangara,
Koné ≠ Konaté). Listed variants that the key does not join (Couloubaly,
Tarawele, Suso …) are joined by the variant tables (``matching.variants``).

Rules, applied in this order:

1. final -ow/-owe/-owh → o (English spelling of /o/: Jallow, Sow, Sowe).
2. Digraphs, rewritten in this order over the whole token:
   tch, tj, ti+V, ty+V → c (the Bambara letter c); ch → sh; ck, cc, cq → k;
   c before e/i/y → s; other c → k; qu, q → k; kh → k; gh → g; ph → f;
   th → t; gu before e/i/y → g; dj, di+V, dy+V → j; gn, ni+V, ny+V → ny
   (the letter ɲ); mb → nb, mp → np (national orthography writes n);
   ou → u; w → u; y → i.
3. Doubled letters (consonants and vowels) → single (Diarra → jara,
   Keyita → keiita → keita).
4. Initial h dropped (Haïdara/Aïdara, Hawa/Awa); final h after a, e or o
   dropped (Jalloh, Bah, Konateh); final e dropped (Traoré/Traore/Traorè).

Decision on Bambara c: French orthography dominates Malian administrative
records, so a written ``c`` follows French rules (Cissé = Sise, Camara =
Kamara). Only the French spellings of the Bambara c sound (tch, tj, ti+V,
ty+V: Tiécoura, N'Tji, Tchi) map to the key letter ``c``; a name already
written in national orthography (Cɛkura, Nci) is therefore keyed as French
and reaches its group through the variant table, not through the key.

Examples (each row is also a test case in tests/matching/test_text.py):

    ====================================================  ==========
    spellings                                             key
    ====================================================  ==========
    Coulibaly, Koulibaly, Kulibali, Kulibaly              kulibali
    Diarra, Djarra, Jara, Diara, Dyarra, Jarra            jara
    Keita, Keïta, Kéita, Keyita, Keyta                    keita
    Traoré, Traore, Traorè, TRAORE                        traor
    Cissé, Sissé, Sise, Sisse                             sis
    Sylla, Silla, Sillah                                  sila
    Sacko, Sako, Sakho, Sakoh                             sako
    Camara, Kamara                                        kamara
    Doucouré, Dukure, Doukouré, Dukureh                   dukur
    Diallo, Dialo, Jalo, Jallo, Jalloh, Jallow            jalo
    Djénéba, Jeneba                                       jeneba
    Maïga, Mayga, Maiga                                   maiga
    Haïdara, Aïdara, Haydara, Aidara                      aidara
    Bakary, Bakari, Bacary                                bakari
    Hawa, Awa                                             aua
    Khadidja, Kadidia                                     kadija
    Touré, Ture, Turé                                     tur
    Ouattara, Wattara, Watara                             uatara
    Doumbia, Dumbia, Doumbiya, Dunbiya                    dunbia
    Sow, So, Soh, Sowe                                    so
    Ba, Bâ, Bah                                           ba
    Barry, Bari, Barrie                                   bari
    Sissoko, Cissoko, Sissokho, Cissokho, Sisoko          sisoko
    Kouyaté, Kuyaté, Kuyate, Kuyateh                      kuiat
    Konaté, Conaté, Konateh                               konat
    Koné, Konè, Kone, Koneh                               kon
    Sangaré, Sangare                                      sangar
    Sangara                                               sangara
    Niaré, Gnaré, Nyaré, Ɲare                             nyar
    N'Golo, Ngolo, N’ Golo                                ngolo
    Ntji, N'Tji, N'tji                                    nci
    Tchi, Tji                                             ci
    Tiécoura, Tyécoura, Tchécoura                         cekura
    Cheick, Cheikh                                        sheik
    Moctar, Mocktar, Mokhtar                              moktar
    Moustapha, Moustafa                                   mustafa
    Thera, Téra                                           tera
    Guindo, Gindo                                         gindo
    Sanogo, Sanogho                                       sanogo
    Seydou, Seïdou                                        seidu
    Ousmane, Housmane                                     usman
    Daouda, Dauda, Dawuda                                 dauda
    ====================================================  ==========
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "name_key", "tokens"]

_CACHE_SIZE = 1 << 18

LETTERS: dict[str, str] = {
    "ɛ": "e",
    "Ɛ": "e",
    "ɔ": "o",
    "Ɔ": "o",
    "ɲ": "ny",
    "Ɲ": "ny",
    "ŋ": "ng",
    "Ŋ": "ng",
    "œ": "oe",
    "Œ": "oe",
    "æ": "ae",
    "Æ": "ae",
    "ß": "ss",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ł": "l",
    "Ł": "l",
    "ı": "i",
    "ħ": "h",
    "Ħ": "h",
}
"""Letters that NFKD does not decompose (the gazetteer folds with them too)."""

# Names also read ç as s (Cissé = Sissé = Sise) and map every apostrophe look-alike to "'"
# so one regex handles them before NFKD (NFKD turns ´ into a space plus a combining accent).
_TRANSLATE = str.maketrans(
    {
        **LETTERS,
        "ç": "s",
        "Ç": "s",
        "’": "'",
        "‘": "'",
        "‛": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
        "ʻ": "'",
        "ʹ": "'",
        "′": "'",
    }
)
# A lone letter before an apostrophe is a prefix of the next word (N'Golo,
# N' Diaye, D'Alpha): join them, even across spaces.
_PREFIX_APOSTROPHE_RE = re.compile(r"(?<![^\W\d_])([^\W\d_])'\s*")
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SEPARATOR_RE = re.compile(r"[\W_]+")


@lru_cache(maxsize=_CACHE_SIZE)
def fold(s: str) -> str:
    """Lowercase ASCII words separated by single spaces (see module docstring).

    Letters of other scripts (Arabic, Tifinagh) are kept, lowercased, so they
    still compare equal to themselves.
    """
    if not s:
        return ""
    s = s.translate(_TRANSLATE).lower()
    if "'" in s:
        s = _PREFIX_APOSTROPHE_RE.sub(r"\1", s).replace("'", "")
    if not s.isascii():
        s = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", s))
    return " ".join(_SEPARATOR_RE.sub(" ", s).split())


def tokens(s: str) -> list[str]:
    """The folded words of ``s``, in order."""
    return fold(s).split()


# Step 2 (module docstring), in order: tch before ch before c, and so on.
# Upper-case C and N are placeholders for the Bambara letters c and ɲ so
# later rules cannot touch them; they become "c" and "ny" at the end.
_V = "(?=[aeiouy])"
_TI_RE = re.compile(f"t[iy]{_V}")
_SOFT_C_RE = re.compile("c(?=[eiy])")
_SOFT_GU_RE = re.compile("gu(?=[eiy])")
_DI_RE = re.compile(f"d[iy]{_V}")
_NI_RE = re.compile(f"n[iy]{_V}")
_FINAL_OW_RE = re.compile(r"ow[eh]?$")


def _apply_rules(s: str) -> str:
    if "t" in s:
        s = _TI_RE.sub("C", s.replace("tch", "C").replace("tj", "C"))
    if "c" in s:
        s = s.replace("ch", "sh").replace("ck", "k").replace("cc", "k").replace("cq", "k")
        s = _SOFT_C_RE.sub("s", s).replace("c", "k")
    if "q" in s:
        s = s.replace("qu", "k").replace("q", "k")
    if "h" in s:
        s = s.replace("kh", "k").replace("gh", "g").replace("ph", "f").replace("th", "t")
    if "gu" in s:
        s = _SOFT_GU_RE.sub("g", s)
    if "d" in s:
        s = _DI_RE.sub("j", s.replace("dj", "j"))
    if "n" in s:
        s = _NI_RE.sub("N", s.replace("gn", "N"))
    if "m" in s:
        s = s.replace("mb", "nb").replace("mp", "np")
    return s.replace("ou", "u").replace("w", "u").replace("y", "i")


_DOUBLE_RE = re.compile(r"(.)\1")
_DOUBLES_RE = re.compile(r"(.)\1+")


def _undouble(s: str) -> str:
    if _DOUBLE_RE.search(s) is None:
        return s
    return _DOUBLES_RE.sub(lambda match: match.group(1), s)


@lru_cache(maxsize=_CACHE_SIZE)
def name_key(token: str) -> str:
    """Orthographic key of one name token (rules in the module docstring).

    The token is folded first if it is not already; a string of several
    words gets the keys of its words joined by one space.
    """
    folded = fold(token)
    if " " in folded:
        return " ".join(name_key(part) for part in folded.split(" "))
    s = _FINAL_OW_RE.sub("o", folded) if folded.endswith(("ow", "owe", "owh")) else folded
    s = _undouble(_apply_rules(s))
    if len(s) > 1 and s[0] == "h":
        s = s[1:]
    if len(s) > 2 and s[-1] == "h" and s[-2] in "aeo":
        s = s[:-1]
    if len(s) > 2 and s[-1] == "e":
        s = s[:-1]
    return s.replace("C", "c").replace("N", "ny")
