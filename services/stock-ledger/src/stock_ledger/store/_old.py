"""Reading and writing the ledger in PostgreSQL, inside the unit of work's transaction.

Balances are locked (SELECT ... FOR UPDATE) in (sku, location) order before a document is
posted, so concurrent postings on one stock point queue up instead of losing updates, and
postings on several points cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, Self

from inventory_contracts import ItemUpserted, LocationUpserted
from inventory_runtime.uow import UnitOfWork, UnitOfWorkProtocol
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.db import balances, document_lines, documents, items, ledger_entries, locations
from stock_ledger.domain import (
    Balance,
    Document,
    DocumentLine,
    Item,
    LedgerEntry,
    Location,
    PointKey,
)


def _n(amount: Decimal) -> Decimal:
    """NUMERIC(38, 12) comes back as 4.000000000000; people and events want 4."""
    return amount.normalize()


class Repository(Protocol):
    """What the handlers need from storage (`SqlRepository`, or a fake in unit tests)."""

    async def upsert_item(self, item: ItemUpserted) -> None: ...
    async def upsert_location(self, location: LocationUpserted) -> None: ...
    async def master_data(
        self, keys: Iterable[PointKey]
    ) -> tuple[dict[str, Item], dict[str, Location]]: ...
    async def lock_balances(self, keys: Iterable[PointKey]) -> dict[PointKey, Balance]: ...
    async def save_balances(self, changed: Iterable[Balance]) -> None: ...
    async def get(self, document_id: str) -> Document | None: ...
    async def by_idempotency_key(self, key: str) -> Document | None: ...
    async def add(self, document: Document) -> None: ...


class LedgerUoW(UnitOfWorkProtocol, Protocol):
    """A unit of work with the ledger repository on it."""

    ledger: Repository


class SqlRepository:
    """`Repository` over the unit of work's SQLAlchemy session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert_item(self, item: ItemUpserted) -> None:
        values = item.model_dump(
            include={
                "sku",
                "name",
                "unit_of_measure",
                "unit_cost",
                "currency",
                "valuation_method",
                "lot_tracked",
                "expiry_managed",
                "active",
            }
        )
        statement = insert(items).values(**values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["sku"], set_={**values, "updated_at": func.now()}
            )
        )

    async def upsert_location(self, location: LocationUpserted) -> None:
        values = location.model_dump(include={"location", "name", "allow_negative_stock", "active"})
        statement = insert(locations).values(**values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["location"], set_={**values, "updated_at": func.now()}
            )
        )

    async def master_data(
        self, keys: Iterable[PointKey]
    ) -> tuple[dict[str, Item], dict[str, Location]]:
        keys = list(keys)
        item_rows = await self.session.execute(
            select(items).where(items.c.sku.in_({sku for sku, _ in keys}))
        )
        location_rows = await self.session.execute(
            select(locations).where(locations.c.location.in_({loc for _, loc in keys}))
        )
        return (
            {r.sku: Item(r.sku, _n(r.unit_cost), r.currency, r.active) for r in item_rows},
            {
                r.location: Location(r.location, r.allow_negative_stock, r.active)
                for r in location_rows
            },
        )

    async def lock_balances(self, keys: Iterable[PointKey]) -> dict[PointKey, Balance]:
        ordered = sorted(set(keys))
        rows = [{"sku": sku, "location": location} for sku, location in ordered]
        await self.session.execute(insert(balances).values(rows).on_conflict_do_nothing())
        result = await self.session.execute(
            select(balances)
            .where(tuple_(balances.c.sku, balances.c.location).in_(ordered))
            .order_by(balances.c.sku, balances.c.location)
            .with_for_update()
        )
        return {(r.sku, r.location): _balance(r) for r in result}

    async def save_balances(self, changed: Iterable[Balance]) -> None:
        for balance in sorted(changed, key=lambda b: b.key):
            await self.session.execute(
                update(balances)
                .where(balances.c.sku == balance.sku, balances.c.location == balance.location)
                .values(
                    on_hand=balance.on_hand,
                    value=balance.value,
                    average_cost=balance.average_cost,
                    updated_at=func.now(),
                )
            )

    async def get(self, document_id: str) -> Document | None:
        row = (
            await self.session.execute(
                select(documents).where(documents.c.document_id == document_id)
            )
        ).one_or_none()
        return None if row is None else await self._load(row._mapping)

    async def by_idempotency_key(self, key: str) -> Document | None:
        row = (
            await self.session.execute(select(documents).where(documents.c.idempotency_key == key))
        ).one_or_none()
        return None if row is None else await self._load(row._mapping)

    async def add(self, document: Document) -> None:
        await self.session.execute(
            insert(documents).values(
                document_id=document.document_id,
                document_type=document.document_type,
                status="posted",
                external_id=document.external_id,
                order_id=document.order_id,
                purchase_order_id=document.purchase_order_id,
                idempotency_key=document.idempotency_key,
                fingerprint=document.fingerprint,
                currency=document.currency,
                posted_at=document.posted_at,
                posted_by=document.posted_by,
            )
        )
        await self.session.execute(
            insert(document_lines).values(
                [
                    {
                        "document_id": document.document_id,
                        "line_no": line.line_no,
                        "sku": line.sku,
                        "location": line.location,
                        "quantity": line.quantity,
                        "unit_cost": line.unit_cost,
                    }
                    for line in document.lines
                ]
            )
        )
        await self.session.execute(
            insert(ledger_entries).values([_entry_values(document, e) for e in document.entries])
        )
        last = {(e.sku, e.location): e.movement_id for e in document.entries}
        for (sku, location), movement_id in sorted(last.items()):
            await self.session.execute(
                update(balances)
                .where(balances.c.sku == sku, balances.c.location == location)
                .values(last_movement_id=movement_id)
            )

    async def _load(self, row: Any) -> Document:
        document_id = row["document_id"]
        line_rows = await self.session.execute(
            select(document_lines)
            .where(document_lines.c.document_id == document_id)
            .order_by(document_lines.c.line_no)
        )
        entry_rows = await self.session.execute(
            select(ledger_entries)
            .where(ledger_entries.c.document_id == document_id)
            .order_by(ledger_entries.c.seq)
        )
        return Document(
            document_id=document_id,
            document_type=row["document_type"],
            lines=[
                DocumentLine(
                    line_no=r.line_no,
                    sku=r.sku,
                    location=r.location,
                    quantity=_n(r.quantity),
                    unit_cost=None if r.unit_cost is None else _n(r.unit_cost),
                )
                for r in line_rows
            ],
            posted_by=row["posted_by"],
            order_id=row["order_id"],
            purchase_order_id=row["purchase_order_id"],
            external_id=row["external_id"],
            idempotency_key=row["idempotency_key"],
            currency=row["currency"],
            posted_at=row["posted_at"],
            entries=[_entry(r) for r in entry_rows],
        )


def _balance(row: Any) -> Balance:
    return Balance(row.sku, row.location, _n(row.on_hand), _n(row.value), _n(row.average_cost))


def _entry_values(document: Document, entry: LedgerEntry) -> dict[str, Any]:
    return {
        "movement_id": entry.movement_id,
        "document_id": document.document_id,
        "line_no": entry.line_no,
        "sku": entry.sku,
        "location": entry.location,
        "movement_type": entry.movement_type,
        "quantity_delta": entry.quantity_delta,
        "unit_cost": entry.unit_cost,
        "value": entry.value,
        "on_hand_after": entry.on_hand_after,
        "value_after": entry.value_after,
        "average_cost_after": entry.average_cost_after,
        "order_id": document.order_id,
        "purchase_order_id": document.purchase_order_id,
        "posted_at": document.posted_at,
        "posted_by": document.posted_by,
    }


def _entry(row: Any) -> LedgerEntry:
    return LedgerEntry(
        movement_id=row.movement_id,
        line_no=row.line_no,
        sku=row.sku,
        location=row.location,
        movement_type=row.movement_type,
        quantity_delta=_n(row.quantity_delta),
        unit_cost=_n(row.unit_cost),
        value=_n(row.value),
        on_hand_after=_n(row.on_hand_after),
        value_after=_n(row.value_after),
        average_cost_after=_n(row.average_cost_after),
    )


class LedgerUnitOfWork(UnitOfWork):
    """The runtime's unit of work with a `SqlRepository` on its session."""

    ledger: Repository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.ledger = SqlRepository(self.session)
        return self


# --- read models for the API (no locks) ----------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    sku: str
    location: str
    on_hand: Decimal
    value: Decimal
    average_cost: Decimal
    updated_at: datetime


@dataclass(frozen=True)
class LedgerRow:
    seq: int
    document_id: str
    posted_at: datetime
    posted_by: str
    order_id: str | None
    purchase_order_id: str | None
    entry: LedgerEntry


async def balances_of(
    session: AsyncSession, sku: str | None, location: str | None, limit: int
) -> list[BalanceRow]:
    query = select(balances).order_by(balances.c.sku, balances.c.location).limit(limit)
    if sku is not None:
        query = query.where(balances.c.sku == sku)
    if location is not None:
        query = query.where(balances.c.location == location)
    rows = await session.execute(query)
    return [
        BalanceRow(r.sku, r.location, _n(r.on_hand), _n(r.value), _n(r.average_cost), r.updated_at)
        for r in rows
    ]


async def ledger_of(
    session: AsyncSession, sku: str | None, location: str | None, limit: int
) -> Sequence[LedgerRow]:
    query = select(ledger_entries).order_by(ledger_entries.c.seq.desc()).limit(limit)
    if sku is not None:
        query = query.where(ledger_entries.c.sku == sku)
    if location is not None:
        query = query.where(ledger_entries.c.location == location)
    rows = await session.execute(query)
    return [
        LedgerRow(
            r.seq,
            r.document_id,
            r.posted_at,
            r.posted_by,
            r.order_id,
            r.purchase_order_id,
            _entry(r),
        )
        for r in reversed(rows.all())
    ]
