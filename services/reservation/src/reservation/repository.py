"""Reading and writing reservation state in PostgreSQL, inside the unit of work's transaction.

Locking discipline (what keeps concurrent consumers and requests from overselling or
deadlocking): a reservation row is locked before any stock point, and stock points are always
locked in (sku, location) order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol, Self

from inventory_contracts import ShortLine
from inventory_runtime.uow import UnitOfWork, UnitOfWorkProtocol
from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reservation.db import (
    applied_movements,
    early_cancellations,
    items,
    locations,
    reservation_lines,
    reservations,
    stock_points,
)
from reservation.domain import (
    InsufficientStock,
    MasterData,
    PointKey,
    Reservation,
    ReservationLine,
    StockPoint,
)

# The one statement that writes a reservation: it adds to `reserved` only where the
# available-to-promise still covers the quantity, so even a caller that skipped the lock could
# not oversell; the caller checks that every line matched.
_RESERVE = text(
    """
    UPDATE stock_points AS sp
       SET reserved = sp.reserved + wanted.quantity, updated_at = now()
      FROM unnest(CAST(:skus AS text[]), CAST(:locations AS text[]),
                  CAST(:quantities AS numeric[])) AS wanted(sku, location, quantity)
     WHERE sp.sku = wanted.sku AND sp.location = wanted.location
       AND sp.on_hand - sp.reserved >= wanted.quantity
    RETURNING sp.sku, sp.location
    """
)


class Repository(Protocol):
    """What the handlers need from storage (`SqlRepository`, or a fake in unit tests)."""

    async def upsert_item(self, sku: str, active: bool) -> None: ...
    async def upsert_location(self, location: str, active: bool) -> None: ...
    async def master_data(self, keys: Iterable[PointKey]) -> MasterData: ...
    async def lock_points(
        self, keys: Iterable[PointKey], *, create: bool = False
    ) -> dict[PointKey, StockPoint]: ...
    async def reserve(self, lines: Sequence[ReservationLine]) -> None: ...
    async def save_points(self, points: Iterable[StockPoint]) -> None: ...
    async def get(self, order_id: str, *, for_update: bool = False) -> Reservation | None: ...
    async def add(self, reservation: Reservation) -> None: ...
    async def save(self, reservation: Reservation) -> None: ...
    async def remember_cancel(self, order_id: str, reason: str | None) -> None: ...
    async def was_cancelled_early(self, order_id: str) -> bool: ...
    async def first_application(self, movement_id: str) -> bool: ...


class ReservationUoW(UnitOfWorkProtocol, Protocol):
    """A unit of work with the reservation repository on it."""

    reservations: Repository


class SqlRepository:
    """`Repository` over the unit of work's SQLAlchemy session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert_item(self, sku: str, active: bool) -> None:
        statement = insert(items).values(sku=sku, active=active)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["sku"], set_={"active": active, "updated_at": func.now()}
            )
        )

    async def upsert_location(self, location: str, active: bool) -> None:
        statement = insert(locations).values(location=location, active=active)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["location"], set_={"active": active, "updated_at": func.now()}
            )
        )

    async def master_data(self, keys: Iterable[PointKey]) -> MasterData:
        keys = list(keys)
        skus = {sku for sku, _ in keys}
        codes = {location for _, location in keys}
        item_rows = await self.session.execute(
            select(items.c.sku, items.c.active).where(items.c.sku.in_(skus))
        )
        location_rows = await self.session.execute(
            select(locations.c.location, locations.c.active).where(locations.c.location.in_(codes))
        )
        return MasterData(
            items={row.sku: row.active for row in item_rows},
            locations={row.location: row.active for row in location_rows},
        )

    async def lock_points(
        self, keys: Iterable[PointKey], *, create: bool = False
    ) -> dict[PointKey, StockPoint]:
        ordered = sorted(set(keys))
        if not ordered:
            return {}
        if create:
            rows = [{"sku": sku, "location": location} for sku, location in ordered]
            await self.session.execute(insert(stock_points).values(rows).on_conflict_do_nothing())
        result = await self.session.execute(
            select(stock_points.c.sku, stock_points.c.location, stock_points.c.on_hand)
            .add_columns(stock_points.c.reserved)
            .where(tuple_(stock_points.c.sku, stock_points.c.location).in_(ordered))
            .order_by(stock_points.c.sku, stock_points.c.location)
            .with_for_update()
        )
        return {
            (row.sku, row.location): StockPoint(
                row.sku, row.location, _n(row.on_hand), _n(row.reserved)
            )
            for row in result
        }

    async def reserve(self, lines: Sequence[ReservationLine]) -> None:
        ordered = sorted(lines, key=lambda line: line.key)
        result = await self.session.execute(
            _RESERVE,
            {
                "skus": [line.sku for line in ordered],
                "locations": [line.location for line in ordered],
                "quantities": [line.reserved for line in ordered],
            },
        )
        matched = len(result.all())
        if matched != len(ordered):
            raise InsufficientStock(f"only {matched} of {len(ordered)} lines could be reserved")

    async def save_points(self, points: Iterable[StockPoint]) -> None:
        for point in sorted(points, key=lambda p: p.key):
            await self.session.execute(
                update(stock_points)
                .where(stock_points.c.sku == point.sku, stock_points.c.location == point.location)
                .values(on_hand=point.on_hand, reserved=point.reserved, updated_at=func.now())
            )

    async def get(self, order_id: str, *, for_update: bool = False) -> Reservation | None:
        query = select(reservations).where(reservations.c.order_id == order_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).one_or_none()
        if row is None:
            return None
        line_rows = await self.session.execute(
            select(reservation_lines)
            .where(reservation_lines.c.order_id == order_id)
            .order_by(reservation_lines.c.line_no)
        )
        return _reservation(row._mapping, [line._mapping for line in line_rows])

    async def add(self, reservation: Reservation) -> None:
        await self.session.execute(
            insert(reservations).values(
                order_id=reservation.order_id,
                reservation_id=reservation.reservation_id,
                status=reservation.status,
                reason=reservation.reason,
                message=reservation.message,
                short_lines=[s.model_dump(mode="json") for s in reservation.short_lines],
                priority=reservation.priority,
                customer_id=reservation.customer_id,
                expires_at=reservation.expires_at,
            )
        )
        await self.session.execute(
            insert(reservation_lines).values(
                [_line_values(reservation.order_id, line) for line in reservation.lines]
            )
        )

    async def save(self, reservation: Reservation) -> None:
        await self.session.execute(
            update(reservations)
            .where(reservations.c.order_id == reservation.order_id)
            .values(status=reservation.status, updated_at=func.now())
        )
        for line in reservation.lines:
            await self.session.execute(
                update(reservation_lines)
                .where(
                    reservation_lines.c.order_id == reservation.order_id,
                    reservation_lines.c.line_no == line.line_no,
                )
                .values(released=line.released, fulfilled=line.fulfilled)
            )

    async def remember_cancel(self, order_id: str, reason: str | None) -> None:
        statement = insert(early_cancellations).values(order_id=order_id, reason=reason)
        await self.session.execute(statement.on_conflict_do_nothing())

    async def was_cancelled_early(self, order_id: str) -> bool:
        found = await self.session.scalar(
            select(early_cancellations.c.order_id).where(early_cancellations.c.order_id == order_id)
        )
        return found is not None

    async def first_application(self, movement_id: str) -> bool:
        statement = (
            insert(applied_movements)
            .values(movement_id=movement_id)
            .on_conflict_do_nothing()
            .returning(applied_movements.c.movement_id)
        )
        return await self.session.scalar(statement) is not None


def _n(quantity: Decimal) -> Decimal:
    """NUMERIC(38, 12) comes back as 4.000000000000; people and events want 4."""
    return quantity.normalize()


def _line_values(order_id: str, line: ReservationLine) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "line_no": line.line_no,
        "sku": line.sku,
        "location": line.location,
        "requested": line.requested,
        "reserved": line.reserved,
        "released": line.released,
        "fulfilled": line.fulfilled,
    }


def _reservation(row: Any, lines: Sequence[Any]) -> Reservation:
    return Reservation(
        order_id=row["order_id"],
        status=row["status"],
        lines=[
            ReservationLine(
                line_no=line["line_no"],
                sku=line["sku"],
                location=line["location"],
                requested=_n(line["requested"]),
                reserved=_n(line["reserved"]),
                released=_n(line["released"]),
                fulfilled=_n(line["fulfilled"]),
            )
            for line in lines
        ],
        reason=row["reason"],
        message=row["message"],
        short_lines=tuple(ShortLine.model_validate(s) for s in row["short_lines"]),
        priority=row["priority"],
        customer_id=row["customer_id"],
        expires_at=row["expires_at"],
    )


class ReservationUnitOfWork(UnitOfWork):
    """The runtime's unit of work with a `SqlRepository` on its session."""

    reservations: Repository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.reservations = SqlRepository(self.session)
        return self


async def stock_point(session: AsyncSession, sku: str, location: str) -> StockPoint | None:
    """One stock point, unlocked (for reading over the API)."""
    row = (
        await session.execute(
            select(stock_points).where(
                stock_points.c.sku == sku, stock_points.c.location == location
            )
        )
    ).one_or_none()
    return None if row is None else StockPoint(sku, location, _n(row.on_hand), _n(row.reserved))


async def stock_points_of(
    session: AsyncSession, sku: str | None, location: str | None, limit: int
) -> list[StockPoint]:
    """Stock points filtered by SKU and/or location, in (sku, location) order."""
    query = select(stock_points).order_by(stock_points.c.sku, stock_points.c.location)
    if sku is not None:
        query = query.where(stock_points.c.sku == sku)
    if location is not None:
        query = query.where(stock_points.c.location == location)
    rows = await session.execute(query.limit(limit))
    return [StockPoint(r.sku, r.location, _n(r.on_hand), _n(r.reserved)) for r in rows]


async def is_known(session: AsyncSession, sku: str, location: str) -> bool:
    """Both the SKU and the location arrived in master data."""
    found_sku = await session.scalar(select(items.c.sku).where(items.c.sku == sku))
    found_location = await session.scalar(
        select(locations.c.location).where(locations.c.location == location)
    )
    return found_sku is not None and found_location is not None
