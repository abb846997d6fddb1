"""Demand history of a stock point per day, ISO week or calendar month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import Query
from fastapi.responses import JSONResponse
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.errors import ApiError, validation_error
from pydantic import BaseModel

from replenishment.api import NOT_FOUND, READ, Location, Sku, Uow
from replenishment.domain.demand import DailyDemand, Period, aggregate_demand

router = secured_router(prefix="/v1", tags=["planning"], dependencies=READ)


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
    uow: Uow,
    period: Period = "week",
    start: Annotated[date | None, Query(description="First day; default first demand.")] = None,
    end: Annotated[date | None, Query(description="Last day; default last demand.")] = None,
) -> DemandView | JSONResponse:
    """Demand (orders placed, rejected ones included) per day, ISO week or calendar month."""
    if start is not None and end is not None and start > end:
        return validation_error([("end", "must not be before start")], prefix="query.")
    async with uow:
        daily = [DailyDemand(*row) for row in await uow.demand.daily(sku, location)]
    if not daily:
        raise ApiError(404, "not_found", f"demand of {sku}@{location} not found")
    buckets = aggregate_demand(daily, period, start=start, end=end)
    return DemandView(
        sku=sku,
        location=location,
        period=period,
        total=sum((b.quantity for b in buckets), Decimal(0)),
        buckets=[DemandBucketView(**b.__dict__) for b in buckets],
    )
