"""Fakes and builders shared by the stock-ledger tests."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from inventory_contracts import (
    GoodsReceived,
    ItemUpserted,
    LocationUpserted,
    OrderLine,
    OrderShipped,
    ReceiptLine,
)
from inventory_runtime.fakes import FakeUnitOfWork
from stock_ledger.domain import Balance, Document, DocumentLine, Item, Location, PointKey

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


class FakeRepository:
    """In-memory `Repository`: hands out copies, so a handler that forgets to save is caught."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}
        self.locations: dict[str, Location] = {}
        self.balances: dict[PointKey, Balance] = {}
        self.documents: dict[str, Document] = {}

    async def upsert_item(self, item: ItemUpserted) -> None:
        self.items[item.sku] = Item(item.sku, item.unit_cost, item.currency, item.active)

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

    async def get(self, document_id: str) -> Document | None:
        return copy.deepcopy(self.documents.get(document_id))

    async def by_idempotency_key(self, key: str) -> Document | None:
        found = [d for d in self.documents.values() if d.idempotency_key == key]
        return copy.deepcopy(found[0]) if found else None

    async def add(self, document: Document) -> None:
        assert document.document_id not in self.documents
        self.documents[document.document_id] = copy.deepcopy(document)


class FakeLedgerUoW(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__(source="/services/stock-ledger")
        self.ledger = FakeRepository()


@pytest.fixture
def uow() -> FakeLedgerUoW:
    return FakeLedgerUoW()


class Make:
    """Builders of the documents and events the tests feed in."""

    now = NOW

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
