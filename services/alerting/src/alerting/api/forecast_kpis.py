"""Forecast error and bias over HTTP: planning's forecasts against the demand that came, per
stock point or rolled up by location, category or ABC class (`domain.forecasts`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Query
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.clock import utc_now
from pydantic import BaseModel, Field

from alerting.api import Uow
from alerting.api.kpis import Reader, Values
from alerting.api.kpis import _check_window as check_window
from alerting.domain.forecasts import ForecastPeriod, rollup
from alerting.domain.kpis import period_label
from alerting.domain.points import Grouping, PointFilter

router = secured_router(prefix="/v1", tags=["kpis"])


class ForecastRow(BaseModel):
    group: str
    period: str = Field(description="ISO week (2026-W48), day or month start.")
    start: date
    points: int = Field(description="Stock points measured in the period.")
    forecast: Decimal
    actual: Decimal
    absolute_error: Decimal = Field(description="Sum of |forecast - actual| (预测误差).")
    bias: Decimal = Field(description="Sum of forecast - actual (预测偏差); > 0: over-forecast.")
    wape: Decimal | None = Field(description="absolute_error / actual.")
    bias_percent: Decimal | None = Field(description="bias / actual x 100.")


def _row(group: str, period: str, found: ForecastPeriod) -> ForecastRow:
    label = period_label(found.start, "week") if period == "week" else found.start.isoformat()
    return ForecastRow(
        group=group, period=label, start=found.start, points=found.points,
        forecast=found.forecast, actual=found.actual, absolute_error=found.absolute_error,
        bias=found.bias, wape=found.wape, bias_percent=found.bias_percent,
    )  # fmt: skip


@router.get("/kpis/forecasts", response_model=list[ForecastRow], dependencies=Reader)
async def forecasts(
    uow: Uow,
    period: Literal["day", "week", "month"] = "week",
    group: Grouping = "item",
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    sku: Values = None,
    location: Values = None,
    category: Values = None,
    abc_class: Values = None,
) -> list[ForecastRow]:
    """Forecast error (WAPE) and bias per planning period that started from `from` to `to`
    (default: the last 8 weeks), as replenishment measured them when the period closed; of the
    stock points the KPI store knows (they moved), by group then period."""
    end = end or utc_now().date()
    start = start or end - timedelta(weeks=8)
    check_window(start, end)
    where = PointFilter(sku or (), location or (), category or (), abc_class or ())
    async with uow:
        points = await uow.kpis.points(where)
        found = await uow.business.forecasts([p.point for p in points], period, start, end)
    members: dict[tuple[str, date], list[ForecastPeriod]] = {}
    for point in points:
        for measured in found.get(point.point, []):
            members.setdefault((point.attribute(group), measured.start), []).append(measured)
    rows = []
    for (key, _), periods in sorted(members.items()):
        total = rollup(periods)
        if total is not None:
            rows.append(_row(key, period, total))
    return rows
