"""Extract the `messages` domain's ids from the code and update the French catalogue.

`python -m i18n.extract` (what `make messages` runs; which files: `babel.cfg`; which calls:
`i18n.KEYWORDS`): new ids enter `locales/fr/LC_MESSAGES/messages.po` with an empty
translation to fill in, ids no longer in the code leave it, translations of unchanged ids
are kept. References name files without line numbers, so moving code does not churn the
catalogue. The catalogue test (`tests/test_messages.py`) fails while any id lacks its
French.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from i18n import KEYWORDS, LOCALES

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
DOMAIN = "messages"


def extract(root: Path = ROOT) -> Catalog:
    """Every message id the code of the `messages` domain holds, with where it is."""
    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING))
    catalog = Catalog(domain=DOMAIN, project="nrm-tracing", charset="utf-8")
    found = extract_from_dir(
        root,
        method_map,
        options_map,
        keywords=KEYWORDS,  # type: ignore[arg-type]
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def catalogue_path(lang: str = "fr") -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(lang: str = "fr") -> tuple[int, int]:
    """Merge the extracted ids into `lang`'s catalogue: (ids, ids without a translation)."""
    template = extract()
    path = catalogue_path(lang)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=lang, domain=DOMAIN, project="nrm-tracing")
    catalog.update(template, update_header_comment=False, update_creation_date=False)
    with path.open("wb") as handle:
        write_po(
            handle,
            catalog,
            ignore_obsolete=True,
            width=100,
            sort_output=False,
            include_lineno=False,
        )
    missing = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
    return len([m for m in catalog if m.id]), missing


if __name__ == "__main__":
    total, missing = update()
    print(f"{catalogue_path()}: {total} messages, {missing} without French")
