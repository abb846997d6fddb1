"""Fakes and builders shared by the reservation tests."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from fastapi import FastAPI
from inventory_contracts import (
    Event,
    ItemUpserted,
    LocationUpserted,
    OrderCancelled,
    OrderLine,
    OrderPlaced,
    StockMoved,
)
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import create_session_factory
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from reservation.domain import (
    Allocation,
    Backorder,
    Fill,
    MasterData,
    PointKey,
    Reservation,
    StockPoint,
    apply_fill,
    is_expired,
)
from reservation.main import MIGRATIONS
from reservation.ports import OrderContext, Track
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .fakes import FakeQuotes, FakeSupply

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _point_copy(point: StockPoint) -> StockPoint:
    return replace(point, events=[])


def _reservation_copy(reservation: Reservation) -> Reservation:
    return replace(reservation, lines=copy.deepcopy(reservation.lines), events=[])


class FakeRepository:
    """In-memory `Repository`: hands out copies, so a handler that forgets to save is caught;
    tracks what it hands out or is given, as the SQL one does."""

    def __init__(self, track: Track) -> None:
        self.track = track
        self.items: dict[str, bool] = {}
        self.locations: dict[str, bool] = {}
        self.points: dict[PointKey, StockPoint] = {}
        self.reservations: dict[str, Reservation] = {}
        self.sequence: dict[str, int] = {}
        self.cancelled_early: set[str] = set()
        self.movements: set[str] = set()
        self.fills: list[Fill] = []

    async def upsert_item(self, sku: str, active: bool) -> None:
        self.items[sku] = active

    async def upsert_items(self, states: dict[str, bool]) -> None:
        self.items.update(states)

    async def upsert_location(self, location: str, active: bool) -> None:
        self.locations[location] = active

    def _locked(self, keys: Iterable[PointKey], create: bool) -> dict[PointKey, StockPoint]:
        found = {}
        for key in sorted(set(keys)):
            if key not in self.points and create:
                self.points[key] = StockPoint(*key)
            if key in self.points:
                found[key] = _point_copy(self.points[key])
        return found

    async def lock_points(
        self, keys: Iterable[PointKey], *, create: bool = False
    ) -> dict[PointKey, StockPoint]:
        found = self._locked(keys, create)
        self.track(*found.values())
        return found

    async def save_points(self, points: Iterable[StockPoint]) -> None:
        for point in points:
            assert point.key in self.points, "saving a point that was never locked"
            self.points[point.key] = _point_copy(point)

    async def placing_context(
        self, order_ids: Iterable[str], keys: Iterable[PointKey]
    ) -> OrderContext:
        ids = set(order_ids)
        return OrderContext(
            points=self._locked(keys, create=False),
            answered=ids & set(self.reservations),
            cancelled_early=ids & self.cancelled_early,
            master=MasterData(items=dict(self.items), locations=dict(self.locations)),
        )

    async def get(self, order_id: str, *, for_update: bool = False) -> Reservation | None:
        return (await self.get_many([order_id])).get(order_id)

    async def lock_orders(self, order_ids: Iterable[str]) -> None:
        pass

    async def get_many(
        self, order_ids: Iterable[str], *, for_update: bool = False
    ) -> dict[str, Reservation]:
        found = {
            o: _reservation_copy(self.reservations[o]) for o in order_ids if o in self.reservations
        }
        self.track(*found.values())
        return found

    async def record_placements(
        self, points: Sequence[StockPoint], decided: Sequence[Reservation]
    ) -> None:
        await self.save_points(points)
        for reservation in decided:
            assert reservation.order_id not in self.reservations, "duplicate order id"
            self.reservations[reservation.order_id] = _reservation_copy(reservation)
            self.sequence[reservation.order_id] = len(self.sequence)
        self.track(*decided, *points)

    async def save_all(self, changed: Iterable[Reservation]) -> None:
        for reservation in changed:
            self.reservations[reservation.order_id] = _reservation_copy(reservation)

    async def backorders_at(self, keys: Iterable[PointKey]) -> dict[PointKey, list[Backorder]]:
        waiting: dict[PointKey, list[Backorder]] = {}
        for key in set(keys):
            found = [
                Backorder(r.order_id, line.line_no, line.backordered, r.priority, self.sequence[o])
                for o, r in self.reservations.items()
                if r.status == "reserved"
                for line in r.lines
                if line.key == key and line.backordered > 0
            ]
            if found:
                waiting[key] = found
        return waiting

    async def record_fills(self, allocation: Allocation, now: datetime) -> None:
        for fill in allocation.fills:
            line = self.reservations[fill.order_id].lines[fill.line_no - 1]
            apply_fill(line, fill)
            self.fills.append(fill)
        self.track(allocation)

    async def lock_expired(self, now: datetime, limit: int) -> list[str]:
        return [o for o, r in self.reservations.items() if is_expired(r, now)][:limit]

    async def remember_cancel(self, order_id: str, reason: str | None) -> None:
        self.cancelled_early.add(order_id)

    async def was_cancelled_early(self, order_id: str) -> bool:
        return order_id in self.cancelled_early

    async def first_applications(self, movement_ids: Iterable[str]) -> set[str]:
        first = set(movement_ids) - self.movements
        self.movements |= first
        return first


E = TypeVar("E", bound=Event)


class FakeReservationUoW(FakeUnitOfWork):
    """`ReservationUoW` in memory: the runtime's fake with a `FakeRepository` on it."""

    def __init__(self) -> None:
        super().__init__(source="/services/reservation")
        self.reservations = FakeRepository(self.track)
        self.supply = FakeSupply(self.reservations)
        self.quotes = FakeQuotes(self.track)

    def committed(self, kind: type[E]) -> list[E]:
        """The committed events of one class, in publication order (`events_of`, typed)."""
        return [p.event for p in self.published if isinstance(p.event, kind)]


@pytest.fixture
def uow() -> FakeReservationUoW:
    return FakeReservationUoW()


class Make:
    """Builders of the events the tests feed in."""

    now = NOW

    @staticmethod
    def order(
        order_id: str,
        *lines: tuple[str, str, str],
        allow_partial: bool = False,
        priority: int = 0,
        ttl: int | None = None,
    ) -> OrderPlaced:
        return OrderPlaced(
            order_id=order_id,
            allow_partial=allow_partial,
            priority=priority,
            reservation_ttl_seconds=ttl,
            lines=tuple(
                OrderLine(sku=sku, location=location, quantity=Decimal(quantity))
                for sku, location, quantity in lines
            ),
        )

    @staticmethod
    def cancel(order_id: str, *lines: tuple[str, str, str]) -> OrderCancelled:
        return OrderCancelled(
            order_id=order_id,
            lines=tuple(OrderLine(sku=s, location=loc, quantity=Decimal(q)) for s, loc, q in lines)
            or None,
        )

    @staticmethod
    def movement(
        movement_id: str,
        sku: str,
        location: str,
        delta: str,
        movement_type: str = "receipt",
        *,
        order_id: str | None = None,
        purchase_order_id: str | None = None,
    ) -> StockMoved:
        return StockMoved.model_validate(
            {
                "sku": sku,
                "location": location,
                "movement_id": movement_id,
                "quantity_delta": delta,
                "movement_type": movement_type,
                "unit_cost": "10",
                "value": str(Decimal(delta) * 10),
                "on_hand_after": "0",
                "document_id": f"DOC-{movement_id}",
                "document_type": "issue" if movement_type == "issue" else "receipt",
                "order_id": order_id,
                "purchase_order_id": purchase_order_id,
                "posted_at": NOW,
                "posted_by": "test",
            }
        )

    @staticmethod
    def item(sku: str, active: bool = True) -> ItemUpserted:
        return ItemUpserted(
            sku=sku, name=sku, unit_of_measure="pcs", category="test", unit_cost=1, active=active
        )

    @staticmethod
    def location(code: str, active: bool = True) -> LocationUpserted:
        return LocationUpserted(location=code, name=code, active=active)


@pytest.fixture(scope="session")
def make() -> type[Make]:
    return Make


@pytest.fixture(scope="module")
async def sessions(
    database_url: str, request: pytest.FixtureRequest
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated database of the test module's own (modules may define their own instead)."""
    url = await fresh_database(database_url, f"reservation_{Path(request.path).stem[-24:]}")
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=20, max_overflow=5)
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


def api_client(app: FastAPI, *roles: str, login: str = "zhao.op") -> httpx.AsyncClient:
    """A client of `app` calling with a bearer token of `login` holding `roles` (every role
    when none are given)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers=TEST_ISSUER.headers(*roles, login=login),
    )
