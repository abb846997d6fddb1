"""Planning runs and what they computed per stock point (plain records; the maths is in
`replenishment.planning`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal, cast

from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import (
    ForecastAccuracyMeasured,
    StockPointClassified,
)

ACTIVE_RUN_STATUSES: Final = ("queued", "running")


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
    """One planning run: queued, running, then succeeded (with its figures) or failed."""

    run_id: str
    status: str
    trigger: str
    requested_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    figures: dict[str, Any] | None = None
    error: str | None = None
    requested_by: str | None = None
    """The login of who started it (over the API); None for the schedule."""


def new_run(trigger: str, at: datetime, requested_by: str | None = None) -> PlanningRun:
    """A queued run with a fresh id."""
    run_id = f"PLAN-{uuid.uuid4().hex[:12]}"
    return PlanningRun(run_id, "queued", trigger, at, requested_by=requested_by)


AbcClass = Literal["A", "B", "C"]
XyzClass = Literal["X", "Y", "Z"]


@dataclass
class Reclassification:
    """What a run tells the others (ABC classes it changed, forecasts it measured): its `events`
    are the unit of work's to publish."""

    events: list[Event] = field(default_factory=list)


def reclassified(
    results: list[PolicyPlanning], before: dict[tuple[str, str], str]
) -> Reclassification:
    """A `StockPointClassified` for each stock point whose ABC class the run changed (or gave
    for the first time), given the classes of the run before (`before`)."""
    events: list[Event] = []
    for result in results:
        previous = before.get((result.sku, result.location))
        if previous == result.abc_class:
            continue
        events.append(
            StockPointClassified(
                sku=result.sku,
                location=result.location,
                abc_class=cast(AbcClass, result.abc_class),
                previous_abc_class=cast(AbcClass | None, previous),
                xyz_class=cast(XyzClass, result.xyz_class),
                planning_run_id=result.planning_run_id,
                classified_at=result.planned_at,
            )
        )
    return Reclassification(events)


def forecasts_measured(
    before: dict[tuple[str, str], PolicyPlanning],
    demand: dict[tuple[str, str], Decimal],
    period: str,
    period_start: date,
) -> Reclassification:
    """A `ForecastAccuracyMeasured` for each stock point whose demand in the period starting
    `period_start` (the last complete one) a run had forecast before that period began: the
    forecast of the last run before this one (`before`) against the demand that came. A run
    made during or after the period is no forecast of it, so a second run in the same period
    measures nothing again."""
    events: list[Event] = []
    for key, actual in sorted(demand.items()):
        previous = before.get(key)
        if previous is None or previous.period != period:
            continue
        if previous.planned_at.date() > period_start:
            continue
        events.append(
            ForecastAccuracyMeasured(
                sku=key[0],
                location=key[1],
                period=cast(Literal["day", "week", "month"], period),
                period_start=period_start,
                forecast=previous.forecast_per_period,
                actual=actual,
                forecast_run_id=previous.planning_run_id,
            )
        )
    return Reclassification(events)
