"""Planning runs and what they computed per stock point (plain records; the maths is in
`replenishment.planning`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

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
