"""What every use case shares: who acts (`Actor`), the role check, the audit row.

A use-case family is one module holding a class of methods (`class Review(UseCases)`)
that `service.Service` combines. Each method takes the acting `Actor` first, calls
`actor.require(ROLES)` with the roles declared next to it in its module (the HTTP
role matrix, `api.access`, reads the same declarations), does its work on
`self.store`, writes its audit row with `self.audit(actor, ...)` and returns plain
typed values. A face (the command line, the HTTP routes, the pages to come) builds
the Actor and calls the method; it never touches the store.
"""

from __future__ import annotations

import getpass
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from i18n import N_, Message, Word
from models.store import Store
from models.store.audit import AuditEntry
from models.users import User, UserRole
from service.errors import Forbidden, TooManyRequests
from service.ratelimit import SharedLimit

ADMIN, REVIEWER, CASEWORKER, TRACING = (
    UserRole.ADMIN,
    UserRole.REVIEWER,
    UserRole.CASEWORKER,
    UserRole.TRACING_OFFICER,
)
EVERYONE = frozenset(UserRole)
PURPOSE_MIN_LENGTH = 10
"""A purpose says why in words ("vérification d'identité avant le retour"): one keystroke
(".", "x") would make the need-to-know control a formality and its audit row say nothing.
Counted in UTF-8 bytes without the spaces at its ends, as `PURPOSE_PATTERN` counts the
header (whose bytes reach the API one character each): an accented letter counts two."""
PURPOSE_PATTERN = rf"^\s*\S[\s\S]{{{PURPOSE_MIN_LENGTH - 2},}}\S\s*$"
SHORT_PURPOSE = N_(
    "say why you open this in a few words, at least {count} characters (kept in the audit "
    "trail): for instance « vérification d'identité avant le retour »"
)


BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
"""Characters Unicode files as letters or symbols that show nothing (Hangul fillers, the
Braille blank, the Mongolian vowel separator)."""
UNSEEN = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me"})
"""Controls, formats (zero-width, direction marks), unassigned and private characters,
and marks that only change the letter before them (a variation selector)."""


def visible(text: str) -> str:
    """`text` as a reader sees it, to count what it says: without the characters that show
    nothing (`UNSEEN` categories, `BLANK_LETTERS`) and with each run of spaces one, so that
    twelve zero-width spaces or Hangul fillers say nothing."""
    shown = "".join(
        " " if c.isspace() else c
        for c in unicodedata.normalize("NFC", text)
        if c.isspace() or (unicodedata.category(c) not in UNSEEN and c not in BLANK_LETTERS)
    )
    return " ".join(shown.split())


def _long_enough(purpose: str) -> bool:
    return len(visible(purpose).encode("utf-8")) >= PURPOSE_MIN_LENGTH


def purpose_problem(purpose: str | None) -> Message | None:
    """Why a stated purpose is refused (too short to say anything); None when it is fine or
    when none is stated."""
    said = (purpose or "").strip()
    if said and not _long_enough(said):  # twelve zero-width spaces are said, but say nothing
        return Message(SHORT_PURPOSE, count=PURPOSE_MIN_LENGTH)
    return None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts and what the audit rows of the act carry.

    An authenticated `user` over HTTP; at the command line, `user` is None and the
    operating-system user acts (`Actor.operator`): whoever runs `nrm` holds the
    database itself, so no role is checked, but the audit row names the account
    and the command. `user` is None without a command only for an anonymous
    request (a failed authentication).
    """

    user: User | None
    request_id: str | None = None
    purpose: str | None = None
    lang: str = "fr"
    command: str | None = None
    os_user: str | None = None

    @property
    def stated_purpose(self) -> bool:
        """Whether the request says why (`X-Purpose`): reading another organisation's case
        file needs it (`service.protection`), in words (`PURPOSE_MIN_LENGTH`)."""
        return _long_enough((self.purpose or "").strip())

    @classmethod
    def operator(cls, command: str) -> Actor:
        return cls(None, command=command, os_user=getpass.getuser())

    def require(self, roles: frozenset[UserRole]) -> None:
        """Refuse (403) a user whose role is not among `roles`, and anyone anonymous."""
        if self.user is None and self.command is None:
            raise Forbidden("authenticate first")
        if self.user is not None and self.user.role not in roles:
            raise Forbidden("role {role} may not do this", role=Word(self.user.role))

    def entry(
        self, action: str, object_type: str | None, ids: Iterable[Any], **detail: Any
    ) -> AuditEntry:
        """The audit row of this actor's act: what, on which ids, why, from where."""
        if self.command is not None:
            detail = {"via": self.command, "os_user": self.os_user, **detail}
        return AuditEntry(
            action,
            object_type,
            tuple(str(i) for i in ids),
            purpose=self.purpose,
            request_id=self.request_id,
            detail=detail,
        )


class UseCases:
    """The base of every use-case family: the store it works on, and the audit."""

    store: Store
    list_limit: SharedLimit

    def check_listing(self, actor: Actor, action: str, object_type: str) -> None:
        """Count a list (records, queue, flags, audit trail) against the user's limit,
        shared by every server process; refuse it (429, audited) when over."""
        if actor.user is None:
            return
        wait = self.list_limit.retry_after(self.store, actor.user.id)
        if wait > 0:
            self.audit(actor, f"{action}_refused", object_type, [], reason="rate limit")
            raise TooManyRequests(
                "too many lists: at most {count} a minute",
                wait,
                count=self.list_limit.per_window,
            )

    def audit(
        self,
        actor: Actor,
        action: str,
        object_type: str | None,
        ids: Iterable[Any],
        **detail: Any,
    ) -> None:
        """One audit row: who (user, role, organisation), what, on which ids, why, when."""
        self.store.audit(actor.user, actor.entry(action, object_type, ids, **detail))
