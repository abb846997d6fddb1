"""Fixtures of the replenishment tests: an in-memory unit of work, and a migrated database."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.http import install_http_plumbing
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from inventory_runtime.uow import RecordsEvents
from replenishment import api
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.api.routers import ROUTERS
from replenishment.config import ReplenishmentSettings
from replenishment.domain import (
    Item,
    Policy,
    Position,
    PurchaseOrder,
    Requisition,
    StockPointKey,
    Supplier,
)
from replenishment.domain.demand import OrderDemand
from replenishment.main import MIGRATIONS
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
Track = Callable[[RecordsEvents], None]


class FakeMasterData:
    def __init__(self) -> None:
        self.items: dict[str, Item] = {}
        self.suppliers: dict[str, Supplier] = {}
        self.locations: dict[str, tuple[str, bool]] = {}
        self.records: dict[tuple[str, str], dict[str, Any]] = {}

    async def upsert_record(self, kind: str, key: str, record: dict[str, Any]) -> None:
        self.records[(kind, key)] = record

    async def upsert_records(self, kind: str, records: dict[str, dict[str, Any]]) -> None:
        for key, record in records.items():
            self.records[(kind, key)] = record

    async def upsert_items(self, batch: Sequence[Item]) -> None:
        for item in batch:
            self.items[item.sku] = item

    async def record(self, kind: str, key: str) -> dict[str, Any] | None:
        return self.records.get((kind, key))

    async def upsert_item(self, item: Item) -> None:
        self.items[item.sku] = item

    async def upsert_location(self, location: str, name: str, active: bool) -> None:
        self.locations[location] = (name, active)

    async def upsert_supplier(self, supplier: Supplier) -> None:
        self.suppliers[supplier.supplier_id] = supplier

    async def item(self, sku: str) -> Item | None:
        return self.items.get(sku)

    async def supplier(self, supplier_id: str) -> Supplier | None:
        return self.suppliers.get(supplier_id)


class FakePolicies:
    def __init__(self) -> None:
        self.rows: dict[StockPointKey, Policy] = {}

    async def get(self, sku: str, location: str) -> Policy | None:
        return self.rows.get((sku, location))

    async def get_many(self, points: Collection[StockPointKey]) -> dict[StockPointKey, Policy]:
        return {point: self.rows[point] for point in points if point in self.rows}

    async def save(self, policy: Policy) -> None:
        self.rows[(policy.sku, policy.location)] = policy


class FakePositions:
    def __init__(self) -> None:
        self.rows: dict[StockPointKey, Position] = {}

    async def lock(self, sku: str, location: str) -> Position:
        stored = self.rows.setdefault((sku, location), Position(sku, location))
        return dataclasses.replace(stored)

    async def lock_many(self, points: Collection[StockPointKey]) -> dict[StockPointKey, Position]:
        return {point: await self.lock(*point) for point in points}

    async def get(self, sku: str, location: str) -> Position | None:
        return self.rows.get((sku, location))

    async def save(self, position: Position) -> None:
        self.rows[(position.sku, position.location)] = dataclasses.replace(position)

    async def save_many(self, positions: Sequence[Position]) -> None:
        for position in positions:
            await self.save(position)


class FakeRequisitions:
    """Like the SQL repository, tracks what it loads and adds (not what it refuses)."""

    def __init__(self, track: Track) -> None:
        self.rows: dict[str, Requisition] = {}
        self._track = track

    async def get(self, requisition_id: str, *, for_update: bool = False) -> Requisition | None:
        found = self.rows.get(requisition_id)
        return self._loaded(found)

    async def open_for(self, sku: str, location: str) -> Requisition | None:
        found = next(
            (r for r in self.rows.values() if (r.sku, r.location) == (sku, location) and r.is_open),
            None,
        )
        return self._loaded(found)

    def _loaded(self, stored: Requisition | None) -> Requisition | None:
        if stored is None:
            return None
        loaded = dataclasses.replace(stored, events=[])
        self._track(loaded)
        return loaded

    async def stock_points_with_open(self, points: Collection[StockPointKey]) -> set[StockPointKey]:
        return {point for point in points if await self.open_for(*point)}

    async def add_if_none_open(self, requisition: Requisition) -> bool:
        if await self.open_for(requisition.sku, requisition.location):
            return False
        self.rows[requisition.requisition_id] = dataclasses.replace(requisition, events=[])
        self._track(requisition)
        return True

    async def save(self, requisition: Requisition) -> None:
        self.rows[requisition.requisition_id] = dataclasses.replace(requisition, events=[])


class FakePurchaseOrders:
    """Like the SQL repository, tracks what it loads and adds."""

    def __init__(self, track: Track) -> None:
        self.rows: dict[str, PurchaseOrder] = {}
        self.receipts: dict[str, tuple[str, Decimal, datetime]] = {}
        self._track = track

    async def add(self, order: PurchaseOrder) -> None:
        self.rows[order.purchase_order_id] = dataclasses.replace(order, events=[])
        self._track(order)

    async def get(
        self, purchase_order_id: str, *, for_update: bool = False
    ) -> PurchaseOrder | None:
        found = self.rows.get(purchase_order_id)
        if found is None:
            return None
        loaded = dataclasses.replace(found, events=[])
        self._track(loaded)
        return loaded

    async def save(self, order: PurchaseOrder) -> None:
        self.rows[order.purchase_order_id] = dataclasses.replace(order, events=[])

    async def record_receipt(
        self, purchase_order_id: str, movement_id: str, quantity: Decimal, received_at: datetime
    ) -> bool:
        if movement_id in self.receipts:
            return False
        self.receipts[movement_id] = (purchase_order_id, quantity, received_at)
        return True


class FakeDemand:
    def __init__(self) -> None:
        self.lines: dict[tuple[str, str, str], Decimal] = {}
        self.daily: dict[tuple[str, str, date], tuple[Decimal, int]] = {}

    async def record_many(self, demand: Sequence[OrderDemand]) -> None:
        for line in demand:
            if (line.order_id, line.sku, line.location) in self.lines:
                continue
            self.lines[(line.order_id, line.sku, line.location)] = line.quantity
            key = (line.sku, line.location, line.demand_date)
            total, count = self.daily.get(key, (Decimal(0), 0))
            self.daily[key] = (total + line.quantity, count + 1)


class FakeReplenishmentUoW(FakeUnitOfWork):
    """`ports.ReplenishmentUoW` in memory: repositories keep state across transactions."""

    def __init__(self) -> None:
        super().__init__(source="/services/replenishment")
        self.master_data = FakeMasterData()
        self.policies = FakePolicies()
        self.positions = FakePositions()
        self.requisitions = FakeRequisitions(self.track)
        self.purchase_orders = FakePurchaseOrders(self.track)
        self.demand = FakeDemand()


@pytest.fixture
def uow() -> FakeReplenishmentUoW:
    """An in-memory unit of work with item SKU-1 (cost 12.50) and supplier SUP-1 (7 days)."""
    fake = FakeReplenishmentUoW()
    fake.master_data.items["SKU-1"] = Item("SKU-1", "Widget", "parts", Decimal("12.50"))
    fake.master_data.suppliers["SUP-1"] = Supplier("SUP-1", "Acme", 7)
    return fake


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: NOW


# --- integration: a migrated database per test module ---


@pytest.fixture(scope="module")
async def replenishment_db(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """URL of a fresh database with the replenishment migrations applied (dropped after)."""
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = await fresh_database(database_url, module)
    await migrate_async(url, MIGRATIONS)
    yield url
    await drop_database(url)


@pytest.fixture
async def session_factory(replenishment_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(replenishment_db, pool_size=10)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def make_uow(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[[], ReplenishmentUnitOfWork]:
    """Factory of real units of work on the module's database."""
    return lambda: ReplenishmentUnitOfWork(session_factory, source="/services/replenishment")


# --- the HTTP API, as a token's holder calls it ---

PLANNER_LOGIN = "sun.planner"


@pytest.fixture
def api_app(make_uow: Callable[[], ReplenishmentUnitOfWork]) -> FastAPI:
    """The replenishment routers on the test database, trusting the test issuer's tokens."""
    app = FastAPI()
    install_http_plumbing(app)
    app.state.token_verifier = ReplenishmentSettings().token_verifier()
    for router in ROUTERS:
        app.include_router(router)
    app.dependency_overrides[api.get_uow] = make_uow
    return app


ClientOf = Callable[..., httpx.AsyncClient]


@pytest.fixture
def client_of() -> ClientOf:
    """`client_of(app, *roles, login=...)`: a client sending a token with those roles."""
    return _client_of


def _client_of(app: FastAPI, *roles: str, login: str = PLANNER_LOGIN) -> httpx.AsyncClient:
    """A client of `app` sending a test token of `login` with `roles` (default: planner)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers=TEST_ISSUER.headers(*(roles or ("planner",)), login=login),
    )
