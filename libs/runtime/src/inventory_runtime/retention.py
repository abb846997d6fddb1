"""Housekeeping: rows that are only history go once they are older than their retention.

A service lists its `Purge`s (a bounded ``DELETE`` each) and runs `retention_job` as a
background job. Each round deletes at most `SLICE` rows per purge, oldest first, in one short
transaction, and comes back after a second while a slice was full, so a large backlog drains
without a long transaction or lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from inventory_runtime.app import BackgroundJob, ServiceRuntime
from inventory_runtime.retry import summarize
from inventory_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)

SLICE = 10_000
"""Rows deleted per purge and round at most."""


@dataclass(frozen=True)
class Purge:
    """One kind of row that goes after `keep`.

    `statement` deletes at most ``:slice`` rows, oldest first, among those older than
    ``:before`` (now - `keep`), and never a row still in use.
    """

    name: str
    statement: TextClause
    keep: timedelta


def oldest_first(table: str, key: str, age: str, where: str | None = None) -> TextClause:
    """The usual purge statement: delete at most ``:slice`` rows of `table` whose `age` column
    is before ``:before`` (and that match `where`), oldest first, picked by `key` (a column, or
    several separated by commas)."""
    condition = f"{age} < :before" + (f" AND {where}" if where else "")
    return text(
        f"DELETE FROM {table} WHERE ({key}) IN "
        f"(SELECT {key} FROM {table} WHERE {condition} ORDER BY {age} LIMIT :slice)"
    )


async def purge_once(
    session_factory: async_sessionmaker[AsyncSession], purges: Sequence[Purge], now: datetime
) -> dict[str, int]:
    """One slice of each purge, in one transaction; how many rows each deleted."""
    deleted: dict[str, int] = {}
    async with session_factory() as session, session.begin():
        for purge in purges:
            result = await session.execute(
                purge.statement, {"before": now - purge.keep, "slice": SLICE}
            )
            deleted[purge.name] = result.rowcount  # type: ignore[attr-defined]
    return deleted


def retention_job(purges_of: Callable[[ServiceSettings], Sequence[Purge]]) -> BackgroundJob:
    """A background job purging every `retention_interval_seconds` (every second while a
    slice comes back full); a failed round (database away) is retried at the next one."""

    async def run(runtime: ServiceRuntime) -> None:
        purges = purges_of(runtime.settings)
        while True:
            full = False
            try:
                deleted = await purge_once(runtime.session_factory, purges, datetime.now(UTC))
                _log(deleted)
                full = max(deleted.values(), default=0) >= SLICE
            except Exception as exc:
                log.warning("retention round failed: %s", summarize(exc))
            await asyncio.sleep(1.0 if full else runtime.settings.retention_interval_seconds)

    return BackgroundJob("retention", run)


def _log(deleted: Mapping[str, int]) -> None:
    if any(deleted.values()):
        log.info(
            "purged %s", ", ".join(f"{count} {name}" for name, count in deleted.items() if count)
        )
