"""Fakes and builders shared by the stock-ledger tests."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import stock_ledger
from aiokafka.structs import ConsumerRecord
from fastapi import FastAPI
from inventory_contracts import (
    GoodsReceived,
    ItemUpserted,
    LocationUpserted,
    OrderLine,
    OrderShipped,
    ReceiptLine,
)
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.events.base import Event
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import create_session_factory
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.api import get_uow
from stock_ledger.api.common import variance_threshold
from stock_ledger.config import StockLedgerSettings
from stock_ledger.domain import (
    Balance,
    Consumption,
    CostLayer,
    Document,
    DocumentLine,
    Item,
    LaterOutbound,
    LedgerEntry,
    Location,
    PointKey,
    Posting,
)
from stock_ledger.domain.parking import ParkedMessage, ParkedStatus
from stock_ledger.main import create_app

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
E = TypeVar("E", bound=Event)
Later = tuple[str, str, LedgerEntry, Decimal]
"""(movement id, document id, entry, cost) of an outbound entry after a back-dated date."""


def _stored(document: Document) -> Document:
    """A copy as the database would keep it: the events it recorded are not part of it."""
    stored = copy.deepcopy(document)
    stored.events = []
    return stored


class FakeRepository:
    """In-memory `LedgerRepository`: hands out copies, so a handler that forgets to save is
    caught; tells the unit of work of the documents it hands out or is given, as the SQL one
    does."""

    def __init__(self, track: Callable[[Document], None]) -> None:
        self._track = track
        self.aging_refreshed: list[PointKey] = []
        self.items: dict[str, Item] = {}
        self.locations: dict[str, Location] = {}
        self.balances: dict[PointKey, Balance] = {}
        self.documents: dict[str, Document] = {}
        self.layers: dict[int, CostLayer] = {}
        self.consumptions: dict[str, list[tuple[int, Decimal]]] = {}

    async def upsert_item(self, item: ItemUpserted) -> None:
        self.items[item.sku] = Item(
            item.sku, item.unit_cost, item.currency, item.active, item.valuation_method,
            item.lot_tracked, item.expiry_managed, item.category,
        )  # fmt: skip

    async def upsert_items(self, batch: Sequence[ItemUpserted]) -> None:
        for item in batch:
            await self.upsert_item(item)

    async def upsert_location(self, location: LocationUpserted) -> None:
        self.locations[location.location] = Location(
            location.location, location.allow_negative_stock, location.active
        )

    async def master_data(
        self, keys: Iterable[PointKey]
    ) -> tuple[dict[str, Item], dict[str, Location]]:
        return dict(self.items), dict(self.locations)

    async def lock_balances(self, keys: Iterable[PointKey]) -> dict[PointKey, Balance]:
        for key in keys:
            self.balances.setdefault(key, Balance(*key))
        return {key: copy.copy(self.balances[key]) for key in sorted(set(keys))}

    async def save_balances(self, changed: Iterable[Balance]) -> None:
        for balance in changed:
            self.balances[balance.key] = copy.copy(balance)

    async def cost_state(
        self,
        keys: Iterable[PointKey],
        movements: Iterable[str] = (),
        backdated: Mapping[PointKey, date] | None = None,
    ) -> FakeCostState:
        state = FakeCostState()
        keys = set(keys)
        handed: dict[int, CostLayer] = {}

        def hand(layer_id: int) -> CostLayer:
            if layer_id not in handed:
                handed[layer_id] = copy.copy(self.layers[layer_id])
                layer = handed[layer_id]
                state.layers[(layer.sku, layer.location)].append(layer)
            return handed[layer_id]

        for layer_id, layer in self.layers.items():
            if (layer.sku, layer.location) in keys and layer.remaining > 0:
                hand(layer_id)
            if layer.movement_id in set(movements):
                hand(layer_id)
        later = self._later(backdated or {})
        for movement_id in [*movements, *(x[0] for x in later)]:
            for layer_id, quantity in self.consumptions.get(movement_id, []):
                state.consumed[movement_id].append(Consumption(hand(layer_id), quantity))
        for movement_id, document_id, entry, cost in later:
            assert entry.effective_date is not None
            state.later[(entry.sku, entry.location)].append(
                LaterOutbound(
                    movement_id, document_id, entry.effective_date, -entry.quantity_delta,
                    entry.lot, cost, tuple(state.consumed.get(movement_id, ())),
                    entry.movement_type == "issue",
                )
            )  # fmt: skip
        return state

    def _later(self, backdated: Mapping[PointKey, date]) -> list[Later]:
        reversed_ids = {d.reverses_document_id for d in self.documents.values()}
        entries = [
            (e, d) for d in self.documents.values() for e in d.entries if d.status == "posted"
        ]
        found: list[Later] = []
        for e, d in entries:
            day = backdated.get((e.sku, e.location))
            assert e.effective_date is not None
            if day is None or e.effective_date <= day or e.quantity_delta >= 0:
                continue
            if e.movement_type == "reversal" or d.document_id in reversed_ids:
                continue
            adjusted = sum(
                (a.value for a, _ in entries if a.adjusts_movement_id == e.movement_id), Decimal(0)
            )
            found.append((e.movement_id, d.document_id, e, -(e.value + adjusted)))
        order = {id(e): n for n, (e, _) in enumerate(entries)}
        found.sort(key=lambda x: (x[2].effective_date, order[id(x[2])]))
        return found

    async def save_posting(self, document: Document, posting: Posting) -> None:
        for layers in posting.layers.values():
            for layer in layers:
                if layer.layer_id is None:
                    layer.layer_id = len(self.layers) + 1
                    layer.seq = layer.layer_id
                self.layers[layer.layer_id] = copy.copy(layer)
        for movement_id in posting.replaced_consumptions:
            self.consumptions.pop(movement_id, None)
        for movement_id, c in posting.consumptions:
            assert c.layer.layer_id is not None
            self.consumptions.setdefault(movement_id, []).append((c.layer.layer_id, c.quantity))

    async def refresh_aging(self, keys: Iterable[PointKey], today: date) -> None:
        self.aging_refreshed = sorted(set(keys))

    async def save_draft(self, document: Document) -> None:
        self._track(document)
        self.documents[document.document_id] = _stored(document)

    async def get(self, document_id: str) -> Document | None:
        found = copy.deepcopy(self.documents.get(document_id))
        if found is not None:
            found.reversed_by_document_id = next(
                (d.document_id for d in self.documents.values()
                 if d.reverses_document_id == document_id), None,
            )  # fmt: skip
            self._track(found)
        return found

    async def by_idempotency_key(self, key: str) -> Document | None:
        found = [copy.deepcopy(d) for d in self.documents.values() if d.idempotency_key == key]
        for document in found[:1]:
            self._track(document)
        return found[0] if found else None

    async def add(self, document: Document, *, from_draft: bool = False) -> None:
        earlier = self.documents.get(document.document_id)
        assert earlier is None or earlier.status == "draft"
        self._track(document)
        self.documents[document.document_id] = _stored(document)


class FakeCostState:
    def __init__(self) -> None:
        self.layers: dict[PointKey, list[CostLayer]] = defaultdict(list)
        self.consumed: dict[str, list[Consumption]] = defaultdict(list)
        self.later: dict[PointKey, list[LaterOutbound]] = defaultdict(list)


class FakeParking:
    """In-memory `ParkingRepository`."""

    def __init__(self) -> None:
        self.parked: dict[str, ParkedMessage] = {}

    async def park(self, message: ParkedMessage) -> None:
        self.parked.setdefault(message.event_id, message)

    async def waiting_for(
        self, skus: Sequence[str], locations: Sequence[str]
    ) -> list[ParkedMessage]:
        return [
            m for m in self.parked.values() if m.status == "waiting"
            and (set(m.waiting_skus) & set(skus) or set(m.waiting_locations) & set(locations))
        ]  # fmt: skip

    async def settle(self, event_id: str) -> None:
        del self.parked[event_id]

    async def keep(
        self,
        event_id: str,
        status: ParkedStatus,
        reason: str,
        skus: Sequence[str] = (),
        locations: Sequence[str] = (),
    ) -> None:
        self.parked[event_id] = replace(
            self.parked[event_id], status=status, reason=reason,
            waiting_skus=tuple(skus), waiting_locations=tuple(locations),
        )  # fmt: skip

    async def find(self, status: ParkedStatus | None, limit: int) -> list[ParkedMessage]:
        return [m for m in self.parked.values() if status in (None, m.status)][:limit]

    async def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for message in self.parked.values():
            found[message.status] = found.get(message.status, 0) + 1
        return found


class FakeLedgerUoW(FakeUnitOfWork):
    """`LedgerUoW` in memory."""

    def __init__(self) -> None:
        super().__init__(source="/services/stock-ledger")
        self._ledger = FakeRepository(self.track)
        self._parking = FakeParking()

    @property
    def ledger(self) -> FakeRepository:
        return self._ledger

    @property
    def parking(self) -> FakeParking:
        return self._parking


@pytest.fixture
def uow() -> FakeLedgerUoW:
    return FakeLedgerUoW()


class Make:
    """Builders of the documents and events the tests feed in."""

    now = NOW

    @staticmethod
    def inbound(data: E, source: str = "/services/test") -> InboundEvent[E]:
        """`data` as the consumer hands it to a handler, sent by `source`."""
        cloud_event = new_event(data, source=source)
        value = encode(cloud_event)
        key = data.key()
        record = ConsumerRecord(
            type(data).topic, 0, 0, 0, 0, key.encode(), value, None, len(key), len(value), []
        )
        return InboundEvent(cloud_event, data, record.topic, 0, 0, key, record)

    @staticmethod
    def item(sku: str, unit_cost: str = "1", currency: str = "CNY") -> ItemUpserted:
        return ItemUpserted(
            sku=sku,
            name=sku,
            unit_of_measure="pcs",
            category="test",
            unit_cost=Decimal(unit_cost),
            currency=currency,
        )

    @staticmethod
    def location(code: str, allow_negative_stock: bool = False) -> LocationUpserted:
        return LocationUpserted(location=code, name=code, allow_negative_stock=allow_negative_stock)

    @staticmethod
    def receipt(
        document_id: str,
        *lines: tuple[str, str, str, str],
        purchase_order_id: str | None = None,
        key: str | None = None,
    ) -> Document:
        return Document(
            document_id=document_id,
            document_type="receipt",
            lines=[
                DocumentLine(n, sku, loc, Decimal(q), Decimal(c))
                for n, (sku, loc, q, c) in enumerate(lines, start=1)
            ],
            posted_by="tester",
            purchase_order_id=purchase_order_id,
            idempotency_key=key,
        )

    @staticmethod
    def issue(
        document_id: str, *lines: tuple[str, str, str], order_id: str | None = None
    ) -> Document:
        return Document(
            document_id=document_id,
            document_type="issue",
            lines=[
                DocumentLine(n, sku, loc, Decimal(q))
                for n, (sku, loc, q) in enumerate(lines, start=1)
            ],
            posted_by="tester",
            order_id=order_id,
        )

    @staticmethod
    def shipped(
        order_id: str, shipment_id: str | None, *lines: tuple[str, str, str]
    ) -> OrderShipped:
        return OrderShipped(
            order_id=order_id,
            shipment_id=shipment_id,
            lines=tuple(OrderLine(sku=s, location=loc, quantity=Decimal(q)) for s, loc, q in lines),
        )

    @staticmethod
    def received(
        receipt_id: str, purchase_order_id: str | None, *lines: tuple[str, str, str, str]
    ) -> GoodsReceived:
        return GoodsReceived(
            receipt_id=receipt_id,
            purchase_order_id=purchase_order_id,
            lines=tuple(
                ReceiptLine(sku=s, location=loc, quantity=Decimal(q), unit_cost=Decimal(c))
                for s, loc, q, c in lines
            ),
            received_at=NOW,
        )


@pytest.fixture(scope="session")
def make() -> type[Make]:
    return Make


Sessions = async_sessionmaker[AsyncSession]
MIGRATIONS = Path(stock_ledger.__file__).parent / "migrations"
SOURCE = "/services/stock-ledger"


@asynccontextmanager
async def ledger_database(
    database_url: str,
    name: str,
    make: type[Make],
    skus: Iterable[str],
    location: str,
    category: str,
) -> AsyncIterator[Sessions]:
    """A fresh, migrated ledger database with `skus` (unit cost 10) and `location`; dropped
    after."""
    url = await fresh_database(database_url, name)
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=5)
    factory = create_session_factory(engine)
    async with LedgerUnitOfWork(factory, source=SOURCE) as uow:
        for sku in skus:
            item = ItemUpserted(
                sku=sku, name=sku, unit_of_measure="pcs", category=category, unit_cost=Decimal(10)
            )
            await handlers.upsert_item(make.inbound(item), uow)
        await handlers.upsert_location(make.inbound(make.location(location)), uow)
        await uow.commit()
    try:
        yield factory
    finally:
        await engine.dispose()
        await drop_database(url)


def signed_in(*roles: str, login: str = "zhao.op") -> dict[str, str]:
    """The ``Authorization`` header of `login` holding `roles` (every role when none given),
    from the test issuer every in-process app trusts."""
    return TEST_ISSUER.headers(*roles, login=login)


def api_client(app: FastAPI, *roles: str, login: str = "zhao.op") -> httpx.AsyncClient:
    """A client of `app` calling as `login` with `roles` (per-request headers override it)."""
    transport = httpx.ASGITransport(app=app)
    headers = signed_in(*roles, login=login)
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


def ledger_app(sessions: Sessions, variance_amount: Decimal | None = None) -> FastAPI:
    """The service's app over `sessions` (and `variance_amount` as the approval amount)."""
    app = create_app(StockLedgerSettings())
    app.dependency_overrides[get_uow] = lambda: LedgerUnitOfWork(sessions, source=SOURCE)
    if variance_amount is not None:
        app.dependency_overrides[variance_threshold] = lambda: variance_amount
    return app


@asynccontextmanager
async def ledger_client(
    sessions: Sessions, variance_amount: Decimal, *roles: str, login: str = "zhao.op"
) -> AsyncIterator[httpx.AsyncClient]:
    """The service's HTTP API over `sessions`, with `variance_amount` as the approval amount,
    called as `login` with `roles` (every role when none given)."""
    async with api_client(ledger_app(sessions, variance_amount), *roles, login=login) as http:
        yield http


async def audit_entries(sessions: Sessions, entity_id: str) -> list[dict[str, Any]]:
    """The audit log's entries about `entity_id`, oldest first."""
    async with sessions() as session:
        rows = await session.execute(
            text(
                "SELECT actor, actor_kind, action, entity_type, entity_id, before, after "
                "FROM audit_log WHERE entity_id = :id ORDER BY id"
            ),
            {"id": entity_id},
        )
        return [dict(row._mapping) for row in rows]
