"""Repositories over the replenishment tables, and the unit of work that carries them.

Locking order, so concurrent transactions never deadlock: the stock position rows first
(`PositionRepository.lock`, or `lock_many` in (sku, location) order), then the requisitions or
purchase orders of those stock points. The `*_many` methods serve the consumer's batches, one
statement each (see `replenishment.sql`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from inventory_runtime.uow import UnitOfWork
from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from replenishment import db, sql
from replenishment.domain import Item, Policy, Position, PurchaseOrder, Requisition, Supplier
from replenishment.domain.demand import OrderDemand
from replenishment.planning_repository import PlanningRepository, PlanningRunRepository

DEFAULT_LIST_LIMIT = 100

StockPoint = tuple[str, str]  # (sku, location)


def _build(cls: Any, row: RowMapping) -> Any:
    return cls(**{f.name: row[f.name] for f in fields(cls)})


def _stock_points(stock_points: Collection[StockPoint]) -> dict[str, list[str]]:
    """The `:skus` and `:locations` arrays of `sql` statements."""
    return {
        "skus": [sku for sku, _ in stock_points],
        "locations": [location for _, location in stock_points],
    }


class MasterDataRepository:
    """Our copy of items, locations and suppliers from `inventory.master-data`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_item(self, item: Item) -> None:
        values = asdict(item)
        await self._session.execute(
            insert(db.items)
            .values(values)
            .on_conflict_do_update(
                index_elements=["sku"], set_={**values, "updated_at": func.now()}
            )
        )

    async def upsert_location(self, location: str, name: str, active: bool) -> None:
        values = {"location": location, "name": name, "active": active}
        await self._session.execute(
            insert(db.locations)
            .values(values)
            .on_conflict_do_update(
                index_elements=["location"], set_={**values, "updated_at": func.now()}
            )
        )

    async def upsert_supplier(self, supplier: Supplier) -> None:
        values = asdict(supplier)
        await self._session.execute(
            insert(db.suppliers)
            .values(values)
            .on_conflict_do_update(
                index_elements=["supplier_id"], set_={**values, "updated_at": func.now()}
            )
        )

    async def item(self, sku: str) -> Item | None:
        row = (await self._session.execute(select(db.items).where(db.items.c.sku == sku))).first()
        return None if row is None else _build(Item, row._mapping)

    async def supplier(self, supplier_id: str) -> Supplier | None:
        query = select(db.suppliers).where(db.suppliers.c.supplier_id == supplier_id)
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(Supplier, row._mapping)


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, sku: str, location: str) -> Policy | None:
        query = select(db.policies).where(
            db.policies.c.sku == sku, db.policies.c.location == location
        )
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(Policy, row._mapping)

    async def get_many(self, stock_points: Collection[StockPoint]) -> dict[StockPoint, Policy]:
        """The policies of those of `stock_points` that have one."""
        if not stock_points:
            return {}
        rows = await self._session.execute(sql.POLICIES, _stock_points(stock_points))
        return {(row.sku, row.location): _build(Policy, row._mapping) for row in rows}

    async def save(self, policy: Policy) -> None:
        """Store a policy set over the API; `source` says whether planning may rewrite it."""
        values = {**asdict(policy), "source": "manual" if policy.manual else "api"}
        await self._session.execute(
            insert(db.policies)
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
        await self._session.execute(
            insert(db.stock_positions)
            .values(sku=sku, location=location)
            .on_conflict_do_nothing(index_elements=["sku", "location"])
        )
        query = (
            select(db.stock_positions)
            .where(db.stock_positions.c.sku == sku, db.stock_positions.c.location == location)
            .with_for_update()
        )
        row = (await self._session.execute(query)).one()
        return _build(Position, row._mapping)

    async def lock_many(self, stock_points: Collection[StockPoint]) -> dict[StockPoint, Position]:
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
            await self._session.execute(sql.CREATE_POSITIONS, _stock_points(missing))
            locked.update(await self._lock(missing))
        return locked

    async def _lock(self, stock_points: Collection[StockPoint]) -> dict[StockPoint, Position]:
        rows = await self._session.execute(sql.LOCK_POSITIONS, _stock_points(stock_points))
        return {(row.sku, row.location): _build(Position, row._mapping) for row in rows}

    async def get(self, sku: str, location: str) -> Position | None:
        query = select(db.stock_positions).where(
            db.stock_positions.c.sku == sku, db.stock_positions.c.location == location
        )
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(Position, row._mapping)

    async def save(self, position: Position) -> None:
        t = db.stock_positions
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
            sql.SAVE_POSITIONS,
            {
                **_stock_points([(p.sku, p.location) for p in positions]),
                "on_hand": [p.on_hand for p in positions],
                "reserved": [p.reserved for p in positions],
                "on_order": [p.on_order for p in positions],
                "as_of": [p.as_of for p in positions],
            },
        )


class RequisitionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, requisition_id: str, *, for_update: bool = False) -> Requisition | None:
        query = select(db.requisitions).where(db.requisitions.c.requisition_id == requisition_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(Requisition, row._mapping)

    async def open_for(self, sku: str, location: str) -> Requisition | None:
        t = db.requisitions
        query = select(t).where(t.c.sku == sku, t.c.location == location, db.OPEN_REQUISITION)
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(Requisition, row._mapping)

    async def stock_points_with_open(self, stock_points: Collection[StockPoint]) -> set[StockPoint]:
        """Those of `stock_points` that have an open requisition."""
        if not stock_points:
            return set()
        rows = await self._session.execute(
            sql.STOCK_POINTS_WITH_OPEN_REQUISITION, _stock_points(stock_points)
        )
        return {(row.sku, row.location) for row in rows}

    async def add_if_none_open(self, requisition: Requisition) -> bool:
        """Insert `requisition`; False (nothing written) if the stock point has an open one."""
        statement = (
            insert(db.requisitions)
            .values(asdict(requisition))
            .on_conflict_do_nothing(
                index_elements=["sku", "location"], index_where=db.OPEN_REQUISITION
            )
            .returning(db.requisitions.c.requisition_id)
        )
        return (await self._session.scalar(statement)) is not None

    async def save(self, requisition: Requisition) -> None:
        t = db.requisitions
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
        t = db.requisitions
        query = select(t).order_by(t.c.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.c.status == status)
        if sku is not None:
            query = query.where(t.c.sku == sku)
        rows = (await self._session.execute(query)).all()
        return [_build(Requisition, row._mapping) for row in rows]


class PurchaseOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, order: PurchaseOrder) -> None:
        await self._session.execute(insert(db.purchase_orders).values(asdict(order)))

    async def get(
        self, purchase_order_id: str, *, for_update: bool = False
    ) -> PurchaseOrder | None:
        t = db.purchase_orders
        query = select(t).where(t.c.purchase_order_id == purchase_order_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(PurchaseOrder, row._mapping)

    async def save(self, order: PurchaseOrder) -> None:
        t = db.purchase_orders
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
            insert(db.purchase_order_receipts)
            .values(
                movement_id=movement_id,
                purchase_order_id=purchase_order_id,
                quantity=quantity,
                received_at=received_at,
            )
            .on_conflict_do_nothing(index_elements=["movement_id"])
            .returning(db.purchase_order_receipts.c.movement_id)
        )
        return (await self._session.scalar(statement)) is not None

    async def find(
        self, *, status: str | None, limit: int = DEFAULT_LIST_LIMIT
    ) -> list[PurchaseOrder]:
        t = db.purchase_orders
        query = select(t).order_by(t.c.released_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.c.status == status)
        rows = (await self._session.execute(query)).all()
        return [_build(PurchaseOrder, row._mapping) for row in rows]


class DemandRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_many(self, demand: Sequence[OrderDemand]) -> None:
        """Add each order's demand for a stock point to its day, unless already recorded.

        One statement; `demand` holds an (order, stock point) at most once.
        """
        if not demand:
            return
        await self._session.execute(
            sql.RECORD_DEMAND,
            {
                "order_ids": [d.order_id for d in demand],
                "skus": [d.sku for d in demand],
                "locations": [d.location for d in demand],
                "quantities": [d.quantity for d in demand],
                "demand_dates": [d.demand_date for d in demand],
                "placed_at": [d.placed_at for d in demand],
            },
        )

    async def daily(self, sku: str, location: str) -> list[tuple[date, Decimal, int]]:
        t = db.demand_daily
        query = (
            select(t.c.demand_date, t.c.quantity, t.c.order_count)
            .where(t.c.sku == sku, t.c.location == location)
            .order_by(t.c.demand_date)
        )
        return [
            (r.demand_date, r.quantity, r.order_count) for r in await self._session.execute(query)
        ]


class ReplenishmentUnitOfWork(UnitOfWork):
    """The unit of work with the replenishment repositories on its session."""

    master_data: MasterDataRepository
    policies: PolicyRepository
    positions: PositionRepository
    requisitions: RequisitionRepository
    purchase_orders: PurchaseOrderRepository
    demand: DemandRepository
    planning: PlanningRepository
    planning_runs: PlanningRunRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        session = self.session
        self.master_data = MasterDataRepository(session)
        self.policies = PolicyRepository(session)
        self.positions = PositionRepository(session)
        self.requisitions = RequisitionRepository(session)
        self.purchase_orders = PurchaseOrderRepository(session)
        self.demand = DemandRepository(session)
        self.planning = PlanningRepository(session)
        self.planning_runs = PlanningRunRepository(session)
        return self
