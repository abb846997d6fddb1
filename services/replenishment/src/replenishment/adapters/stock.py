"""Repositories of stock points: our copy of the master data, the policies and the positions.

Locking order, so concurrent transactions never deadlock: the stock position rows first
(`PositionRepository.lock`, or `lock_many` in (sku, location) order), then the requisitions or
purchase orders of those stock points. The `*_many` methods serve the consumer's batches, one
statement each (see `statements`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from replenishment.adapters import statements, tables
from replenishment.adapters.rows import build, stock_point_arrays
from replenishment.domain import Item, Policy, Position, StockPointKey, Supplier

_UPSERT_ITEMS = text(
    "INSERT INTO items (sku, name, name_zh, category, unit_of_measure, unit_cost, currency,"
    " active, procurement_type, production_lead_time_days) SELECT sku, name, name_zh, category,"
    " unit_of_measure, unit_cost, currency, active, procurement_type, production_lead_time_days"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(sku text, name text, name_zh text,"
    " category text, unit_of_measure text, unit_cost numeric, currency text, active boolean,"
    " procurement_type text, production_lead_time_days integer)"
    " ON CONFLICT (sku) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh,"
    " category = excluded.category, unit_of_measure = excluded.unit_of_measure,"
    " unit_cost = excluded.unit_cost, currency = excluded.currency, active = excluded.active,"
    " procurement_type = excluded.procurement_type,"
    " production_lead_time_days = excluded.production_lead_time_days, updated_at = now()"
)
_UPSERT_RECORDS = text(
    "INSERT INTO master_records (kind, key, record) SELECT :kind, key, record"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(key text, record jsonb)"
    " ON CONFLICT (kind, key) DO UPDATE SET record = excluded.record, updated_at = now()"
)


class MasterDataRepository:
    """Our copy of items, locations and suppliers from `inventory.master-data`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_item(self, item: Item) -> None:
        await self.upsert_items([item])

    async def upsert_items(self, batch: Sequence[Item]) -> None:
        """Items in one statement per 5,000 (a SKU given twice: its last state)."""
        latest = {item.sku: asdict(item) for item in batch}
        rows = [{**row, "unit_cost": str(row["unit_cost"])} for row in latest.values()]
        for start in range(0, len(rows), 5000):
            await self._session.execute(
                _UPSERT_ITEMS, {"rows": json.dumps(rows[start : start + 5000])}
            )

    async def upsert_location(self, location: str, name: str, active: bool) -> None:
        values = {"location": location, "name": name, "active": active}
        await self._session.execute(
            insert(tables.locations)
            .values(values)
            .on_conflict_do_update(
                index_elements=["location"], set_={**values, "updated_at": func.now()}
            )
        )

    async def upsert_supplier(self, supplier: Supplier) -> None:
        values = asdict(supplier)
        await self._session.execute(
            insert(tables.suppliers)
            .values(values)
            .on_conflict_do_update(
                index_elements=["supplier_id"], set_={**values, "updated_at": func.now()}
            )
        )

    async def upsert_record(self, kind: str, key: str, record: dict[str, Any]) -> None:
        """Store a master-data document (supplier terms, a unit, a category) by kind and key."""
        await self.upsert_records(kind, {key: record})

    async def upsert_records(self, kind: str, records: dict[str, dict[str, Any]]) -> None:
        rows = [{"key": key, "record": record} for key, record in records.items()]
        for start in range(0, len(rows), 5000):
            chunk = json.dumps(rows[start : start + 5000])
            await self._session.execute(_UPSERT_RECORDS, {"kind": kind, "rows": chunk})

    async def record(self, kind: str, key: str) -> dict[str, Any] | None:
        query = select(tables.master_records.c.record).where(
            tables.master_records.c.kind == kind, tables.master_records.c.key == key
        )
        found: dict[str, Any] | None = await self._session.scalar(query)
        return found

    async def item(self, sku: str) -> Item | None:
        query = select(tables.items).where(tables.items.c.sku == sku)
        row = (await self._session.execute(query)).first()
        return None if row is None else build(Item, row._mapping)

    async def supplier(self, supplier_id: str) -> Supplier | None:
        query = select(tables.suppliers).where(tables.suppliers.c.supplier_id == supplier_id)
        row = (await self._session.execute(query)).first()
        return None if row is None else build(Supplier, row._mapping)


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, sku: str, location: str) -> Policy | None:
        t = tables.policies
        query = select(t).where(t.c.sku == sku, t.c.location == location)
        row = (await self._session.execute(query)).first()
        return None if row is None else build(Policy, row._mapping)

    async def get_many(
        self, stock_points: Collection[StockPointKey]
    ) -> dict[StockPointKey, Policy]:
        """The policies of those of `stock_points` that have one."""
        if not stock_points:
            return {}
        rows = await self._session.execute(statements.POLICIES, stock_point_arrays(stock_points))
        return {(row.sku, row.location): build(Policy, row._mapping) for row in rows}

    async def save(self, policy: Policy) -> None:
        """Store a policy set over the API; `source` says whether planning may rewrite it."""
        values = {**asdict(policy), "source": "manual" if policy.manual else "api"}
        await self._session.execute(
            insert(tables.policies)
            .values(values)
            .on_conflict_do_update(
                index_elements=["sku", "location"], set_={**values, "updated_at": func.now()}
            )
        )


class PositionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, sku: str, location: str) -> Position:
        """The stock point's position, row-locked for this transaction (created at zero)."""
        t = tables.stock_positions
        await self._session.execute(
            insert(t)
            .values(sku=sku, location=location)
            .on_conflict_do_nothing(index_elements=["sku", "location"])
        )
        query = select(t).where(t.c.sku == sku, t.c.location == location).with_for_update()
        row = (await self._session.execute(query)).one()
        return build(Position, row._mapping)

    async def lock_many(
        self, stock_points: Collection[StockPointKey]
    ) -> dict[StockPointKey, Position]:
        """The positions of `stock_points`, created at zero if new, row-locked in (sku, location)
        order.

        The existing ones are locked first and only the missing ones inserted: almost every
        position exists, and an upsert of hundreds of rows that are all there costs as much as
        the lock itself.
        """
        if not stock_points:
            return {}
        locked = await self._lock(stock_points)
        missing = [point for point in stock_points if point not in locked]
        if missing:
            await self._session.execute(statements.CREATE_POSITIONS, stock_point_arrays(missing))
            locked.update(await self._lock(missing))
        return locked

    async def _lock(self, stock_points: Collection[StockPointKey]) -> dict[StockPointKey, Position]:
        rows = await self._session.execute(
            statements.LOCK_POSITIONS, stock_point_arrays(stock_points)
        )
        return {(row.sku, row.location): build(Position, row._mapping) for row in rows}

    async def get(self, sku: str, location: str) -> Position | None:
        t = tables.stock_positions
        query = select(t).where(t.c.sku == sku, t.c.location == location)
        row = (await self._session.execute(query)).first()
        return None if row is None else build(Position, row._mapping)

    async def save(self, position: Position) -> None:
        t = tables.stock_positions
        await self._session.execute(
            update(t)
            .where(t.c.sku == position.sku, t.c.location == position.location)
            .values(
                on_hand=position.on_hand,
                reserved=position.reserved,
                on_order=position.on_order,
                as_of=position.as_of,
                updated_at=func.now(),
            )
        )

    async def save_many(self, positions: Sequence[Position]) -> None:
        """Store positions locked by `lock_many` (or `lock`), in one statement."""
        if not positions:
            return
        await self._session.execute(
            statements.SAVE_POSITIONS,
            {
                **stock_point_arrays([(p.sku, p.location) for p in positions]),
                "on_hand": [p.on_hand for p in positions],
                "reserved": [p.reserved for p in positions],
                "on_order": [p.on_order for p in positions],
                "as_of": [p.as_of for p in positions],
            },
        )
