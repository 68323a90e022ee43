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

from models.fieldwords import fold
from models.records import RECORD_COLUMNS

_OURS = frozenset(RECORD_COLUMNS)
EXTRA = "extra"
"""The field of a mapping line keeping a column as extra data (`Village,extra`: a village
where the form was filled in, not the person's), whatever its title reads as."""

ALIASES = {
    "name_first": "given_names",
    "name_last": "family_name",
    "identifiant": "record_id",
    "id": "record_id",
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

OTHER_PERSON = frozenset(
    {
        "mere", "maman", "pere", "papa", "parent", "parents", "tuteur", "tutrice", "conjoint",
        "conjointe", "epoux", "epouse", "mari", "temoin", "contact", "referent", "declarant",
        "informateur", "frere", "soeur", "mother", "father", "guardian", "spouse", "witness",
        "sibling", "informant", "accompagnant", "accompagnante", "accompagnateur", "chef",
        "demandeur", "demandeuse", "requerant", "responsable", "enqueteur", "agent",
        "menage", "famille", "oncle", "tante", "cousin", "employeur", "suspect", "auteur",
        "escorte", "escortes", "passeur", "passeuse", "passeurs", "marabout", "logeur",
        "logeuse", "trafiquant", "trafiquante", "trafiquants", "recruteur", "recruteuse",
        "intermediaire", "transporteur", "chauffeur", "patron", "patronne", "maitre",
        "maitresse", "coranique", "hote", "hotesse", "voisin", "voisine", "ami", "amie",
        "enseignant", "enseignante", "employeuse", "exploitant", "exploiteur", "proxenete",
        "escort", "smuggler", "trafficker", "employer", "host", "neighbour", "friend",
        "teacher", "accompagnatrice", "accompagnants", "accompagnatrices",
        "accompagnateurs", "hebergeur", "hebergeuse", "guide", "convoyeur", "convoyeuse",
        "fiance", "fiancee", "bebe", "nourrisson", "imam", "garant", "compagnon", "compagne",
        "grand", "grande", "grands", "beau", "belle", "arriere", "demi",
    }
)  # fmt: skip
"""Words of a title or a form group about another person than the record's (`mere/age`,
`Âge de l'accompagnant`): not read as the person's own (a parent's name excepted)."""
OWN_GROUPS = frozenset(
    {
        "identite", "identification", "enfant", "victime", "personne", "beneficiaire",
        "rapatrie", "migrant", "survivant", "survivante", "general", "generales", "info",
        "infos", "information", "informations", "profil", "cas", "dossier", "donnees",
        "sociodemographique", "demographique", "personnel", "personnelles", "self",
        "person", "child", "victim", "case", "details", "retour", "origine", "localisation",
        "enregistrement",
    }
)  # fmt: skip
"""Words of a form group about the record's own person (`grp_identite/nom`): its
questions read as ours. A group named neither way (`group_kf3tq12/age`, `section_2/age`)
is not read either: a child's record that took an adult's age unseen is the worse error,
and a row-1 warning names the column (`header_notes`)."""

_FATHER, _MOTHER = frozenset({"pere", "papa", "father"}), frozenset({"mere", "maman", "mother"})
_NAME_WORDS = frozenset({"nom", "noms", "prenom", "prenoms", "name"})
_HINT = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PATH = re.compile(r"[a-z0-9_.\-]+(?:/[a-z0-9_.\-]+)+")
_DASHED = re.compile(r"[a-z0-9_.]+(?:-[a-z0-9_.]+)+")
_GENERATED_GROUP = re.compile(r"(?:group|groupe|grp|section|sec)_?[a-z0-9_]*|[a-z]+_?\d+[a-z0-9_]*")
"""A form group named by the form's tool or its author's numbering (`group_kf3tq12`,
`section_2`, `grp3`): nothing says whose its questions are."""


def group_path(name: str) -> str | None:
    """A lower-cased header cell as a form group path with `/` (`grp_identite/nom`), or
    None when it is not one. KoboToolbox writes `/` between a group and its question;
    ODK Central and Briefcase write `-` (`identification-sexe`), which titles also hold
    (`date-naissance`): a dashed name is a path only when its first part names a group
    (about the person, about another person, or numbered by the tool)."""
    if _PATH.fullmatch(name):
        return name
    if not _DASHED.fullmatch(name):
        return None
    if fold(name) in _OURS or fold(name) in ALIASES:
        return None  # a title: "date-naissance", "localisation-actuelle"
    first = name.split("-", 1)[0]
    words = _words(fold(first))
    if words & (OWN_GROUPS | OTHER_PERSON) or _GENERATED_GROUP.fullmatch(first):
        return name.replace("-", "/")
    return None  # a title ("nom-pere", "num-telephone")


PERSON, PARENTS, OTHER, UNKNOWN = "person", "parents", "other", "unknown"


def _whose(path: str, own: tuple[str, ...] = ()) -> str:
    """Whose a group path's question is: the record's `PERSON` (its innermost group is
    about the person, or is a group a mapping says is the person's), the person's
    `PARENTS`, an `OTHER` person's, or `UNKNOWN` (`grp_identite/group_ab1/age` may be
    anyone's). `own`: groups a mapping says are the person's (`group_kf3tq12/`)."""
    groups = path.rpartition("/")[0]
    mine = next((g for g in own if path.startswith(g)), None)
    inner = groups[len(mine) :] if mine else groups
    words = _words(fold(inner))
    if words & OTHER_PERSON:
        return PARENTS if words & _PARENTS and not words & (OTHER_PERSON - _PARENTS) else OTHER
    if (mine is not None and not inner) or _words(fold(inner.rsplit("/", 1)[-1])) & OWN_GROUPS:
        return PERSON
    return UNKNOWN


def question_of(name: str) -> str:
    """A header cell's question: the last part of a group path (`sexe` of
    `identification/sexe` or `identification-sexe`), else the cell, lower-cased."""
    name = name.strip().lower()
    return (group_path(name) or name).rsplit("/", 1)[-1]


def about_another_person(name: str) -> bool:
    """Whether a header cell is a question of a form group about another person than the
    record's (`accompagnant/age`, `escorte-sexe`, `parents/age`)."""
    path = group_path(name.strip().lower())
    return path is not None and _whose(path) in (OTHER, PARENTS)


def in_persons_group(name: str, own: tuple[str, ...] = ()) -> bool:
    """Whether a header cell is a question of a group about the record's person, or no
    group's question at all: where a mapping line may name it by its last part."""
    path = group_path(name.strip().lower())
    return path is None or _whose(path, own) == PERSON


def _words(folded: str) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[^a-z0-9]+", folded) if w)


def _by_words(folded: str) -> str | None:
    """Our column a title names by its words when no alias is it ("Sexe de l'enfant",
    "Nom de la maman", "Date naiss.", "N° de téléphone"); None for a title about another
    person ("Âge du père") or naming nothing of ours."""
    words = _words(folded)
    if re.search(r"(^|[_/])noms?_(de_)?famille", folded) and not words & (
        (OTHER_PERSON - {"famille"}) | {"accueil"}
    ):  # "Nom de famille (de l'enfant)", not "Nom de famille d'accueil"
        words = (words - {"famille"}) | {"patronyme"}
    if words & (OTHER_PERSON - _PARENTS) or words & _OTHER_PLACE:
        return None  # "Nom du père du passeur", "Village de destination"
    if words & _NAME_WORDS and words & _FATHER:
        return "father_name"
    if words & _NAME_WORDS and words & _MOTHER:
        return "mother_name"
    if words & OTHER_PERSON:
        return None
    if words & _PLACES and words & _NOW:
        return "current_location"
    if words & _PLACES and words & (_FOUND_AT | _BIRTH) and not _FOUND_GROUP.match(folded):
        return None  # "Village d'identification", "Village de naissance": not the origin
    if "lieu" in words:  # "Lieu de naissance": a place, not a date; which one is unsure
        return None
    for field, wanted in _WORD_RULES:
        if all(words & group for group in wanted):
            return field
    return None


_REGISTERED = frozenset({"enregistrement", "enreg", "collecte", "entretien", "identification"})
_OTHER_PLACE = frozenset(
    {"destination", "transit", "interception", "arrivee", "exploitation", "travail", "depart"}
)
"""Words of a place that is not where the person comes from ("Village de destination",
"Commune d'interception"): never read as an origin."""
_PARENTS = frozenset(
    {"parent", "parents", "pere", "mere", "papa", "maman", "father", "mother", "tuteur", "tutrice"}
)
"""Words of a form group about the person's parents, whose names are the person's
`father_name` and `mother_name` (`parents/nom_pere`; never `passeur/nom_pere`)."""
_NOW = frozenset(
    {"actuel", "actuelle", "actuellement", "residence", "hebergement", "accueil", "heberge"}
    | {"sejour", "placement", "refuge", "deplacement", "reinsertion", "reintegration"}
    | {"trouve", "vit", "habite", "vivant"}
)
"""Words of a place where the person is now ("Village de placement", "Village où vit
l'enfant", "Commune de réinsertion"): read as `current_location`, protected, never as an
origin a tracing officer may see."""
_FOUND_AT = frozenset({"identification", "reperage", "decouverte", "rencontre", "interpellation"})
"""Words of the place where the person was met ("Village d'identification"): a mining
site or a bus station, never read as an origin (the date of identification is
`registered_on`)."""
_BIRTH = frozenset({"naissance", "naiss"})
"""A place of birth ("Village de naissance") is neither the birth date nor, surely, the
origin: kept as extra data, as "Lieu de naissance" is."""
_PLACES = frozenset({"village", "localite", "commune", "cercle", "region", "lieu", "quartier"})
_FOUND_GROUP = re.compile(r"(?:identification|reperage)_[a-z]")
"""A flat Kobo question of the form group named for the identification
("identification_village"): the person's origin, not where they were met."""
_THE_PERSON = frozenset({"enfant", "victime", "personne", "beneficiaire"})
"""Words by which a title names the record's own person ("Nom de l'enfant")."""
_WORD_RULES: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = (
    ("birth_date", (frozenset({"naissance", "naiss", "ddn"}),)),
    ("registered_on", (frozenset({"date"}), _REGISTERED)),
    ("sex", (frozenset({"sexe", "genre", "sex"}),)),
    ("age", (frozenset({"age", "ages"}),)),
    ("phone", (frozenset({"telephone", "tel", "portable", "cellulaire", "phone"}),)),
    ("origin_village", (frozenset({"village", "localite"}),)),
    ("origin_commune", (frozenset({"commune"}),)),
    ("origin_cercle", (frozenset({"cercle"}),)),
    ("origin_region", (frozenset({"region"}),)),
    ("full_name", (frozenset({"nom", "noms"}), frozenset({"prenom", "prenoms"}))),
    ("given_names", (frozenset({"prenom", "prenoms"}),)),
    ("family_name", (frozenset({"noms", "patronyme"}),)),
    ("full_name", (frozenset({"nom"}), _THE_PERSON)),
)  # fmt: skip


def ours(cell: str) -> str | None:
    """Our column a title names (`Date de naissance` → `birth_date`, `Sexe (F/M)` →
    `sex`), or None."""
    name = cell.strip().lower()
    if name in _OURS:
        return name
    folded = fold(_HINT.sub(" ", name)).strip("_.")
    if folded in _OURS:
        return folded
    return ALIASES.get(folded) or _by_words(folded)


def column_name(cell: str, own: tuple[str, ...] = ()) -> str:
    """The name a header cell gives its column: ours where it names one of ours, else the
    cell as written, lower-cased. A KoboToolbox / ODK group path (`grp_identite/nom`: no
    space, no accent) reads by its last part in a group about the person (`OWN_GROUPS`);
    in a group about another person only a parent's name reads (`parents/nom_pere`);
    any other stays whole (`accompagnant/age`; `besoins/sante` and `services/sante` are
    two columns). A title with a slash (`Nom/Prénom`, `Village/Quartier`) is one title.
    `own`: groups a mapping says are the person's (`group_kf3tq12/`)."""
    name = cell.strip().lower()
    if name.startswith("_"):  # KoboToolbox's own columns (`_id`, `_uuid`): never a title
        return name
    path = group_path(name)
    if path is None or ours(path.split("/", 1)[0]) is not None:
        return ours(name) or name
    found = ours(path.rpartition("/")[2])
    if found is None:
        return name
    whose = _whose(path, own)
    if whose == PARENTS:  # a parent's name only in a group about the parents
        return found if found in ("father_name", "mother_name") else name
    return found if whose == PERSON else name


_LINKING_WORDS = frozenset(
    {"d", "de", "du", "des", "la", "le", "l", "les", "en", "et", "of", "the", "origine", "n"}
    | {"complet", "complete", "entier", "no", "numero", "num", "a", "au", "aux", "ou", "s"}
    | {"provenance"}
)


_GROUP_MARKS = frozenset({"grp", "group", "groupe"})
"""How form builders name a group (`grp_identite/`, Kobo's default `group_ab1/`): the mark
says nothing of whom the question is about, the rest of the group's name does."""


def _allowed_words(field: str) -> frozenset[str]:
    """The words a title of `field` may hold without naming anything else: linking words,
    words naming the person or their group, and the words our titles of it are made of."""
    allowed = set(_LINKING_WORDS | _THE_PERSON | OWN_GROUPS | _GROUP_MARKS)
    allowed |= {w for alias, f in ALIASES.items() if f == field for w in re.split(r"[_()]", alias)}
    for rule_field, wanted in _WORD_RULES:
        if rule_field == field:
            allowed |= {w for group in wanted for w in group}
    if field in ("father_name", "mother_name"):
        allowed |= _NAME_WORDS | _PARENTS
    allowed |= set(field.split("_"))
    return frozenset(allowed)


def _title_words(title: str) -> frozenset[str]:
    return _words(fold(_HINT.sub(" ", title.lower())))


def unknown_words(title: str, field: str) -> list[str]:
    """The words of a title read as `field` that say more than the field: a person or a
    time we do not know of ("Âge du logisticien", "Âge au recrutement")."""
    return sorted(_title_words(title) - _allowed_words(field))


def only_more_precise(longer: str, shorter: str, field: str) -> bool:
    """Whether a title says no more than another of one field, only more precisely
    ("Village d'origine" beside "Village", "Téléphone" beside "Tel", "identification-sexe"
    beside "Sexe"): its other words are `_allowed_words`. A word beyond them may name
    someone else ("Nom du père du convoyeur"): the longer title may not win then."""
    return not (_title_words(longer) - _title_words(shorter) - _allowed_words(field))


def settled(written: list[str], names: list[str]) -> list[str]:
    """A person's name titled "Nom de l'enfant" is the whole name, unless the file gives the
    given names apart ("Prénom de l'enfant"): then it is the family name."""
    if "given_names" not in names:
        return names
    return [
        "family_name" if name == "full_name" and _named_alone(title) else name
        for title, name in zip(written, names, strict=True)
    ]


def _named_alone(title: str) -> bool:
    """A title naming the person's name without their given names ("Nom de l'enfant")."""
    words = _words(fold(title))
    return "nom" in words and bool(words & _THE_PERSON) and not words & {"prenom", "prenoms"}
