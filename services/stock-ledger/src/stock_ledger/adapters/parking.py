"""The repository of messages waiting for their master data (`parked_messages`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters.tables import parked_messages as P
from stock_ledger.domain.parking import ParkedMessage, ParkedStatus


def _parked(row: Any) -> ParkedMessage:
    return ParkedMessage(
        event_id=row.event_id, event_type=row.event_type, source=row.source,
        correlation_id=row.correlation_id, data=row.data,
        waiting_skus=tuple(row.waiting_skus), waiting_locations=tuple(row.waiting_locations),
        status=row.status, reason=row.reason, parked_at=row.parked_at,
    )  # fmt: skip


class SqlParking:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def park(self, message: ParkedMessage) -> None:
        """Keep the message (a redelivery of one already parked changes nothing)."""
        values = {name: getattr(message, name) for name in (
            "event_id", "event_type", "source", "correlation_id", "data", "waiting_skus",
            "waiting_locations", "status", "reason")}  # fmt: skip
        await self._session.execute(insert(P).values(values).on_conflict_do_nothing())

    async def waiting_for(
        self, skus: Sequence[str], locations: Sequence[str]
    ) -> list[ParkedMessage]:
        """The waiting messages that need any of these SKUs or locations, oldest first,
        locked (two instances never post one twice)."""
        wanted = []
        if skus:
            wanted.append(P.c.waiting_skus.overlap(list(skus)))
        if locations:
            wanted.append(P.c.waiting_locations.overlap(list(locations)))
        if not wanted:
            return []
        query = (
            select(P)
            .where(P.c.status == "waiting", or_(*wanted))
            .order_by(P.c.parked_at, P.c.event_id)
            .with_for_update(skip_locked=True)
        )
        return [_parked(row) for row in await self._session.execute(query)]

    async def settle(self, event_id: str) -> None:
        """The message posted: it waits no more."""
        await self._session.execute(P.delete().where(P.c.event_id == event_id))

    async def keep(
        self,
        event_id: str,
        status: ParkedStatus,
        reason: str,
        skus: Sequence[str] = (),
        locations: Sequence[str] = (),
    ) -> None:
        """Still waiting (for what is still missing) or failed, with the reason."""
        values = {"status": status, "reason": reason, "waiting_skus": list(skus),
                  "waiting_locations": list(locations), "changed_at": func.now()}  # fmt: skip
        await self._session.execute(update(P).where(P.c.event_id == event_id).values(values))

    async def find(self, status: ParkedStatus | None, limit: int) -> list[ParkedMessage]:
        query = select(P).order_by(P.c.parked_at, P.c.event_id).limit(limit)
        if status is not None:
            query = query.where(P.c.status == status)
        return [_parked(row) for row in await self._session.execute(query)]

    async def counts(self) -> dict[str, int]:
        query = select(P.c.status, func.count()).group_by(P.c.status)
        return {status: int(n) for status, n in await self._session.execute(query)}
