"""What a file's header cell names: one of our columns, under our name, another system's
(Primero), or as French forms and spreadsheets title it (`Nom`, `Prénom(s)`, `Sexe`,
`Date de naissance`, `Nom du père`); a KoboToolbox / ODK group path (`grp/sub/field`)
by its last part. Any other column keeps its name (lower-cased, a group path whole) and
is extra data.

A file titled in French whose columns were not read would load every person without
sex, birth, village or parents: nothing to match on, and no error to say so.
"""

from __future__ import annotations

import re

from i18n import N_, Message
from models.fieldwords import fold
from models.records import RECORD_COLUMNS

_OURS = frozenset(RECORD_COLUMNS)

ALIASES = {
    "name_first": "given_names",
    "name_last": "family_name",
    "identifiant": "record_id",
    "id_enregistrement": "record_id",
    "numero_dossier": "case_id",
    "n_dossier": "case_id",
    "n°_dossier": "case_id",
    "n°_de_dossier": "case_id",
    "no_dossier": "case_id",
    "id_dossier": "case_id",
    "numero_de_dossier": "case_id",
    "type_dossier": "case_type",
    "type_de_dossier": "case_type",
    "organisation": "source",
    "structure": "source",
    "date_enregistrement": "registered_on",
    "date_d_enregistrement": "registered_on",
    "date_de_l_enregistrement": "registered_on",
    "date_identification": "registered_on",
    "date_d_identification": "registered_on",
    "date_de_l_identification": "registered_on",
    "nom_complet": "full_name",
    "nom_et_prenom": "full_name",
    "nom_et_prenoms": "full_name",
    "nom_et_prenom(s)": "full_name",
    "noms_et_prenoms": "full_name",
    "nom_prenom": "full_name",
    "nom_prenoms": "full_name",
    "prenom_et_nom": "full_name",
    "prenoms_et_nom": "full_name",
    "nom": "family_name",
    "nom_de_famille": "family_name",
    "patronyme": "family_name",
    "prenom": "given_names",
    "prenoms": "given_names",
    "prenom(s)": "given_names",
    "surnom": "aliases",
    "alias": "aliases",
    "sexe": "sex",
    "genre": "sex",
    "date_naissance": "birth_date",
    "date_de_naissance": "birth_date",
    "ne_le": "birth_date",
    "ne(e)_le": "birth_date",
    "nee_le": "birth_date",
    "ddn": "birth_date",
    "village_origine": "origin_village",
    "village_d_origine": "origin_village",
    "village": "origin_village",
    "localite": "origin_village",
    "localite_d_origine": "origin_village",
    "commune": "origin_commune",
    "commune_origine": "origin_commune",
    "commune_d_origine": "origin_commune",
    "cercle": "origin_cercle",
    "cercle_origine": "origin_cercle",
    "cercle_d_origine": "origin_cercle",
    "region": "origin_region",
    "region_origine": "origin_region",
    "region_d_origine": "origin_region",
    "pere": "father_name",
    "nom_pere": "father_name",
    "nom_du_pere": "father_name",
    "mere": "mother_name",
    "nom_mere": "mother_name",
    "nom_de_la_mere": "mother_name",
    "telephone": "phone",
    "tel": "phone",
    "numero_de_telephone": "phone",
    "numero_telephone": "phone",
    "nationalite": "nationality",
    "consentement_retour": "return_consent",
    "consentement_au_retour": "return_consent",
    "lieu_actuel": "current_location",
    "localisation_actuelle": "current_location",
    "lieu_d_hebergement": "current_location",
}
"""Other systems' and French forms' titles of our columns, folded (`models.fieldwords.fold`)."""

OTHER_PERSON_GROUPS = frozenset(
    {
        "mere", "maman", "pere", "papa", "parent", "parents", "tuteur", "tutrice", "conjoint",
        "conjointe", "epoux", "epouse", "mari", "temoin", "contact", "referent", "declarant",
        "informateur", "frere", "soeur", "mother", "father", "guardian", "spouse", "witness",
        "sibling", "informant",
    }
)  # fmt: skip
"""Words of a form group about another person than the record's (`mere/age` is the
mother's age): its questions are not read as the person's own."""


def ours(cell: str) -> str | None:
    """Our column a title names (`Date de naissance` → `birth_date`), or None."""
    name = cell.strip().lower()
    if name in _OURS:
        return name
    folded = fold(name)
    return folded if folded in _OURS else ALIASES.get(folded)


def column_name(cell: str) -> str:
    """The name a header cell gives its column: ours where it names one of ours (a group
    path by its last part, unless a group is about another person), else the cell as
    written, lower-cased (a group path whole: `besoins/sante` and `services/sante` are
    two columns)."""
    name = cell.strip().lower()
    groups, _, last = name.rpartition("/")
    found = ours(last)
    if found is None:
        return name
    if groups and OTHER_PERSON_GROUPS.intersection(re.split(r"[_\-\s/.]+", fold(groups))):
        return name
    return found


UNMAPPED = N_("the mapping names a column the file does not have (a typo?)")
LOOKS_LIKE = N_('kept as extra data, not read as {field}: rename it "{field}" if it is')
SIMILAR = 88
"""How close (rapidfuzz ratio, 0-100) a column's folded name must be to one of ours or
its French titles to be said to look like it ("date_naisance" and "date_naissance": 96)."""


def header_notes(
    raw: list[str], names: list[str], mapping: dict[str, str] | None
) -> list[tuple[str, Message]]:
    """What a header leaves unread that its user may have meant: a mapping line that names
    no column of the file, and a column kept as extra data whose name is one letter or so
    away from one of ours ("date_naisance"). (column, message) pairs."""
    notes: list[tuple[str, Message]] = []
    written = {c.strip().lower() for c in raw} | {c.strip().lower().rsplit("/", 1)[-1] for c in raw}
    for column in mapping or {}:
        if column not in written:
            notes.append((column, Message(UNMAPPED)))
    unread = [n for n in names if n not in _OURS and not n.startswith(("_", "column_"))]
    if not unread:
        return notes
    from rapidfuzz import fuzz, process  # loaded by matching anyway; not for a plain file

    choices = {fold(name): name for name in _OURS} | dict(ALIASES)
    for name in unread:
        found = process.extractOne(fold(name), list(choices), scorer=fuzz.ratio)
        if found is not None and found[1] >= SIMILAR:
            notes.append((name, Message(LOOKS_LIKE, field=choices[found[0]])))
    return notes
