"""Reading and writing documents, balances and cost layers inside the unit of work.

Balances are locked (SELECT ... FOR UPDATE) in (sku, location) order before a document is
posted, so concurrent postings on one stock point queue up instead of losing updates, and
postings on several points cannot deadlock. Cost layers are only changed under those locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from inventory_contracts import ItemUpserted, LocationUpserted
from sqlalchemy import bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters import aging, item_rows, rows
from stock_ledger.adapters.layers import CostLayerStore
from stock_ledger.adapters.rows import n
from stock_ledger.adapters.tables import (
    balances,
    document_lines,
    documents,
    items,
    ledger_entries,
    locations,
)
from stock_ledger.domain import (
    Balance,
    Document,
    Item,
    Location,
    PointKey,
)

ITEM_FIELDS = {
    "sku",
    "name",
    "unit_of_measure",
    "unit_cost",
    "currency",
    "valuation_method",
    "lot_tracked",
    "expiry_managed",
    "active",
    "category",
}


class SqlLedgerRepository(CostLayerStore):
    """`LedgerRepository` over the unit of work's SQLAlchemy session; `track` is the unit of
    work's, told of every document loaded or written so their events reach the outbox."""

    def __init__(self, session: AsyncSession, track: Callable[[Document], None]) -> None:
        super().__init__(session)
        self._track = track

    async def upsert_item(self, item: ItemUpserted) -> None:
        await self.upsert_items([item])

    async def upsert_items(self, batch: Sequence[ItemUpserted]) -> None:
        await item_rows.upsert_items(self.session, batch)

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
            {
                r.sku: Item(
                    r.sku,
                    n(r.unit_cost),
                    r.currency,
                    r.active,
                    r.valuation_method,
                    r.lot_tracked,
                    r.expiry_managed,
                    r.category,
                )
                for r in item_rows
            },
            {
                r.location: Location(r.location, r.allow_negative_stock, r.active)
                for r in location_rows
            },
        )

    async def lock_balances(self, keys: Iterable[PointKey]) -> dict[PointKey, Balance]:
        ordered = sorted(set(keys))
        points = [{"sku": sku, "location": location} for sku, location in ordered]
        await self.session.execute(insert(balances).on_conflict_do_nothing(), points)
        result = await self.session.execute(
            select(balances)
            .where(tuple_(balances.c.sku, balances.c.location).in_(ordered))
            .order_by(balances.c.sku, balances.c.location)
            .with_for_update()
        )
        return {(r.sku, r.location): rows.balance(r) for r in result}

    async def save_balances(self, changed: Iterable[Balance]) -> None:
        params = [
            {
                "b_sku": b.sku,
                "b_location": b.location,
                "b_on_hand": b.on_hand,
                "b_value": b.value,
                "b_average_cost": b.average_cost,
                "b_last_effective_date": b.last_effective_date,
                "b_last_issue_date": b.last_issue_date,
                "b_last_movement_id": b.last_movement_id,
            }
            for b in sorted(changed, key=lambda b: b.key)
        ]
        if params:
            await self.session.execute(
                update(balances)
                .where(
                    balances.c.sku == bindparam("b_sku"),
                    balances.c.location == bindparam("b_location"),
                )
                .values(
                    on_hand=bindparam("b_on_hand"),
                    value=bindparam("b_value"),
                    average_cost=bindparam("b_average_cost"),
                    last_effective_date=bindparam("b_last_effective_date"),
                    last_issue_date=bindparam("b_last_issue_date"),
                    last_movement_id=bindparam("b_last_movement_id"),
                    updated_at=func.now(),
                ),
                params,
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

    def _document_values(self, document: Document) -> dict[str, Any]:
        return {
            "document_id": document.document_id,
            "document_type": document.document_type,
            "status": document.status,
            "external_id": document.external_id,
            "order_id": document.order_id,
            "purchase_order_id": document.purchase_order_id,
            "idempotency_key": document.idempotency_key,
            "fingerprint": document.fingerprint,
            "currency": document.currency,
            "posted_at": document.posted_at,
            "posted_by": document.posted_by,
            "document_date": document.document_date,
            "reverses_document_id": document.reverses_document_id,
            "form_version": document.form_version,
            "fields": document.fields,
            "created_by": document.created_by or document.posted_by,
        }

    async def refresh_aging(self, keys: Iterable[PointKey], today: date) -> None:
        """Rewrite the aging rows of the stock points a posting touched."""
        await aging.refresh_points(self.session, keys, today)

    async def save_draft(self, document: Document) -> None:
        """Insert or replace a draft (or pending) document with its lines."""
        self._track(document)
        values = self._document_values(document)
        statement = insert(documents).values(**values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["document_id"],
                set_={**values, "updated_at": func.now()},
            )
        )
        await self.session.execute(
            delete(document_lines).where(document_lines.c.document_id == document.document_id)
        )
        if document.lines:
            await self.session.execute(
                insert(document_lines),
                [rows.line_values(document.document_id, line) for line in document.lines],
            )

    async def add(self, document: Document, *, from_draft: bool = False) -> None:
        """Write a posted document: its lines (unless its draft saved them) and its entries."""
        self._track(document)
        values = self._document_values(document)
        if from_draft:
            await self.session.execute(
                update(documents)
                .where(documents.c.document_id == document.document_id)
                .values(**values, updated_at=func.now())
            )
        else:
            await self.session.execute(insert(documents).values(**values))
            await self.session.execute(
                insert(document_lines),
                [rows.line_values(document.document_id, line) for line in document.lines],
            )
        if document.entries:
            await self.session.execute(
                insert(ledger_entries),
                [rows.entry_values(document, e) for e in document.entries],
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
        reversed_by = (
            await self.session.execute(
                select(documents.c.document_id).where(
                    documents.c.reverses_document_id == document_id
                )
            )
        ).scalar_one_or_none()
        document = Document(
            document_id=document_id,
            document_type=row["document_type"],
            lines=[rows.line(r) for r in line_rows],
            posted_by=row["posted_by"],
            order_id=row["order_id"],
            purchase_order_id=row["purchase_order_id"],
            external_id=row["external_id"],
            idempotency_key=row["idempotency_key"],
            currency=row["currency"],
            posted_at=row["posted_at"],
            entries=[rows.entry(r) for r in entry_rows],
            document_date=row["document_date"],
            reverses_document_id=row["reverses_document_id"],
            reversed_by_document_id=reversed_by,
            status=row["status"],
            form_version=row["form_version"],
            fields=dict(row["fields"] or {}),
            created_by=row["created_by"],
        )
        self._track(document)
        return document
