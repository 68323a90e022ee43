"""The error of a file that cannot be read as a whole (raised by the readers of records,
relations and mapping files, each naming what is wrong)."""

from __future__ import annotations

from i18n import MessageError


class RecordFileError(MessageError, ValueError):
    """The file as a whole cannot be read (encoding, header, emptiness)."""
