"""The patterns the API's texts must match, each with what it means in words: a text that
does not match is refused naming its field and saying what is expected (`api.errors`),
not "this text does not have the expected form"."""

from __future__ import annotations

from i18n import N_, Message
from service.context import PURPOSE_MIN_LENGTH, PURPOSE_PATTERN, SHORT_PURPOSE

PLAIN = r"^[^*%?\x00]*$"
"""Text as written: no wildcard (`service.search.WILDCARDS`, refused in every field of a
search) and no NUL (neither is searched)."""
NAME = r"^[^*%?\x00]*[^\W\d_]{2}[^*%?\x00]*$"
"""A name searched for: two letters at least, no wildcard."""
CURSOR = r"^[01]_[0-9]\.[0-9]{6}_[0-9a-f]{32}$"
"""`group_uncertainty_id` of the last suggestion of a page (as `next_cursor` gives it)."""

MEANING: dict[str, Message] = {
    PURPOSE_PATTERN: Message(SHORT_PURPOSE, count=PURPOSE_MIN_LENGTH),
    PLAIN: Message(
        N_("no wildcards (* % ?): write it as you know it, other spellings are found without")
    ),
    NAME: Message(N_("two letters at least, no wildcards (* % ?): write the name as you know it")),
    CURSOR: Message(N_("give the next_cursor of the previous page as it came")),
}
