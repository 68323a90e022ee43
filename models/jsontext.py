"""How JSON columns are written: one serializer for every engine, which leaves a document
already encoded as it is."""

from __future__ import annotations

import json
from typing import Any


class Encoded(str):
    """A JSON document already encoded: written as it is, not encoded again (a relink's
    reasons, encoded by the processes that worded them)."""


def json_text(value: Any) -> str:
    """`value` as JSON text: the serializer of every JSON column (`models.database`)."""
    return value if isinstance(value, Encoded) else json.dumps(value)
