"""The reservation unit of work: the runtime's, with the repository and a set-based inbox.

The runtime's consumer asks `mark_processed` once per message, each a round trip to the
database; under load that was most of a batch's time (profile in bench/README.md). Here the
claims are only collected, and `settle_inbox` writes them all in one statement and says which
messages were already applied, so the consumer handler can skip them. `commit` settles claims
nobody settled, so an entry is never lost.
"""

from __future__ import annotations

from typing import Self

from inventory_runtime.db import inbox_table
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import text

from reservation.repository import Repository, SqlRepository

_CLAIM = text(
    f"""
    INSERT INTO {inbox_table.name} (consumer, event_id)
    SELECT * FROM unnest(CAST(:consumers AS text[]), CAST(:event_ids AS text[]))
    ON CONFLICT DO NOTHING
    RETURNING event_id
    """
)


class ReservationUnitOfWork(UnitOfWork):
    """The runtime's unit of work with a `SqlRepository` on its session and batched inbox."""

    reservations: Repository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.reservations = SqlRepository(self.session)
        self._claims: list[tuple[str, str]] = []
        return self

    async def mark_processed(self, consumer: str, event_id: str) -> bool:
        """Claim `event_id` for `consumer`; the answer comes from `settle_inbox`."""
        self._claims.append((consumer, event_id))
        return True

    async def settle_inbox(self) -> set[str]:
        """Write the claimed inbox entries at once; return the ids applied before."""
        claims, self._claims = self._claims, []
        if not claims:
            return set()
        rows = await self.session.execute(
            _CLAIM,
            {"consumers": [c for c, _ in claims], "event_ids": [e for _, e in claims]},
        )
        new = set(rows.scalars())
        return {event_id for _, event_id in claims if event_id not in new}

    async def commit(self) -> None:
        await self.settle_inbox()
        await super().commit()
