"""Settings of the replenishment service, read from the environment at startup."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from inventory_runtime.settings import BatchingConsumerSettings, dev_database_url
from pydantic import Field, field_validator

from replenishment.planning.plan import DEFAULT_SERVICE_LEVELS


class ReplenishmentSettings(BatchingConsumerSettings):
    """Replenishment settings; every field can be set by the environment variable of its name."""

    service_name: str = "replenishment"
    database_url: str = dev_database_url("replenishment")
    http_port: int = 8003

    # planning runs
    planning_interval_hours: float = Field(
        default=24.0, ge=0, description="Hours between scheduled planning runs; 0 turns them off."
    )
    planning_period: Literal["day", "week", "month"] = "week"
    planning_history_periods: int = Field(default=104, ge=4, le=5000)
    planning_review_periods: int = Field(default=1, ge=1, le=52)
    planning_season_length: int | None = Field(
        default=None, ge=1, description="Default: 7 for days, 52 for weeks, 12 for months."
    )
    planning_service_levels: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_SERVICE_LEVELS),
        description='Target fill rate per ABC class, e.g. {"A": 0.98, "B": 0.95, "C": 0.90}.',
    )
    planning_order_cost: float = Field(default=50.0, ge=0, description="Cost of one order.")
    planning_holding_rate: float = Field(default=0.25, gt=0, le=5, description="Per year.")
    planning_min_lead_time_observations: int = Field(default=3, ge=1)
    planning_executor: Literal["process", "thread"] = "process"

    # suggestions and exceptions
    excess_tolerance: Decimal = Field(default=Decimal("0.2"), ge=0)
    dead_stock_days: int = Field(default=90, ge=1)
    large_lot_days: int = Field(
        default=365, ge=1, description="A lot covering more days of demand is a large_lot."
    )

    @field_validator("planning_service_levels")
    @classmethod
    def _service_levels(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != {"A", "B", "C"}:
            raise ValueError("give a service level for each of A, B and C")
        if not all(0 < level < 1 for level in value.values()):
            raise ValueError("service levels lie strictly between 0 and 1")
        return value
