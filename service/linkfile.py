"""`nrm link`: deduplicate one records file into a clusters file, no database.

The same matching pipeline (`matching.pipeline`) as linking stored records, so batch
and incremental matching share normalisers, keys, comparisons and model.
"""

from __future__ import annotations

import csv
import hashlib
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from i18n import Message, gettext_for
from matching.ahead import WorkedAhead
from matching.cluster import members
from matching.columns import ColumnBatches, build_columns
from matching.model import FSModel, default_model
from matching.parallel import map_chunks
from matching.pipeline import LinkResult, link
from models.columnwise import validated_chunks
from models.recordfile import IN_FILE, RecordFileError, spreadsheet_safe
from service.memory import collector_paused, give_back_freed
from service.progress import Stages

ENTITY_NAMESPACE = uuid.UUID("6f1c1d1e-8f0e-4d8a-9b7e-2a1f5e0c4b11")


MAX_LISTED_WARNINGS = 1000

PARALLEL_ENTITIES = 100_000
"""From this many persons, their ids are worked out on every core (a million records
make about 800,000: 3 s on one core)."""


class LinkInputError(ValueError):
    """The file's errors, as messages (`texts(lang)`)."""

    def __init__(self, errors: list[Message]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.messages = errors

    @property
    def errors(self) -> list[str]:
        return self.texts("en")

    def texts(self, lang: str) -> list[str]:
        return [m.text(lang) for m in self.messages]


def stable_entity_id(members: Iterable[str]) -> uuid.UUID:
    """The same members always give the same entity id."""
    return uuid.uuid5(ENTITY_NAMESPACE, "\x1f".join(sorted(members)))


def stable_entity_text(members: Iterable[str]) -> str:
    """`str(stable_entity_id(members))`, without building a UUID object: a million-record
    file writes hundreds of thousands of them, and `uuid.UUID()` checks cost more than
    the SHA-1 (RFC 4122 version 5: the digest's first 16 bytes, version and variant
    bits set)."""
    digest = bytearray(
        hashlib.sha1(ENTITY_NAMESPACE.bytes + "\x1f".join(sorted(members)).encode()).digest()
    )
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def valid_columns(
    path: Path,
    errors: list[Message],
    warnings: list[Message] | None = None,
    sources: list[str] | None = None,
    default_source: str | None = None,
) -> ColumnBatches:
    """The validated records of a file as column batches (`matching.columns.ColumnBatches`),
    a chunk of the file each, until the first error: what `build_columns` codes without a
    dict per row. Every error of the file is collected into `errors`, and into `warnings`
    the dates and ages that cannot be read (they count as unknown, as in an import); each
    row's organisation into `sources`, in the file's order: `default_source` for a file
    with no source column (`nrm link --source`)."""

    def batches() -> Iterator[dict[str, list[Any]]]:
        try:
            for chunk in validated_chunks(path, default_source):
                for i in sorted(chunk.problems):
                    for problem in chunk.problems[i]:
                        if not problem.warning:
                            errors.append(problem.as_message(chunk.titles))
                        elif warnings is not None:
                            warnings.append(problem.as_message(chunk.titles))
                if not errors:  # a chunk with a bad row has an error: never coded
                    if sources is not None:  # a few organisations: one string each
                        sources.extend(map(sys.intern, chunk.columns["source"]))
                    yield chunk.columns
        except RecordFileError as exc:
            errors.append(Message(IN_FILE, file=path.name, error=exc.message))

    return ColumnBatches(batches())


def link_file(
    records: Path,
    out: Path,
    pairs_out: Path | None = None,
    *,
    progress: bool = True,
    household: bool = True,
    model: FSModel | None = None,
    lang: str = "en",
    source: str | None = None,
) -> dict[str, Any]:
    """Deduplicate one records file; write CLUSTERS.csv (and PAIRS.csv). `lang`: the
    language of the progress lines; `source`: the organisation of a file with no source
    column."""
    started = time.perf_counter()
    _ = gettext_for(lang)
    label = _("linking {file}").format(file=records.name)
    stages = Stages(label, enabled=None if progress else False, lang=lang)
    with collector_paused():
        errors: list[Message] = []
        warnings: list[Message] = []
        sources: list[str] = []
        with WorkedAhead.for_file(_size(records)) as ahead:
            batches = ahead.watching(valid_columns(records, errors, warnings, sources, source))
            columns = build_columns(batches, "record_id", prepared=ahead, natural=True)
            if errors:
                raise LinkInputError(errors)
            stages("reading")
            give_back_freed()
            prepared = time.perf_counter()
            ahead.places(columns)  # resolved while the candidate pairs are found

            def stage_done(name: str) -> None:
                give_back_freed()
                stages(name)

            result = link(
                columns,
                model or default_model(),
                household=household,
                on_stage=stage_done,
                keep="non_match" if pairs_out is not None else "review",
            )
        linked = time.perf_counter()
        ids = result.columns.ids
        arrival = result.columns.arrival
        sources = _shown_once(sources)
        clusters = _write_clusters(out, ids, result.clusters.labels, arrival, sources)
        if pairs_out is not None:
            linked_order = sources if arrival is None else _moved(sources, arrival)
            _write_pairs(pairs_out, result, linked_order)
        stages("writing")
    stages.done()
    bands = Counter(result.bands.tolist())
    return {
        "records": len(ids),
        "entities": clusters,
        "pairs": result.blocking.pairs,
        "match": bands.get("match", 0),
        "review": bands.get("review", 0),
        "model_version": result.model.version,
        "blocking": asdict(result.blocking),
        "timings": {
            "read_and_prepare": prepared - started,
            **result.timings,
            "write": time.perf_counter() - linked,
        },
        "seconds": time.perf_counter() - started,
        "warning_count": len(warnings),
        "warnings": [w.text(lang) for w in warnings[:MAX_LISTED_WARNINGS]],
    }


def _size(path: Path) -> int:
    """The file's size, 0 when it cannot be read (reading it then says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _shown_once(sources: list[str]) -> list[str]:
    """Each row's organisation as a spreadsheet may show it (`spreadsheet_safe`), worked
    out once per organisation: the pairs file repeats them tens of millions of times."""
    shown = {source: spreadsheet_safe(source) for source in set(sources)}
    return [shown[source] for source in sources]


def _moved(values: list[str], arrival: np.ndarray) -> list[str]:
    """Values given in the file's order, in the order the rows were linked in."""
    return [values[i] for i in arrival.tolist()]


def _write_pairs(out: Path, result: LinkResult, sources: list[str]) -> None:
    """PAIRS.csv: every scored pair, with each record's organisation (two organisations
    may use one record id; `sources` as shown, per row in the order linked)."""
    ids, a, b = result.columns.ids, result.a, result.b
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["record_id_a", "record_id_b", "match_probability", "band", "source_a", "source_b"]
        )
        for k in result.pairs_from("non_match"):
            x, y = int(a[k]), int(b[k])
            writer.writerow(
                [
                    spreadsheet_safe(ids[x]),
                    spreadsheet_safe(ids[y]),
                    f"{float(result.scores.probability[k]):.6f}",
                    str(result.bands[k]),
                    sources[x],
                    sources[y],
                ]
            )


def _write_clusters(
    out: Path,
    ids: list[Any],
    labels: np.ndarray,
    arrival: np.ndarray | None,
    sources: list[str],
) -> int:
    """CLUSTERS.csv: each record with its entity id (stable for the same members) and its
    organisation as shown (two may use one record id), in the order of the records file;
    returns the number of entities."""
    clusters = members(labels)
    groups = list(clusters.values())
    texts = map_chunks(
        lambda part: [stable_entity_text(ids[r] for r in rows) for rows in groups[part]],
        len(groups),
        20_000,
        PARALLEL_ENTITIES,
    )
    entity_of = dict(zip(clusters, texts, strict=True))
    if arrival is not None:
        in_file = np.empty(len(arrival), dtype=np.int64)
        in_file[arrival] = np.arange(len(arrival))
        ids, labels = [ids[r] for r in in_file.tolist()], labels[in_file]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "entity_id", "source"])
        writer.writerows(
            zip(
                [spreadsheet_safe(i) for i in ids],
                [entity_of[label] for label in labels.tolist()],
                sources,
                strict=True,
            )
        )
    return len(clusters)
