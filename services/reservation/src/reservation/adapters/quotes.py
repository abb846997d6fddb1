"""Quotes in PostgreSQL. Quote rows are locked before any stock point (like reservations), in
quote id order, so holds, orders and the expiry job never deadlock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from reservation.adapters.rows import normalized
from reservation.adapters.tables import quote_lines, quotes
from reservation.domain import PointKey
from reservation.domain.quotes import Quote, QuoteLineState
from reservation.ports import Track


class SqlQuotes:
    """`QuoteRepository` over the unit of work's session; what it loads or adds is tracked."""

    def __init__(self, session: AsyncSession, track: Track) -> None:
        self.session = session
        self.track = track

    async def add(self, quote: Quote) -> None:
        """Insert a new quote (its id is the primary key: a duplicate fails)."""
        await self.session.execute(
            quotes.insert().values(
                quote_id=quote.quote_id,
                status=quote.status,
                customer_id=quote.customer_id,
                expires_at=quote.expires_at,
            )
        )
        await self.session.execute(
            quote_lines.insert(),
            [
                {
                    "quote_id": quote.quote_id,
                    "line_no": line.line_no,
                    "sku": line.sku,
                    "location": line.location,
                    "quantity": line.quantity,
                    "held": line.held,
                }
                for line in quote.lines
            ],
        )
        self.track(quote)

    async def get(self, quote_id: str, *, for_update: bool = False) -> Quote | None:
        found = await self._load(select(quotes).where(quotes.c.quote_id == quote_id), for_update)
        return found.get(quote_id)

    async def lock_for_placing(
        self, quote_ids: Iterable[str], keys: Iterable[PointKey], now: datetime
    ) -> dict[str, Quote]:
        """Lock the quotes these orders convert, and the expired holds at these points (the
        orders may need what they hold); waits for a sweep already releasing one."""
        wanted = sorted(set(keys))
        condition: ColumnElement[bool] = quotes.c.quote_id.in_(sorted(set(quote_ids)))
        if wanted:
            line = quote_lines.c
            at_points = exists().where(
                line.quote_id == quotes.c.quote_id, tuple_(line.sku, line.location).in_(wanted)
            )
            expired = and_(quotes.c.status == "held", quotes.c.expires_at <= now, at_points)
            condition = condition | expired
        return await self._load(select(quotes).where(condition), True)

    async def lock_expired(self, now: datetime, limit: int) -> dict[str, Quote]:
        """Expired holds nobody else is working on (SKIP LOCKED), oldest first."""
        due = (
            select(quotes.c.quote_id)
            .where(quotes.c.status == "held", quotes.c.expires_at <= now)
            .order_by(quotes.c.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return await self._load(select(quotes).where(quotes.c.quote_id.in_(due)), False)

    async def save(self, changed: Iterable[Quote]) -> None:
        for quote in changed:
            await self.session.execute(
                update(quotes)
                .where(quotes.c.quote_id == quote.quote_id)
                .values(status=quote.status, order_id=quote.order_id, updated_at=func.now())
            )

    async def _load(self, query: Select[tuple[object, ...]], for_update: bool) -> dict[str, Quote]:
        if for_update:
            query = query.order_by(quotes.c.quote_id).with_for_update(of=quotes)
        rows = (await self.session.execute(query)).all()
        if not rows:
            return {}
        ids = [row.quote_id for row in rows]
        lines = await self.session.execute(
            select(quote_lines)
            .where(quote_lines.c.quote_id.in_(ids))
            .order_by(quote_lines.c.quote_id, quote_lines.c.line_no)
        )
        by_quote: dict[str, list[QuoteLineState]] = {quote_id: [] for quote_id in ids}
        for line in lines:
            by_quote[line.quote_id].append(
                QuoteLineState(
                    line.line_no,
                    line.sku,
                    line.location,
                    normalized(line.quantity),
                    normalized(line.held),
                )
            )
        found = {
            row.quote_id: Quote(
                row.quote_id,
                row.status,
                by_quote[row.quote_id],
                customer_id=row.customer_id,
                expires_at=row.expires_at,
                order_id=row.order_id,
            )
            for row in rows
        }
        self.track(*found.values())
        return found
