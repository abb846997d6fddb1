"""Planning runs and what they computed per stock point (plain records; the maths is in
`replenishment.planning`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal, cast

from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import StockPointClassified

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
    """The ABC classes a run changed: its `events` are the unit of work's to publish."""

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
