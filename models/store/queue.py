"""The review queue as reviewers and the model's training read it: open suggestions in
priority order, the queue's random share, and the pairs reviewers settled."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, literal, or_, select, tuple_
from sqlalchemy.types import Uuid

from models.review import DECIDED_STATUSES, SuggestionStatus
from models.store.suggestions import PAIR_COLUMNS, constraints_of
from models.tables import person_records, suggestions

COUNT_CAP = 1_000
"""A queue page counts matching suggestions up to here: a bounded cost per request."""


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[dict[str, Any]]
    total: int
    """How many suggestions match, counted up to COUNT_CAP + 1 (a bounded cost)."""
    next_cursor: tuple[int, float, str] | None


class QueueStore:
    """The queue's reads (mixed into `Store`)."""

    engine: Engine

    def suggestion_queue(
        self,
        filters: dict[str, Any],
        limit: int,
        offset: int = 0,
        cursor: tuple[int, float, str] | None = None,
        probability: tuple[float | None, float | None] = (None, None),
        count: bool = True,
    ) -> QueuePage:
        """Open suggestions in priority order: children and tracing requests first, then the
        most uncertain. Keyset pagination by `cursor` (what the last page returned)."""
        conditions = []
        status = filters.get("status")
        if status:
            conditions.append(suggestions.c.status == status)
        if filters.get("involves_minor") is not None:
            conditions.append(suggestions.c.involves_minor.is_(bool(filters["involves_minor"])))
        if filters.get("not_confirmed_by") is not None:  # a second reviewer's own queue
            conditions.append(
                or_(
                    suggestions.c.confirmed_by.is_(None),
                    suggestions.c.confirmed_by != filters["not_confirmed_by"],
                )
            )
        if filters.get("organisation"):
            org = filters["organisation"]
            conditions.append(or_(suggestions.c.source_a == org, suggestions.c.source_b == org))
        if filters.get("case_type"):
            kind, c = filters["case_type"], suggestions.c
            sides = ((c.case_type_a, c.source_a), (c.case_type_b, c.source_b))
            if "case_type_of" in filters:  # the case files of one organisation (None: none)
                own = filters["case_type_of"]
                conditions.append(or_(*(and_(kind_ == kind, by == own) for kind_, by in sides)))
            else:
                conditions.append(or_(*(kind_ == kind for kind_, _ in sides)))
        low, high = probability
        if low is not None:
            conditions.append(suggestions.c.probability >= low)
        if high is not None:
            conditions.append(suggestions.c.probability <= high)
        order = (suggestions.c.queue_group, suggestions.c.uncertainty, suggestions.c.id)
        query = select(suggestions).where(*conditions).order_by(*order)
        if cursor is not None:
            group, uncertain, last = cursor
            query = query.where(
                tuple_(suggestions.c.queue_group, suggestions.c.uncertainty, suggestions.c.id)
                > tuple_(literal(group), literal(uncertain), literal(uuid.UUID(last), Uuid()))
            )
        else:
            query = query.offset(offset)
        counted = select(suggestions.c.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
        counter = select(func.count()).select_from(counted)
        with self.engine.connect() as c:
            items = [dict(r._mapping) for r in c.execute(query.limit(limit + 1))]
            total = c.execute(counter).scalar_one() if count else len(items)
        more = len(items) > limit
        items = items[:limit]
        last_item = items[-1] if items and more else None
        next_cursor = (
            (last_item["queue_group"], last_item["uncertainty"], str(last_item["id"]))
            if last_item
            else None
        )
        return QueuePage(items, total, next_cursor)

    def review_constraints(self) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]:
        """Every confirmed (must-link) and rejected (cannot-link) pair, by record id."""
        with self.engine.connect() as c:
            return constraints_of(
                c.execute(
                    select(
                        suggestions.c.record_a, suggestions.c.record_b, suggestions.c.status
                    ).where(suggestions.c.status.in_(DECIDED_STATUSES))
                )
            )

    def queue_sample(self) -> tuple[list[tuple[float, bool]], Counter[str]]:
        """The queue's random share (`models.queue_sample`): each pair reviewers said to be
        one person or two, its probability as suggested and whether they said one (a
        child's merge confirmed once, waiting for a second reviewer, counts as said); and
        how many of the share are in each other state (pending, unsure, withdrawn)."""
        said_one = (SuggestionStatus.CONFIRMED, SuggestionStatus.AWAITING_SECOND)
        said = (*said_one, SuggestionStatus.REJECTED)
        decided: list[tuple[float, bool]] = []
        others: Counter[str] = Counter()
        with self.engine.connect() as c:
            for p, status in c.execute(
                select(suggestions.c.probability, suggestions.c.status).where(
                    suggestions.c.sampled.is_(True)
                )
            ):
                if status in said:
                    decided.append((float(p), status in said_one))
                else:
                    others[status] += 1
        return decided, others

    def decided_pairs(self) -> list[dict[str, Any]]:
        """Pairs reviewers settled (confirmed or rejected), with the model that suggested them
        and whether the pair is one of the queue's random share (`sampled`), in the order of
        their records' sources and ids in those sources (the lesser record first): a model
        trained on them with one seed is the same model on either database, after any
        update, and in any store that holds the same records (the stored ids are random)."""
        first, second = person_records.alias("first"), person_records.alias("second")
        with self.engine.connect() as c:
            rows = c.execute(
                select(
                    *PAIR_COLUMNS,
                    first.c.source,
                    first.c.record_id,
                    second.c.source.label("source_b"),
                    second.c.record_id.label("record_id_b"),
                )
                .join(first, first.c.id == suggestions.c.record_a)
                .join(second, second.c.id == suggestions.c.record_b)
                .where(suggestions.c.status.in_(DECIDED_STATUSES))
            ).all()
        keyed = [(sorted(((r.source, r.record_id), (r.source_b, r.record_id_b))), r) for r in rows]
        keyed.sort(key=lambda item: item[0])
        return [{c.key: r._mapping[c.key] for c in PAIR_COLUMNS} for _, r in keyed]
