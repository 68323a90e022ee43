"""Rate-limit counters every server process shares: one row per subject and window,
counted by an atomic upsert (SQLite and PostgreSQL `INSERT … ON CONFLICT DO UPDATE`).
On PostgreSQL the counter's commit does not wait for the WAL flush (`SET LOCAL
synchronous_commit`): a crash may forget the last few calls, never a decision."""

from __future__ import annotations

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from models.tables import rate_counters


class LimitStore:
    """The rate-limit half of the store (mixed into `Store`)."""

    engine: Engine

    def count_call(self, subject: str, window: int) -> int:
        """Count one call of `subject` in `window`; how many it has made there so far. The
        first call of a new window drops the subject's older windows."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(rate_counters).values(subject=subject, window=window, count=1)
        upsert = upsert.on_conflict_do_update(
            index_elements=["subject", "window"],
            set_={"count": rate_counters.c.count + 1},
        ).returning(rate_counters.c.count)
        with self.engine.begin() as c:
            if dialect is postgresql:
                # a counter lost in a crash costs nothing: no WAL flush for it
                c.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            count = int(c.execute(upsert).scalar_one())
            if count == 1:
                c.execute(
                    delete(rate_counters).where(
                        rate_counters.c.subject == subject, rate_counters.c.window < window
                    )
                )
        return count
