"""Queries and writes of planning: the inputs of a run in bulk, its results, and what the
suggestions read (positions, arrivals, open requisitions, snoozes).

Everything is read set-wise (one query per table, not per stock point) so a run over tens of
thousands of stock points costs a handful of round trips.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Date, and_, bindparam, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from replenishment.adapters import tables
from replenishment.adapters.rows import build
from replenishment.domain import Item, Policy, Position, StockPointKey, Supplier
from replenishment.domain.planning_runs import PolicyPlanning
from replenishment.domain.suppliers import DeliveryLine

STREAM_PARTITION: Final = 5000


class PlanningRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- inputs of a run -----------------------------------------------------------------------

    async def policies(self) -> dict[StockPointKey, Policy]:
        found: dict[StockPointKey, Policy] = {}
        result = await self._session.stream(select(tables.policies))
        async for partition in result.partitions(STREAM_PARTITION):
            found.update({(r.sku, r.location): build(Policy, r._mapping) for r in partition})
        return found

    async def items(self) -> dict[str, Item]:
        rows = await self._session.execute(select(tables.items))
        return {r.sku: build(Item, r._mapping) for r in rows}

    async def suppliers(self) -> dict[str, Supplier]:
        rows = await self._session.execute(select(tables.suppliers))
        return {r.supplier_id: build(Supplier, r._mapping) for r in rows}

    async def demand_span(self) -> dict[StockPointKey, tuple[date, date]]:
        """First and last day with demand, per stock point."""
        t = tables.demand_daily
        query = select(
            t.c.sku, t.c.location, func.min(t.c.demand_date), func.max(t.c.demand_date)
        ).group_by(t.c.sku, t.c.location)
        return {(r[0], r[1]): (r[2], r[3]) for r in await self._session.execute(query)}

    async def demand_by_period(
        self, period: str, start: date, end: date
    ) -> list[tuple[str, str, date, Decimal]]:
        """Demand of every stock point per period (ISO week, month or day), `start` <= day <
        `end`, summed by the database; rows are (sku, location, period start, quantity)."""
        t = tables.demand_daily
        bucket = cast(func.date_trunc(period, t.c.demand_date), Date).label("period_start")
        query = (
            select(t.c.sku, t.c.location, bucket, func.sum(t.c.quantity))
            .where(t.c.demand_date >= start, t.c.demand_date < end)
            .group_by(t.c.sku, t.c.location, bucket)
        )
        rows: list[tuple[str, str, date, Decimal]] = []
        # streamed in partitions: the event loop gets a turn between them on big runs
        result = await self._session.stream(query)
        async for partition in result.partitions(STREAM_PARTITION):
            rows.extend((r[0], r[1], r[2], r[3]) for r in partition)
        return rows

    async def delivery_lines(self, supplier_id: str | None = None) -> list[DeliveryLine]:
        t = tables.purchase_orders
        # work orders (make) are no supplier's deliveries
        query = select(t).where(t.c.procurement_type == "buy").order_by(t.c.released_at)
        if supplier_id is not None:
            query = query.where(t.c.supplier_id == supplier_id)
        return [
            DeliveryLine(
                purchase_order_id=r.purchase_order_id,
                supplier_id=r.supplier_id,
                sku=r.sku,
                location=r.location,
                quantity=r.quantity,
                received_quantity=r.received_quantity,
                released_on=r.released_at.date(),
                expected_on=r.expected_receipt_date,
                completed_on=r.closed_at.date() if r.closed_at is not None else None,
            )
            for r in await self._session.execute(query)
        ]

    async def latest_supplier_by_sku(self) -> dict[str, str]:
        """The supplier of each SKU's most recent purchase order."""
        t = tables.purchase_orders
        query = select(t.c.sku, t.c.supplier_id).where(t.c.supplier_id.is_not(None))
        query = query.order_by(t.c.released_at)
        return {r[0]: r[1] for r in await self._session.execute(query)}  # the latest wins

    # --- results of a run ----------------------------------------------------------------------

    async def save_results(self, results: list[PolicyPlanning]) -> None:
        if not results:
            return
        statement = insert(tables.policy_planning)
        columns = [c.name for c in tables.policy_planning.c if c.name not in ("sku", "location")]
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["sku", "location"],
                set_={c: statement.excluded[c] for c in columns},
            ),
            [asdict(r) for r in results],
        )

    async def apply_figures(self, results: list[PolicyPlanning]) -> int:
        """Write computed reorder point and order quantity into policies not flagged manual."""
        applied = [r for r in results if r.applied]
        if not applied:
            return 0
        t = tables.policies
        await self._session.execute(
            update(t)
            .where(and_(t.c.sku == bindparam("k_sku"), t.c.location == bindparam("k_location")))
            .where(t.c.manual.is_(False))
            .values(
                reorder_point=bindparam("k_reorder_point"),
                order_quantity=bindparam("k_order_quantity"),
                source="planning",
                updated_at=func.now(),
            )
            .execution_options(synchronize_session=False),
            [
                {
                    "k_sku": r.sku,
                    "k_location": r.location,
                    "k_reorder_point": r.reorder_point,
                    "k_order_quantity": r.order_quantity,
                }
                for r in applied
            ],
        )
        return len(applied)

    async def add_policies(self, policies: list[Policy]) -> None:
        """New computed policies of stock points that had demand but no policy."""
        if policies:
            rows = [{**asdict(p), "source": "planning"} for p in policies]
            await self._session.execute(
                insert(tables.policies).on_conflict_do_nothing(index_elements=["sku", "location"]),
                rows,
            )

    async def results(self) -> dict[StockPointKey, PolicyPlanning]:
        rows = await self._session.execute(select(tables.policy_planning))
        return {(r.sku, r.location): build(PolicyPlanning, r._mapping) for r in rows}

    async def result(self, sku: str, location: str) -> PolicyPlanning | None:
        t = tables.policy_planning
        row = (
            await self._session.execute(select(t).where(t.c.sku == sku, t.c.location == location))
        ).first()
        return None if row is None else build(PolicyPlanning, row._mapping)

    # --- what suggestions and exceptions read ----------------------------------------------------

    async def positions(self) -> dict[StockPointKey, Position]:
        rows = await self._session.execute(select(tables.stock_positions))
        return {(r.sku, r.location): build(Position, r._mapping) for r in rows}

    async def next_arrivals(self) -> dict[StockPointKey, date]:
        t = tables.purchase_orders
        query = (
            select(t.c.sku, t.c.location, func.min(t.c.expected_receipt_date))
            .where(t.c.status != "closed")
            .group_by(t.c.sku, t.c.location)
        )
        return {(r[0], r[1]): r[2] for r in await self._session.execute(query)}

    async def open_requisitions(self) -> dict[StockPointKey, str]:
        t = tables.requisitions
        query = select(t.c.sku, t.c.location, t.c.requisition_id).where(tables.OPEN_REQUISITION)
        return {(r[0], r[1]): r[2] for r in await self._session.execute(query)}

    async def snoozes(self) -> dict[StockPointKey, date]:
        t = tables.suggestion_snoozes
        query = select(t.c.sku, t.c.location, t.c.snoozed_until)
        return {(r[0], r[1]): r[2] for r in await self._session.execute(query)}

    async def snooze(
        self, sku: str, location: str, until: date, comment: str | None, by: str
    ) -> dict[str, Any] | None:
        t = tables.suggestion_snoozes
        query = (
            select(t.c.snoozed_until, t.c.comment, t.c.snoozed_by)
            .where(t.c.sku == sku, t.c.location == location)
            .with_for_update()
        )
        before = (await self._session.execute(query)).mappings().one_or_none()
        changes = {"snoozed_until": until, "comment": comment, "snoozed_by": by}
        statement = insert(t).values({"sku": sku, "location": location, **changes})
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["sku", "location"], set_={**changes, "snoozed_at": func.now()}
            )
        )
        return None if before is None else dict(before)
