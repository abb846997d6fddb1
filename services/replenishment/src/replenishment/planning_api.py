"""HTTP API of planning: demand history, supplier performance, planning runs and what a run
computed for a policy. Suggestions and exceptions are in `advice_api`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from replenishment.api import (
    NOT_FOUND,
    Location,
    Sku,
    UowDep,
    error,
    get_replenishment_uow,
    not_found,
)
from replenishment.domain.demand import DailyDemand, Period, aggregate_demand
from replenishment.domain.suppliers import LeadTimeStats, supplier_performance
from replenishment.planning_repository import PlanningRun, PolicyPlanning
from replenishment.planning_runs import UowFactory
from replenishment.scheduling import Planner, PlanningBusy

router = APIRouter(prefix="/v1", tags=["planning"])

MAX_LINES_SHOWN = 100


def get_planner(request: Request) -> Planner:
    """The app's planner (tests override this dependency)."""
    planner: Planner = request.app.state.planner
    return planner


def get_today() -> date:
    return datetime.now(UTC).date()


def get_uow_factory(request: Request) -> UowFactory:
    """Units of work for work that outlives the request (tests override this dependency)."""
    return lambda: get_replenishment_uow(request)


PlannerDep = Annotated[Planner, Depends(get_planner)]
UowFactoryDep = Annotated[UowFactory, Depends(get_uow_factory)]
TodayDep = Annotated[date, Depends(get_today)]
SupplierId = Annotated[str, Path(min_length=1, max_length=100)]


class DemandBucketView(BaseModel):
    period_start: date
    period_end: date
    quantity: Decimal
    order_count: int


class DemandView(BaseModel):
    sku: str
    location: str
    period: Period
    total: Decimal
    buckets: list[DemandBucketView]


@router.get("/demand/{sku}/{location}", response_model=DemandView, responses=NOT_FOUND)
async def get_demand(
    sku: Sku,
    location: Location,
    uow: UowDep,
    period: Period = "week",
    start: Annotated[date | None, Query(description="First day; default first demand.")] = None,
    end: Annotated[date | None, Query(description="Last day; default last demand.")] = None,
) -> DemandView | JSONResponse:
    """Demand (orders placed, rejected ones included) per day, ISO week or calendar month."""
    if start is not None and end is not None and start > end:
        problem = [{"field": "query.end", "problem": "must not be before start"}]
        return error(422, "validation_error", problem)
    async with uow:
        daily = [DailyDemand(*row) for row in await uow.demand.daily(sku, location)]
    if not daily:
        return not_found(f"demand of {sku}@{location}")
    buckets = aggregate_demand(daily, period, start=start, end=end)
    return DemandView(
        sku=sku,
        location=location,
        period=period,
        total=sum((b.quantity for b in buckets), Decimal(0)),
        buckets=[DemandBucketView(**b.__dict__) for b in buckets],
    )


class LeadTimeView(BaseModel):
    observations: int
    mean_days: float
    std_days: float
    min_days: int
    p50_days: int
    p90_days: int
    max_days: int
    histogram: dict[int, int]


class DeliveryLineView(BaseModel):
    purchase_order_id: str
    sku: str
    location: str
    quantity: Decimal
    received_quantity: Decimal
    released_on: date
    expected_on: date
    received_on: date | None
    lead_time_days: int | None
    outcome: str


class SupplierPerformanceView(BaseModel):
    supplier_id: str
    lines: int
    on_time: int
    late: int
    overdue: int
    pending: int
    on_time_rate: float | None = Field(description="on time / (on time + late + overdue)")
    average_days_late: float | None
    lead_time: LeadTimeView | None
    lead_time_by_sku: dict[str, LeadTimeView]
    recent_lines: list[DeliveryLineView]


def _lead_view(stats: LeadTimeStats | None) -> LeadTimeView | None:
    return None if stats is None else LeadTimeView(**stats.__dict__)


@router.get(
    "/suppliers/{supplier_id}/performance",
    response_model=SupplierPerformanceView,
    responses=NOT_FOUND,
)
async def get_supplier_performance(
    supplier_id: SupplierId, uow: UowDep, today: TodayDep
) -> SupplierPerformanceView | JSONResponse:
    """On-time delivery rate and lead-time distribution (overall and per SKU) of a supplier."""
    async with uow:
        lines = await uow.planning.delivery_lines(supplier_id)
        known = await uow.master_data.supplier(supplier_id)
    if known is None and not lines:
        return not_found(f"supplier {supplier_id}")
    found = supplier_performance(supplier_id, lines, today)
    recent = [
        DeliveryLineView(
            purchase_order_id=line.purchase_order_id,
            sku=line.sku,
            location=line.location,
            quantity=line.quantity,
            received_quantity=line.received_quantity,
            released_on=line.released_on,
            expected_on=line.expected_on,
            received_on=line.completed_on,
            lead_time_days=line.lead_time_days,
            outcome=line.outcome(today),
        )
        for line in lines[-MAX_LINES_SHOWN:][::-1]
    ]
    by_sku = {sku: LeadTimeView(**stats.__dict__) for sku, stats in found.lead_time_by_sku.items()}
    return SupplierPerformanceView(
        **{k: v for k, v in found.__dict__.items() if k not in ("lead_time", "lead_time_by_sku")},
        lead_time=_lead_view(found.lead_time),
        lead_time_by_sku=by_sku,
        recent_lines=recent,
    )


class PlanningRunView(BaseModel):
    run_id: str
    status: str
    trigger: str
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    figures: dict[str, Any] | None
    error: str | None


def _run_view(run: PlanningRun) -> PlanningRunView:
    return PlanningRunView(**run.__dict__)


@router.post(
    "/planning/runs",
    status_code=202,
    response_model=PlanningRunView,
    responses={409: {"description": "a run is already queued or running"}},
)
async def start_planning_run(
    planner: PlannerDep, uow_factory: UowFactoryDep
) -> PlanningRunView | JSONResponse:
    """Start a planning run now (it runs in the background; poll its status)."""
    try:
        run = await planner.request(uow_factory, "api")
    except PlanningBusy as busy:
        active = busy.active.run_id if busy.active else None
        return error(409, "planning_run_active", {"run_id": active, "message": str(busy)})
    return _run_view(run)


@router.get("/planning/runs/{run_id}", response_model=PlanningRunView, responses=NOT_FOUND)
async def get_planning_run(run_id: str, uow: UowDep) -> PlanningRunView | JSONResponse:
    """A planning run's status and, once finished, its figures (or its error)."""
    async with uow:
        run = await uow.planning_runs.get(run_id)
    return not_found(f"planning run {run_id}") if run is None else _run_view(run)


class PolicyPlanningView(BaseModel):
    """What the last planning run computed for a policy."""

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
    applied: bool = Field(description="False for manual policies: figures not written.")


def planning_view(found: PolicyPlanning | None) -> PolicyPlanningView | None:
    if found is None:
        return None
    values = {k: v for k, v in found.__dict__.items() if k not in ("sku", "location")}
    return PolicyPlanningView(**values)


@router.get(
    "/policies/{sku}/{location}/planning",
    response_model=PolicyPlanningView,
    responses=NOT_FOUND,
)
async def get_policy_planning(
    sku: Sku, location: Location, uow: UowDep
) -> PolicyPlanningView | JSONResponse:
    """Class, forecast model and error, safety stock and levels from the last planning run."""
    async with uow:
        found = await uow.planning.result(sku, location)
    view = planning_view(found)
    return not_found(f"planning of {sku}@{location}") if view is None else view
