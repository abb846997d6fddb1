"""Planning runs (started over the API or on a schedule) and what a run computed for a policy."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.errors import ApiError, error_response
from pydantic import BaseModel, Field

from replenishment.api import NOT_FOUND, READ, Location, PlanningWriter, Sku, Uow, get_uow
from replenishment.domain.planning_runs import PlanningRun
from replenishment.handlers.scheduling import Planner, PlanningBusy
from replenishment.ports import PlanningUowFactory

router = secured_router(prefix="/v1", tags=["planning"])


def get_planner(request: Request) -> Planner:
    """The app's planner (tests override this dependency)."""
    planner: Planner = request.app.state.planner
    return planner


def get_uow_factory(request: Request) -> PlanningUowFactory:
    """Units of work for work that outlives the request (tests override this dependency)."""
    return lambda: get_uow(request)


PlannerDep = Annotated[Planner, Depends(get_planner)]
UowFactoryDep = Annotated[PlanningUowFactory, Depends(get_uow_factory)]


class PlanningRunView(BaseModel):
    run_id: str
    status: str
    trigger: str
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    figures: dict[str, Any] | None
    error: str | None
    requested_by: str | None = Field(description="Who started it over the API; null: schedule.")


def _run_view(run: PlanningRun) -> PlanningRunView:
    return PlanningRunView(**run.__dict__)


@router.post(
    "/planning/runs",
    status_code=202,
    response_model=PlanningRunView,
    responses={409: {"description": "a run is already queued or running"}},
)
async def start_planning_run(
    actor: PlanningWriter, planner: PlannerDep, uow_factory: UowFactoryDep
) -> PlanningRunView | JSONResponse:
    """Start a planning run now (it runs in the background; poll its status); the run records
    the caller as `requested_by`."""
    try:
        run = await planner.request(uow_factory, "api", actor)
    except PlanningBusy as busy:
        active = busy.active.run_id if busy.active else None
        return error_response(409, "planning_run_active", {"run_id": active, "message": str(busy)})
    return _run_view(run)


@router.get(
    "/planning/runs/{run_id}",
    dependencies=READ,
    response_model=PlanningRunView,
    responses=NOT_FOUND,
)
async def get_planning_run(run_id: str, uow: Uow) -> PlanningRunView:
    """A planning run's status and, once finished, its figures (or its error)."""
    async with uow:
        run = await uow.planning_runs.get(run_id)
    if run is None:
        raise ApiError(404, "not_found", f"planning run {run_id} not found")
    return _run_view(run)


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


@router.get(
    "/policies/{sku}/{location}/planning",
    dependencies=READ,
    response_model=PolicyPlanningView,
    responses=NOT_FOUND,
)
async def get_policy_planning(sku: Sku, location: Location, uow: Uow) -> PolicyPlanningView:
    """Class, forecast model and error, safety stock and levels from the last planning run."""
    async with uow:
        found = await uow.planning.result(sku, location)
    if found is None:
        raise ApiError(404, "not_found", f"planning of {sku}@{location} not found")
    values = {k: v for k, v in found.__dict__.items() if k not in ("sku", "location")}
    return PolicyPlanningView(**values)
