"""The words field files write for our coded values: French as forms and spreadsheets
say it, folded (lower case, no accents, spaces and hyphens as `_`, a final dot dropped).

A reading table, not the display words (`i18n/labels.py` says them back in the reader's
language): `mère` and `mere`, `demandeuse` and `requérant` are all read.
"""

from __future__ import annotations

import re
from functools import cache

from i18n import Word

UNACCENTED = str.maketrans("éèêëàâäîïôöûüç’", "eeeeaaaiioouuc'") | str.maketrans(
    {"œ": "oe", "æ": "ae"}
)
"""French letters without their accents, ligatures apart, the typographic apostrophe as
typed: what every reading of a cell folds with."""


def fold(value: str) -> str:
    """`Mère`, `mere`, `Membre du ménage`, `F.` → `mere`, `mere`, `membre_du_menage`, `f`."""
    text = value.strip().lower().translate(UNACCENTED).rstrip(".")
    return re.sub(r"[\s\-']+", "_", text)


NOT_KNOWN = frozenset(
    {
        "nsp",
        "ne_sait_pas",
        "inconnu",
        "inconnue",
        "non_connu",
        "non_connue",
        "non_precise",
        "non_precisee",
        "non_renseigne",
        "non_renseignee",
        "na",
        "n/a",
        "nd",
        "n/d",
        "?",
        "n.a",
        "n.d",
        "inconnu(e)",
        "unknown",
        "dont_know",
    }
)
"""What a form answers for "not known" in a coded column: no value, no error. (Not `X`
or `-`, which the date columns also take as unknown: in a sex column they are as likely
a slip as an answer.)"""

SEX = {
    "f": "F",
    "m": "M",
    "fem": "F",
    "feminin": "F",
    "feminine": "F",
    "femme": "F",
    "fille": "F",
    "female": "F",
    "masc": "M",
    "masculin": "M",
    "masculine": "M",
    "homme": "M",
    "garcon": "M",
    "male": "M",
    "h": "M",
    "g": "M",
}
CONSENT = {
    "yes": "yes",
    "oui": "yes",
    "y": "yes",
    "o": "yes",
    "no": "no",
    "non": "no",
    "n": "no",
}
ROLE = {
    "victime": "victim",
    "victimes": "victim",
    "rapatrie": "returnee",
    "rapatriee": "returnee",
    "retourne": "returnee",
    "retournee": "returnee",
    "migrant_de_retour": "returnee",
    "beneficiaire": "beneficiary",
    "membre_du_menage": "household_member",
    "membre_de_menage": "household_member",
    "membre_de_la_famille": "household_member",
    "demandeur": "requester",
    "demandeuse": "requester",
    "requerant": "requester",
    "requerante": "requester",
    "recherche": "sought",
    "recherchee": "sought",
    "personne_recherchee": "sought",
    "enfant_recherche": "sought",
    "enfant_recherchee": "sought",
    "enfant_recherche(e)": "sought",
    "recherche(e)": "sought",
    "suspecte": "suspect",
    "suspect(e)": "suspect",
    "auteur_presume": "suspect",
    "auteure_presumee": "suspect",
    "auteur": "suspect",
    "trafiquant": "suspect",
    "trafiquante": "suspect",
    "trafiquant_presume": "suspect",
    "victime_presumee": "victim",
    "victime_presume": "victim",
    "presumee_victime": "victim",
    "victime_potentielle": "victim",
    "enfant_victime": "victim",
    "survivant": "victim",
    "survivante": "victim",
    "mere": "household_member",
    "pere": "household_member",
    "parent": "household_member",
    "frere": "household_member",
    "soeur": "household_member",
    "tuteur": "household_member",
    "tutrice": "household_member",
}
"""Roles as field forms write them; a parent, brother or sister named in a case file is a
member of the household the case holds (their kinship goes in a relations file)."""
CASE_TYPE = {
    "retour": "return",
    "rapatriement": "return",
    "reinsertion": "reintegration",
    "demande_de_recherche": "tracing_request",
    "recherche_familiale": "tracing_request",
    "recherche_de_famille": "tracing_request",
}
RELATION = {
    "mere": "mother",
    "maman": "mother",
    "papa": "father",
    "grand_frere": "sibling",
    "petit_frere": "sibling",
    "grande_soeur": "sibling",
    "petite_soeur": "sibling",
    "oncle": "other",
    "tante": "other",
    "grand_pere": "other",
    "grand_mere": "other",
    "pere": "father",
    "enfant": "child",
    "fils": "child",
    "fille": "child",
    "frere": "sibling",
    "soeur": "sibling",
    "frere_ou_soeur": "sibling",
    "demi_frere": "half_sibling",
    "demi_soeur": "half_sibling",
    "conjoint": "spouse",
    "conjointe": "spouse",
    "epoux": "spouse",
    "epouse": "spouse",
    "mari": "spouse",
    "tuteur": "guardian",
    "tutrice": "guardian",
    "autre": "other",
    **dict.fromkeys(
        (
            "neveu",
            "niece",
            "petit_fils",
            "petite_fille",
            "cousin",
            "cousine",
            "coepouse",
            "co_epouse",
            "beau_pere",
            "belle_mere",
            "beau_frere",
            "belle_soeur",
            "grand_oncle",
            "grand_tante",
            "grand_parent",
            "oncle_paternel",
            "oncle_maternel",
            "tante_paternelle",
            "tante_maternelle",
        ),
        "other",
    ),
}


@cache
def said(codes: frozenset[str]) -> dict[str, str]:
    """The words the service writes for these codes in French and English (`i18n.Word`:
    "personne de retour", "frère ou sœur", "household member"), folded: what it says in
    an error's "expected", it reads."""
    return {fold(Word(code).text(lang)): code for code in codes for lang in ("fr", "en")}
