"""The error of a file that cannot be read as a whole (raised by the readers of records,
relations and mapping files, each naming what is wrong)."""

from __future__ import annotations

from i18n import Message, MessageError


class RecordFileError(MessageError, ValueError):
    """The file as a whole cannot be read (encoding, header, emptiness)."""


class RecordFileErrors(RecordFileError):
    """Several problems of one file, each a message naming where it is (a mapping file's
    bad lines, all told at once rather than one per try); `str` and `message` are the
    first's."""

    def __init__(self, messages: list[Message]) -> None:
        super().__init__(messages[0])
        self.messages = messages
