"""KPIs over HTTP: by day or ISO week, per stock point or rolled up; stock points as of today."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, Field

from alerting.api import Limit, Uow
from alerting.domain.business_rules import on_time_by_supplier
from alerting.domain.kpis import Period, PeriodKpis
from alerting.domain.points import Grouping, PointFilter, grouped

router = secured_router(prefix="/v1", tags=["kpis"])
Reader = [require("planning:read")]
Values = Annotated[list[str] | None, Query()]
AGING_WINDOW_DAYS = 366
"""Receipts looked at for aging: what is on hand beyond them is older than a year anyway."""


class KpiRow(BaseModel):
    group: str
    period: str
    start: date
    opening: Decimal
    closing: Decimal
    consumed: Decimal
    received: Decimal
    sell_through: Decimal | None
    turnover: Decimal | None
    days_of_supply: Decimal | None
    stockout_days: int
    backordered: Decimal


class StockPointRow(BaseModel):
    sku: str
    location: str
    category: str | None
    abc_class: str | None
    on_hand: Decimal
    backorder_open: Decimal
    days_since_movement: int | None
    oldest_age_days: int | None
    aging: dict[str, Decimal]


MAX_WINDOW = timedelta(days=3 * 366)


def _check_window(start: date, end: date) -> None:
    """422 for a reversed window, one longer than three years, or one off the calendar's ends."""
    problem = None
    if start > end:
        problem = "is after to"
    elif end - start > MAX_WINDOW:
        problem = "is more than three years before to"
    elif start.year < 1970 or end.year > 9000:
        problem = "is out of range (1970-9000)"
    if problem:
        raise ApiError(422, "validation_error", field_problems([("from", problem)], "query."))


def _row(group: str, kpis: PeriodKpis) -> KpiRow:
    names = ("opening", "closing", "consumed", "received", "backordered", "stockout_days")
    values: dict[str, Any] = {name: getattr(kpis, name) for name in names}
    return KpiRow(
        group=group, period=kpis.label, start=kpis.start, sell_through=kpis.sell_through,
        turnover=kpis.turnover, days_of_supply=kpis.days_of_supply, **values,
    )  # fmt: skip


@router.get("/kpis", response_model=list[KpiRow], dependencies=Reader)
async def kpis(
    uow: Uow,
    period: Period = "week",
    group: Grouping = "item",
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    sku: Values = None,
    location: Values = None,
    category: Values = None,
    abc_class: Values = None,
) -> list[KpiRow]:
    """Consumption, receipts, sell-through (去化率), turnover, days of supply, stockout days and
    backorders per complete day or ISO week from `from` to `to` (default: the last 8 weeks),
    per stock point (`group=item`) or summed by location, category or ABC class."""
    end = end or utc_now().date()
    start = start or end - timedelta(weeks=8)
    _check_window(start, end)
    where = PointFilter(sku or (), location or (), category or (), abc_class or ())
    async with uow:
        points = await uow.kpis.points(where)
        rows = await uow.kpis.days([p.point for p in points], start - timedelta(days=7))
    window = (start, end + timedelta(days=1))
    return [_row(key, kpis) for key, kpis in grouped(points, rows, period, window, group)]


@router.get("/kpis/stock-points", response_model=list[StockPointRow], dependencies=Reader)
async def stock_points(
    uow: Uow, sku: Values = None, location: Values = None, limit: Limit = 1000
) -> list[StockPointRow]:
    """Stock points as of today: on hand, open backorders, days since the last movement
    (呆滞料 when long), age of the oldest unit and on hand per age bucket (库龄)."""
    today = utc_now().date()
    async with uow:
        points = (await uow.kpis.points(PointFilter(sku or (), location or ())))[:limit]
        since = today - timedelta(days=AGING_WINDOW_DAYS)
        rows = await uow.kpis.days([p.point for p in points], since)
    result = []
    for point in points:
        now = point.snapshot(rows[point.point], today)
        result.append(
            StockPointRow(
                sku=point.sku,
                location=point.location,
                category=point.category,
                abc_class=point.abc_class,
                on_hand=point.on_hand,
                backorder_open=point.backorder_open,
                days_since_movement=now.days_since_movement,
                oldest_age_days=now.oldest_age_days,
                aging=now.aging,
            )
        )
    return result


class SupplierRow(BaseModel):
    supplier_id: str
    received: int = Field(description="Purchase orders due in the window and received.")
    on_time: int = Field(description="Of those, first received by their expected date.")
    overdue: int = Field(description="Due in the window, past due and nothing received.")
    on_time_rate: Decimal | None = Field(description="on time / (received + overdue)")


class OverdueApprovals(BaseModel):
    subject_type: str
    overdue: int = Field(description="Undecided requests that went past due (escalated).")
    oldest_overdue_since: datetime | None


@router.get("/kpis/suppliers", response_model=list[SupplierRow], dependencies=Reader)
async def suppliers(
    uow: Uow,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> list[SupplierRow]:
    """Supplier on-time rate (准时交货率) over the purchase orders due from `from` to `to`
    (default: the last 8 weeks) whose outcome is known (`domain.business_rules.OnTime`)."""
    end = end or utc_now().date()
    start = start or end - timedelta(weeks=8)
    _check_window(start, end)
    async with uow:
        found = on_time_by_supplier(await uow.business.deliveries(start), start, end, utc_now())
    return [
        SupplierRow(supplier_id=supplier, received=counted.received, on_time=counted.on_time,
                    overdue=counted.overdue, on_time_rate=counted.rate)
        for supplier, counted in found.items()
    ]  # fmt: skip


@router.get("/kpis/approvals", response_model=list[OverdueApprovals], dependencies=Reader)
async def overdue_approvals(uow: Uow) -> list[OverdueApprovals]:
    """Overdue approvals (逾期审批) now, by what is being approved."""
    async with uow:
        found = await uow.business.overdue_approvals()
    return [
        OverdueApprovals(subject_type=t, overdue=n, oldest_overdue_since=since)
        for t, n, since in found
    ]
