"""What a file's header leaves unread that its user may have meant (`header_notes`): a
mapping line naming no column, a column one letter from ours, a group's question kept
apart, a title read by its words that says more. Warnings, never errors: the import
says them and loads the file."""

from __future__ import annotations

from i18n import N_, Message
from models.columnnames import (
    ALIASES,
    EXTRA,
    about_another_person,
    column_name,
    group_path,
    ours,
    question_of,
    unknown_words,
)
from models.fieldwords import fold
from models.records import RECORD_COLUMNS

_OURS = frozenset(RECORD_COLUMNS)

UNMAPPED = N_("the mapping names a column the file does not have (a typo?)")
LOOKS_LIKE = N_('kept as extra data, not read as {field}: rename it "{field}" if it is')
GROUP_QUESTION = N_(
    "a question of a group not known to be about the person: kept as extra data; if the "
    'group is the person\'s, a mapping file (--mapping) with the line "{group}/,person" '
    "reads it as {field}"
)
ANOTHER_PERSON_QUESTION = N_(
    "a question about another person than the record's (group {group}): kept as extra data"
)
READ_BY_WORDS = N_(
    "read as {field}, though its title says more ({words}): if it is about someone else "
    "or another time, keep it apart with a mapping line (--mapping) naming it as extra"
)
ANOTHER_COLUMN_READ = N_("kept as extra data: another column of the file is read as {field}")
UNDATED_AGES = N_(
    "the file has no registration date: its ages count from the day of this import (a "
    "stored record's from the date stored)"
)
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
    kept = {c for c, f in (mapping or {}).items() if f == EXTRA}
    kept |= {n for n in names if question_of(n) in kept}
    written = {c.strip().lower() for c in raw} | {
        question_of(c) for c in raw if not about_another_person(c)
    }
    paths = [group_path(c.strip().lower()) or c.strip().lower() for c in raw]
    for column in mapping or {}:
        group = column.endswith("/") and any(p.startswith(column) for p in paths)
        if column not in written and not group:
            notes.append((column, Message(UNMAPPED)))
    if "age" in names and "registered_on" not in names:
        notes.append(("age", Message(UNDATED_AGES)))
    for title, name in zip(raw, names, strict=True):
        written_as = title.strip().lower()
        if name not in _OURS or name == written_as or column_name(written_as) != name:
            continue  # our own name, or named by a mapping or as a stand-in
        if words := unknown_words(title, name):
            message = Message(READ_BY_WORDS, field=name, words=", ".join(words))
            notes.append((title.strip(), message))
    unread = [
        n for n in names if n not in _OURS and n not in kept and not n.startswith(("_", "column_"))
    ]
    for name in unread:
        path = group_path(name)
        if path is not None and (field := ours(path.rpartition("/")[2])) is not None:
            group = path.rpartition("/")[0]
            if about_another_person(name):
                notes.append((name, Message(ANOTHER_PERSON_QUESTION, group=group)))
            elif column_name(name) == field:  # the person's, but another title won
                notes.append((name, Message(ANOTHER_COLUMN_READ, field=field)))
            else:
                notes.append((name, Message(GROUP_QUESTION, field=field, group=group)))
    unread = [n for n in unread if group_path(n) is None]
    if not unread:
        return notes
    from rapidfuzz import fuzz, process  # loaded by matching anyway; not for a plain file

    choices = {fold(name): name for name in _OURS} | dict(ALIASES)
    for name in unread:
        found = process.extractOne(fold(name), list(choices), scorer=fuzz.ratio)
        if found is not None and found[1] >= SIMILAR:
            notes.append((name, Message(LOOKS_LIKE, field=choices[found[0]])))
    return notes
