"""Repositories of requisitions and purchase orders, the aggregates that record events.

Each tells the unit of work to `track` what it loads for a change or adds, so what they recorded
is collected into the outbox; a requisition the open-requisition index refuses is not tracked,
so nothing is published for it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from decimal import Decimal
from typing import Final

from inventory_runtime.uow import RecordsEvents
from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from replenishment.adapters import statements, tables
from replenishment.adapters.rows import build, columns_of, stock_point_arrays
from replenishment.domain import PurchaseOrder, Requisition, StockPointKey

DEFAULT_LIST_LIMIT: Final = 100

Track = Callable[[RecordsEvents], None]


class RequisitionRepository:
    def __init__(self, session: AsyncSession, track: Track) -> None:
        self._session = session
        self._track = track

    async def get(self, requisition_id: str, *, for_update: bool = False) -> Requisition | None:
        t = tables.requisitions
        query = select(t).where(t.c.requisition_id == requisition_id)
        return await self._one(query.with_for_update() if for_update else query)

    async def open_for(self, sku: str, location: str) -> Requisition | None:
        t = tables.requisitions
        query = select(t).where(t.c.sku == sku, t.c.location == location, tables.OPEN_REQUISITION)
        return await self._one(query)

    async def _one(self, query: Select[tuple[object, ...]]) -> Requisition | None:
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        requisition = build(Requisition, row._mapping)
        self._track(requisition)
        return requisition

    async def stock_points_with_open(
        self, stock_points: Collection[StockPointKey]
    ) -> set[StockPointKey]:
        """Those of `stock_points` that have an open requisition."""
        if not stock_points:
            return set()
        rows = await self._session.execute(
            statements.STOCK_POINTS_WITH_OPEN_REQUISITION, stock_point_arrays(stock_points)
        )
        return {(row.sku, row.location) for row in rows}

    async def add_if_none_open(self, requisition: Requisition) -> bool:
        """Insert `requisition`; False (nothing written, nothing published) if the stock point
        has an open one."""
        statement = (
            insert(tables.requisitions)
            .values(columns_of(requisition))
            .on_conflict_do_nothing(
                index_elements=["sku", "location"], index_where=tables.OPEN_REQUISITION
            )
            .returning(tables.requisitions.c.requisition_id)
        )
        added = (await self._session.scalar(statement)) is not None
        if added:
            self._track(requisition)
        return added

    async def save(self, requisition: Requisition) -> None:
        t = tables.requisitions
        await self._session.execute(
            update(t)
            .where(t.c.requisition_id == requisition.requisition_id)
            .values(
                status=requisition.status,
                decided_at=requisition.decided_at,
                decided_by=requisition.decided_by,
                decision_comment=requisition.decision_comment,
                purchase_order_id=requisition.purchase_order_id,
            )
        )

    async def find(
        self, *, status: str | None, sku: str | None, limit: int = DEFAULT_LIST_LIMIT
    ) -> list[Requisition]:
        t = tables.requisitions
        query = select(t).order_by(t.c.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.c.status == status)
        if sku is not None:
            query = query.where(t.c.sku == sku)
        rows = (await self._session.execute(query)).all()
        return [build(Requisition, row._mapping) for row in rows]


class PurchaseOrderRepository:
    def __init__(self, session: AsyncSession, track: Track) -> None:
        self._session = session
        self._track = track

    async def add(self, order: PurchaseOrder) -> None:
        await self._session.execute(insert(tables.purchase_orders).values(columns_of(order)))
        self._track(order)

    async def get(
        self, purchase_order_id: str, *, for_update: bool = False
    ) -> PurchaseOrder | None:
        t = tables.purchase_orders
        query = select(t).where(t.c.purchase_order_id == purchase_order_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        order = build(PurchaseOrder, row._mapping)
        self._track(order)
        return order

    async def save(self, order: PurchaseOrder) -> None:
        t = tables.purchase_orders
        await self._session.execute(
            update(t)
            .where(t.c.purchase_order_id == order.purchase_order_id)
            .values(
                status=order.status,
                received_quantity=order.received_quantity,
                last_receipt_at=order.last_receipt_at,
                closed_at=order.closed_at,
            )
        )

    async def record_receipt(
        self, purchase_order_id: str, movement_id: str, quantity: Decimal, received_at: datetime
    ) -> bool:
        """Note a receipt once per stock movement; False if this movement was already booked."""
        statement = (
            insert(tables.purchase_order_receipts)
            .values(
                movement_id=movement_id,
                purchase_order_id=purchase_order_id,
                quantity=quantity,
                received_at=received_at,
            )
            .on_conflict_do_nothing(index_elements=["movement_id"])
            .returning(tables.purchase_order_receipts.c.movement_id)
        )
        return (await self._session.scalar(statement)) is not None

    async def find(
        self,
        *,
        status: str | None,
        sku: str | None = None,
        supplier_id: str | None = None,
        procurement_type: str | None = None,
        limit: int = DEFAULT_LIST_LIMIT,
    ) -> list[PurchaseOrder]:
        t = tables.purchase_orders
        query = select(t).order_by(t.c.released_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.c.status == status)
        if sku is not None:
            query = query.where(t.c.sku == sku)
        if supplier_id is not None:
            query = query.where(t.c.supplier_id == supplier_id)
        if procurement_type is not None:
            query = query.where(t.c.procurement_type == procurement_type)
        rows = (await self._session.execute(query)).all()
        return [build(PurchaseOrder, row._mapping) for row in rows]
