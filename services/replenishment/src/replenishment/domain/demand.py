"""Demand history per stock point: what orders asked of each, aggregated from UTC days to
planning periods.

Weeks are ISO weeks (Monday to Sunday); months are calendar months. A period without orders is a
period of zero demand, so aggregated series are gap-free between their first and last period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal, get_args

from inventory_contracts.events.orders import OrderPlaced

from replenishment.domain.stock import demand_by_stock_point

Period = Literal["day", "week", "month"]
PERIODS: Final = get_args(Period)
DAYS_PER_PERIOD: Final[dict[str, float]] = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
PERIODS_PER_YEAR: Final[dict[str, int]] = {"day": 365, "week": 52, "month": 12}


@dataclass(frozen=True)
class OrderDemand:
    """What one order asked of one stock point; `placed_at` is UTC, its date the demand day."""

    order_id: str
    sku: str
    location: str
    quantity: Decimal
    placed_at: datetime

    @property
    def demand_date(self) -> date:
        return self.placed_at.date()


def demand_of_orders(orders: Iterable[tuple[OrderPlaced, datetime]]) -> list[OrderDemand]:
    """The demand of orders placed at the given times, per order and stock point.

    Repeated lines of an order are added up; an order met again keeps its first demand, as an
    order placed twice counts once.
    """
    demand: dict[tuple[str, str, str], OrderDemand] = {}
    for order, placed_at in orders:
        utc = placed_at.astimezone(UTC)  # demand days are UTC days
        for (sku, location), quantity in demand_by_stock_point(order.lines).items():
            key = (order.order_id, sku, location)
            demand.setdefault(key, OrderDemand(order.order_id, sku, location, quantity, utc))
    return list(demand.values())


@dataclass(frozen=True)
class DailyDemand:
    """Ordered quantity of one stock point on one UTC day (rejected orders included)."""

    demand_date: date
    quantity: Decimal
    order_count: int


@dataclass(frozen=True)
class DemandBucket:
    period_start: date
    period_end: date  # inclusive
    quantity: Decimal
    order_count: int


def period_start(day: date, period: Period) -> date:
    """The first day of the period holding `day`."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def next_period_start(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def shift_periods(start: date, period: Period, count: int) -> date:
    """`start` (a period start) moved `count` periods back (negative) or ahead."""
    if period == "month":
        months = start.year * 12 + start.month - 1 + count
        return date(months // 12, months % 12 + 1, 1)
    step = 7 if period == "week" else 1
    return start + timedelta(days=step * count)


def aggregate_demand(
    daily: Iterable[DailyDemand],
    period: Period,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[DemandBucket]:
    """Sum daily demand into periods from `start` (default: first demand) to `end` (default:
    last demand), both inclusive days; periods without orders appear with zero demand."""
    days = [d for d in daily if (start is None or d.demand_date >= start)]
    days = [d for d in days if end is None or d.demand_date <= end]
    first = start or (min(d.demand_date for d in days) if days else None)
    last = end or (max(d.demand_date for d in days) if days else None)
    if first is None or last is None or first > last:
        return []
    totals: dict[date, tuple[Decimal, int]] = {}
    for day in days:
        key = period_start(day.demand_date, period)
        quantity, orders = totals.get(key, (Decimal(0), 0))
        totals[key] = (quantity + day.quantity, orders + day.order_count)
    buckets = []
    current = period_start(first, period)
    while current <= last:
        following = next_period_start(current, period)
        quantity, orders = totals.get(current, (Decimal(0), 0))
        buckets.append(DemandBucket(current, following - timedelta(days=1), quantity, orders))
        current = following
    return buckets
