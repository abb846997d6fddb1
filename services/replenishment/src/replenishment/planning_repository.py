"""Queries and writes of planning: inputs of a run in bulk, its results, runs and snoozes.

Everything is read set-wise (one query per table, not per stock point) so a run over tens of
thousands of stock points costs a handful of round trips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, RowMapping, and_, bindparam, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from replenishment import db
from replenishment.domain import Item, Policy, Position, Supplier
from replenishment.domain.suppliers import DeliveryLine

StockPointKey = tuple[str, str]
STREAM_PARTITION = 5000


def _build(cls: Any, row: RowMapping) -> Any:
    return cls(**{f.name: row[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class PolicyPlanning:
    """What a planning run computed for one stock point (`applied`: written into the policy)."""

    sku: str
    location: str
    planning_run_id: str
    planned_at: datetime
    period: str
    abc_class: str
    xyz_class: str
    demand_pattern: str
    forecast_model: str
    forecast_per_period: Decimal
    forecast_rmse: Decimal | None
    forecast_mase: Decimal | None
    forecast_bias: Decimal | None
    service_target: Decimal
    expected_fill_rate: Decimal
    lead_time_mean_days: Decimal
    lead_time_observations: int
    safety_stock: Decimal
    reorder_point: Decimal
    order_quantity: Decimal
    order_up_to: Decimal
    applied: bool


@dataclass(frozen=True)
class PlanningRun:
    run_id: str
    status: str
    trigger: str
    requested_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    figures: dict[str, Any] | None = None
    error: str | None = None


class PlanningRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_if_none_active(self, run: PlanningRun) -> bool:
        """Queue `run`; False (nothing written) while another run is queued or running."""
        statement = (
            insert(db.planning_runs)
            .values(asdict(run))
            .on_conflict_do_nothing()
            .returning(db.planning_runs.c.run_id)
        )
        return (await self._session.scalar(statement)) is not None

    async def active(self) -> PlanningRun | None:
        t = db.planning_runs
        query = select(t).where(t.c.status.in_(("queued", "running")))
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(PlanningRun, row._mapping)

    async def get(self, run_id: str) -> PlanningRun | None:
        query = select(db.planning_runs).where(db.planning_runs.c.run_id == run_id)
        row = (await self._session.execute(query)).first()
        return None if row is None else _build(PlanningRun, row._mapping)

    async def update(self, run_id: str, **values: Any) -> None:
        t = db.planning_runs
        await self._session.execute(update(t).where(t.c.run_id == run_id).values(**values))

    async def fail_interrupted(self, at: datetime) -> int:
        """Runs left queued or running by a stopped process are failed (one active run rule)."""
        t = db.planning_runs
        result = await self._session.execute(
            update(t)
            .where(t.c.status.in_(("queued", "running")))
            .values(status="failed", finished_at=at, error="interrupted by a restart")
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class PlanningRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- inputs of a run -----------------------------------------------------------------------

    async def policies(self) -> dict[StockPointKey, Policy]:
        found: dict[StockPointKey, Policy] = {}
        result = await self._session.stream(select(db.policies))
        async for partition in result.partitions(STREAM_PARTITION):
            found.update({(r.sku, r.location): _build(Policy, r._mapping) for r in partition})
        return found

    async def items(self) -> dict[str, Item]:
        rows = await self._session.execute(select(db.items))
        return {r.sku: _build(Item, r._mapping) for r in rows}

    async def suppliers(self) -> dict[str, Supplier]:
        rows = await self._session.execute(select(db.suppliers))
        return {r.supplier_id: _build(Supplier, r._mapping) for r in rows}

    async def demand_span(self) -> dict[StockPointKey, tuple[date, date]]:
        """First and last day with demand, per stock point."""
        t = db.demand_daily
        query = select(
            t.c.sku, t.c.location, func.min(t.c.demand_date), func.max(t.c.demand_date)
        ).group_by(t.c.sku, t.c.location)
        return {(r[0], r[1]): (r[2], r[3]) for r in await self._session.execute(query)}

    async def demand_by_period(
        self, period: str, start: date, end: date
    ) -> list[tuple[str, str, date, Decimal]]:
        """Demand of every stock point per period (ISO week, month or day), `start` <= day <
        `end`, summed by the database; rows are (sku, location, period start, quantity)."""
        t = db.demand_daily
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
        t = db.purchase_orders
        query = select(t).order_by(t.c.released_at)
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
        t = db.purchase_orders
        query = select(t.c.sku, t.c.supplier_id).order_by(t.c.released_at)
        return {r[0]: r[1] for r in await self._session.execute(query)}  # the latest wins

    # --- results of a run ----------------------------------------------------------------------

    async def save_results(self, results: list[PolicyPlanning]) -> None:
        if not results:
            return
        statement = insert(db.policy_planning)
        columns = [c.name for c in db.policy_planning.c if c.name not in ("sku", "location")]
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
        t = db.policies
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
                insert(db.policies).on_conflict_do_nothing(index_elements=["sku", "location"]),
                rows,
            )

    async def results(self) -> dict[StockPointKey, PolicyPlanning]:
        rows = await self._session.execute(select(db.policy_planning))
        return {(r.sku, r.location): _build(PolicyPlanning, r._mapping) for r in rows}

    async def result(self, sku: str, location: str) -> PolicyPlanning | None:
        t = db.policy_planning
        row = (
            await self._session.execute(select(t).where(t.c.sku == sku, t.c.location == location))
        ).first()
        return None if row is None else _build(PolicyPlanning, row._mapping)

    # --- what suggestions and exceptions read ----------------------------------------------------

    async def positions(self) -> dict[StockPointKey, Position]:
        rows = await self._session.execute(select(db.stock_positions))
        return {(r.sku, r.location): _build(Position, r._mapping) for r in rows}

    async def next_arrivals(self) -> dict[StockPointKey, date]:
        t = db.purchase_orders
        query = (
            select(t.c.sku, t.c.location, func.min(t.c.expected_receipt_date))
            .where(t.c.status != "closed")
            .group_by(t.c.sku, t.c.location)
        )
        return {(r[0], r[1]): r[2] for r in await self._session.execute(query)}

    async def open_requisitions(self) -> dict[StockPointKey, str]:
        t = db.requisitions
        query = select(t.c.sku, t.c.location, t.c.requisition_id).where(db.OPEN_REQUISITION)
        return {(r[0], r[1]): r[2] for r in await self._session.execute(query)}

    async def snoozes(self) -> dict[StockPointKey, date]:
        t = db.suggestion_snoozes
        query = select(t.c.sku, t.c.location, t.c.snoozed_until)
        return {(r[0], r[1]): r[2] for r in await self._session.execute(query)}

    async def snooze(self, sku: str, location: str, until: date, comment: str | None) -> None:
        values = {"sku": sku, "location": location, "snoozed_until": until, "comment": comment}
        statement = insert(db.suggestion_snoozes).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["sku", "location"],
                set_={"snoozed_until": until, "comment": comment, "snoozed_at": func.now()},
            )
        )
