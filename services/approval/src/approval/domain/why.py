"""Why a purchase requisition is proposed: the facts behind it, as the detail page shows them.

The request carries what is asked (item, quantity, supplier, price); the rest is read live
from the services that own it (`adapters.why_reader`) into the readings below, each of which
may be `Unavailable` (unreachable, refused, unknown). `why_panel` turns what arrived into
sections of facts with language-neutral values (labels are the page's, by key); a part that
did not arrive is a fact or a section marked unavailable, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

SUBJECT_TYPE = "purchase_requisition"
WORK_ORDER_SUBJECT_TYPE = "production_work_order"
"""A make item's proposal: the same panel without a supplier (made, not bought)."""
WHY_SUBJECT_TYPES = (SUBJECT_TYPE, WORK_ORDER_SUBJECT_TYPE)
NEXT_PERIODS = 4
HISTORY_PERIODS = 6
RECENT_PRICES = 5
BAR_STEPS = 10
Reason = Literal["unreachable", "refused", "not_found", "invalid"]


@dataclass(frozen=True)
class Unavailable:
    """A part that could not be read, and why (shown, never raised)."""

    reason: Reason


@dataclass(frozen=True)
class Planning:
    period: str
    forecast_per_period: Decimal
    forecast_model: str
    safety_stock: Decimal
    reorder_point: Decimal
    order_quantity: Decimal
    lead_time_mean_days: Decimal
    service_target: Decimal
    abc_class: str


@dataclass(frozen=True)
class Policy:
    reorder_point: Decimal
    order_quantity: Decimal


@dataclass(frozen=True)
class Position:
    on_order: Decimal
    inventory_position: Decimal


@dataclass(frozen=True)
class Availability:
    on_hand: Decimal
    reserved: Decimal
    available_to_promise: Decimal


@dataclass(frozen=True)
class Backorders:
    backordered: Decimal


@dataclass(frozen=True)
class DemandBucket:
    period_start: date
    quantity: Decimal


@dataclass(frozen=True)
class Demand:
    period: str
    buckets: list[DemandBucket]


@dataclass(frozen=True)
class LeadTime:
    p50_days: int
    p90_days: int


@dataclass(frozen=True)
class Supplier:
    lines: int
    on_time: int
    late: int
    overdue: int
    on_time_rate: float | None
    lead_time: LeadTime | None = None


@dataclass(frozen=True)
class Order:
    purchase_order_id: str
    sku: str
    unit_cost: Decimal
    currency: str
    quantity: Decimal
    released_at: datetime


@dataclass(frozen=True)
class Requested:
    """What the request asks, from its details."""

    sku: str
    location: str
    supplier_id: str
    quantity: Decimal | None
    unit_cost: Decimal | None
    amount: Decimal
    currency: str
    position_then: Decimal | None = None
    """The inventory position when the requisition was raised (its trigger), if carried."""
    reorder_point_then: Decimal | None = None
    made: bool = False
    """A production work order proposal (make item): no supplier, a production lead time."""
    lead_time_days: int | None = None
    due_date: str | None = None

    @classmethod
    def of(cls, details: Mapping[str, Any], amount: Decimal, currency: str) -> Requested | None:
        """The request's ask, or None when its details name no item and location."""
        sku, location = details.get("sku"), details.get("location")
        if not isinstance(sku, str) or not isinstance(location, str) or not sku or not location:
            return None
        supplier = details.get("supplier_id")
        lead_time = details.get("production_lead_time_days")
        due = details.get("due_date")
        return cls(
            sku=sku,
            location=location,
            supplier_id=supplier if isinstance(supplier, str) else "",
            quantity=decimal_or_none(details.get("quantity")),
            unit_cost=decimal_or_none(details.get("unit_cost")),
            amount=amount,
            currency=currency,
            position_then=decimal_or_none(details.get("inventory_position")),
            reorder_point_then=decimal_or_none(details.get("reorder_point")),
            made=details.get("procurement_type") == "make",
            lead_time_days=lead_time if isinstance(lead_time, int) else None,
            due_date=due if isinstance(due, str) else None,
        )


@dataclass(frozen=True)
class Readings:
    """What the owning services answered (or why not)."""

    planning: Planning | Unavailable
    policy: Policy | Unavailable
    position: Position | Unavailable
    availability: Availability | Unavailable
    backorders: Backorders | Unavailable
    demand: Demand | Unavailable
    supplier: Supplier | Unavailable
    orders: list[Order] | Unavailable


@dataclass(frozen=True)
class Fact:
    """One line of the panel: a label key and its value (None: unavailable, with `reason`)."""

    key: str
    value: str | None
    reason: Reason | None = None
    note: str = ""


@dataclass(frozen=True)
class PeriodRow:
    """One period of the demand chart: actual history or the forecast ahead."""

    start: date
    quantity: str
    kind: Literal["actual", "forecast"]
    bar: int  # 0..BAR_STEPS, the bar's length relative to the largest period shown


@dataclass(frozen=True)
class Price:
    purchase_order_id: str
    released_on: date
    unit_cost: str
    quantity: str


@dataclass(frozen=True)
class WhyPanel:
    request: list[Fact]
    plan: list[Fact]
    periods: list[PeriodRow]
    period: str | None
    stock: list[Fact]
    supplier: list[Fact]
    prices: list[Price] = field(default_factory=list)
    prices_reason: Reason | None = None
    made: bool = False
    """A work order proposal's panel: no supplier part, no purchase prices."""


def decimal_or_none(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def number(value: Decimal | float | int) -> str:
    """A quantity or amount as people read it: thousands grouped, no trailing zeros."""
    exact = Decimal(str(value))
    if exact == exact.to_integral_value():
        return f"{exact:,.0f}"
    return f"{exact.normalize():,f}"


def percent(rate: float | Decimal) -> str:
    return f"{Decimal(str(rate)) * 100:.0f}%"


def change(now: Decimal, before: Decimal) -> str:
    """`now` against `before` as a signed percentage ("+4.2%"); "" without a base."""
    if before == 0:
        return ""
    return f"{(now - before) / before * 100:+.1f}%"


def next_starts(last: date, period: str, count: int) -> list[date]:
    """The starts of the `count` periods after the one starting on `last`."""
    starts, current = [], last
    for _ in range(count):
        if period == "month":
            current = (current.replace(day=1) + timedelta(days=32)).replace(day=1)
        else:
            current += timedelta(days=7 if period == "week" else 1)
        starts.append(current)
    return starts
