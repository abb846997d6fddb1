"""Reading and writing reservation state in PostgreSQL, inside the unit of work's transaction.

Locking discipline (what keeps concurrent consumers and requests from overselling or
deadlocking): a reservation row is locked before any stock point, and stock points are always
locked in (sku, location) order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from inventory_runtime.db import text_array
from sqlalchemy import any_, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reservation.adapters.rows import (
    LINE_QUANTITIES,
    NEW_LINE,
    line_columns,
    normalized,
    point_columns,
    point_keys,
    point_of,
    reservation_columns,
    reservation_of,
)
from reservation.adapters.sql import (
    BACKORDERS,
    CREATE_POINTS,
    FILL_LINES,
    FIRST_APPLICATIONS,
    LOCK_ORDERS,
    LOCK_POINTS,
    PLACING_CONTEXT,
    RECORD_PLACEMENTS,
    SAVE_LINES,
    SAVE_POINTS,
    SAVE_STATUSES,
)
from reservation.adapters.tables import (
    EXPIRABLE,
    backorder_fills,
    early_cancellations,
    locations,
    reservation_lines,
    reservations,
)
from reservation.domain import (
    Allocation,
    Backorder,
    InsufficientStock,
    MasterData,
    PointKey,
    Reservation,
    StockPoint,
)
from reservation.ports import OrderContext, Track

UPSERT_ITEMS = text(
    "INSERT INTO items (sku, active) SELECT * FROM unnest(CAST(:skus AS text[]),"
    " CAST(:actives AS boolean[])) ON CONFLICT (sku) DO UPDATE"
    " SET active = excluded.active, updated_at = now()"
)


class SqlRepository:
    """`Repository` over the unit of work's SQLAlchemy session: few, set-based statements.
    What it loads or adds it hands to `track`, so the events recorded on it are published."""

    def __init__(self, session: AsyncSession, track: Track) -> None:
        self.session = session
        self.track = track

    async def upsert_item(self, sku: str, active: bool) -> None:
        await self.upsert_items({sku: active})

    async def upsert_items(self, states: dict[str, bool]) -> None:
        """Items' active flags in one statement."""
        await self.session.execute(
            UPSERT_ITEMS, {"skus": list(states), "actives": list(states.values())}
        )

    async def upsert_location(self, location: str, active: bool) -> None:
        statement = insert(locations).values(location=location, active=active)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["location"], set_={"active": active, "updated_at": func.now()}
            )
        )

    async def lock_points(
        self, keys: Iterable[PointKey], *, create: bool = False
    ) -> dict[PointKey, StockPoint]:
        columns = point_keys(keys)
        if not columns["point_skus"]:
            return {}
        if create:
            await self.session.execute(CREATE_POINTS, columns)
        result = await self.session.execute(LOCK_POINTS, columns)
        points = [point_of(row.sku, row.location, row.on_hand, row.reserved) for row in result]
        self.track(*points)
        return {point.key: point for point in points}

    async def save_points(self, points: Iterable[StockPoint]) -> None:
        columns = point_columns(points)
        if not columns["point_skus"]:
            return
        result = await self.session.execute(SAVE_POINTS, columns)
        _check_saved(result.rowcount, len(columns["point_skus"]))  # type: ignore[attr-defined]

    async def placing_context(
        self, order_ids: Iterable[str], keys: Iterable[PointKey]
    ) -> OrderContext:
        """Lock the points of `keys` and read what else deciding `order_ids` needs, at once."""
        columns = point_keys(keys)
        rows = await self.session.execute(
            PLACING_CONTEXT,
            {
                **columns,
                "order_ids": list(order_ids),
                "skus": list(set(columns["point_skus"])),
                "locations": list(set(columns["point_locations"])),
            },
        )
        points: dict[PointKey, StockPoint] = {}
        found: dict[str, dict[str, bool | None]] = defaultdict(dict)
        for row in rows:
            if row.kind == "point":
                point = point_of(row.code, row.location, row.on_hand, row.reserved)
                points[point.key] = point
            else:
                found[row.kind][row.code] = row.active
        return OrderContext(
            points=points,
            answered=set(found["answered"]),
            cancelled_early=set(found["cancelled"]),
            master=MasterData(
                items={sku: bool(active) for sku, active in found["item"].items()},
                locations={code: bool(active) for code, active in found["location"].items()},
            ),
        )

    async def get(self, order_id: str, *, for_update: bool = False) -> Reservation | None:
        return (await self.get_many([order_id], for_update=for_update)).get(order_id)

    async def lock_orders(self, order_ids: Iterable[str]) -> None:
        """Lock these reservations' rows (in order-id order: concurrent lockers cannot cross)."""
        ids = list(order_ids)
        if ids:
            await self.session.execute(LOCK_ORDERS, {"order_ids": ids})

    async def get_many(
        self, order_ids: Iterable[str], *, for_update: bool = False
    ) -> dict[str, Reservation]:
        """The reservations of `order_ids` with their lines; `for_update` also locks their rows
        (in order-id order, like `lock_orders`)."""
        ids = text_array(list(order_ids))
        query = select(reservations).where(reservations.c.order_id == any_(ids))
        if for_update:
            query = query.order_by(reservations.c.order_id).with_for_update()
        rows = await self.session.execute(query)
        found = {row.order_id: row._mapping for row in rows}
        if not found:
            return {}
        lines: dict[str, list[Any]] = {order_id: [] for order_id in found}
        line_rows = await self.session.execute(
            select(reservation_lines)
            .where(reservation_lines.c.order_id == any_(ids))
            .order_by(reservation_lines.c.order_id, reservation_lines.c.line_no)
        )
        for line in line_rows:
            lines[line.order_id].append(line._mapping)
        loaded = {order_id: reservation_of(row, lines[order_id]) for order_id, row in found.items()}
        self.track(*loaded.values())
        return loaded

    async def record_placements(
        self, points: Sequence[StockPoint], decided: Sequence[Reservation]
    ) -> None:
        """Save the points a batch of orders changed and add its reservations, in one go."""
        columns = point_columns(points)
        saved = await self.session.scalar(
            RECORD_PLACEMENTS,
            {
                **columns,
                **reservation_columns(decided),
                **line_columns(decided, NEW_LINE),
            },
        )
        _check_saved(saved, len(columns["point_skus"]))
        # The outcomes first: they lead the outbox, so the relay sends them in its first round.
        self.track(*decided, *points)

    async def save_all(self, changed: Iterable[Reservation]) -> None:
        ordered = sorted(changed, key=lambda r: r.order_id)
        if not ordered:
            return
        await self.session.execute(
            SAVE_STATUSES,
            {"order_ids": [r.order_id for r in ordered], "statuses": [r.status for r in ordered]},
        )
        await self.session.execute(SAVE_LINES, line_columns(ordered, LINE_QUANTITIES))

    async def backorders_at(self, keys: Iterable[PointKey]) -> dict[PointKey, list[Backorder]]:
        ordered = sorted(set(keys))
        if not ordered:
            return {}
        rows = await self.session.execute(
            BACKORDERS, {"skus": [k[0] for k in ordered], "locations": [k[1] for k in ordered]}
        )
        waiting: dict[PointKey, list[Backorder]] = {}
        for row in rows:
            waiting.setdefault((row.sku, row.location), []).append(
                Backorder(
                    row.order_id,
                    row.line_no,
                    normalized(row.backordered),
                    row.priority,
                    row.placed_seq,
                )
            )
        return waiting

    async def record_fills(self, allocation: Allocation, now: datetime) -> None:
        fills = allocation.fills
        if not fills:
            return
        self.track(allocation)
        await self.session.execute(
            FILL_LINES,
            {
                "order_ids": [f.order_id for f in fills],
                "line_nos": [f.line_no for f in fills],
                "quantities": [f.quantity for f in fills],
            },
        )
        await self.session.execute(
            insert(backorder_fills),
            [
                {
                    "order_id": f.order_id,
                    "line_no": f.line_no,
                    "quantity": f.quantity,
                    "filled_at": now,
                }
                for f in fills
            ],
        )

    async def lock_expired(self, now: datetime, limit: int) -> list[str]:
        rows = await self.session.execute(
            select(reservations.c.order_id)
            # The literal predicate of the partial index: with `status = $1` a generic plan of
            # this prepared statement cannot use it and scans every reservation each second.
            .where(EXPIRABLE, reservations.c.expires_at <= now)
            .order_by(reservations.c.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows.scalars())

    async def remember_cancel(self, order_id: str, reason: str | None) -> None:
        statement = insert(early_cancellations).values(order_id=order_id, reason=reason)
        await self.session.execute(statement.on_conflict_do_nothing())

    async def was_cancelled_early(self, order_id: str) -> bool:
        found = await self.session.scalar(
            select(early_cancellations.c.order_id).where(early_cancellations.c.order_id == order_id)
        )
        return found is not None

    async def first_applications(self, movement_ids: Iterable[str]) -> set[str]:
        ids = list(movement_ids)
        if not ids:
            return set()
        rows = await self.session.execute(FIRST_APPLICATIONS, {"movement_ids": ids})
        return set(rows.scalars())


def _check_saved(saved: int, expected: int) -> None:
    """Every point saved was locked in this transaction, so it must still be there."""
    if saved != expected:
        raise InsufficientStock(f"only {saved} of {expected} points saved")
