"""Replenishment suggestions and exception lists over stock points (pure).

A stock point's *cover* is the days its available stock (on hand - reserved) lasts at the
forecast daily demand. Risk is cover against lead time: ``cover / lead time`` below 1 means it
runs out before an order placed today can arrive. Suggestions are ranked by that ratio (lowest
first), then by order value (highest first). Every reason is given in English and Chinese.
The exception lists over the same stock points are in `stock_exceptions`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from replenishment.domain.stock import ZERO, reorder_quantity


@dataclass(frozen=True)
class Reason:
    code: str
    en: str
    zh: str


@dataclass(frozen=True)
class StockPoint:
    """What the suggestions need to know of one stock point with a policy."""

    sku: str
    location: str
    supplier_id: str
    unit_cost: Decimal
    currency: str
    lead_time_days: int
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    reorder_point: Decimal
    order_quantity: Decimal
    order_up_to: Decimal | None = None
    safety_stock: Decimal | None = None
    daily_demand: float | None = None  # forecast per day; None when never planned
    moq: Decimal | None = None
    pack_size: Decimal | None = None
    next_arrival: date | None = None  # earliest expected receipt of an open PO
    last_demand_on: date | None = None
    open_requisition_id: str | None = None
    snoozed_until: date | None = None

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    @property
    def inventory_position(self) -> Decimal:
        return self.on_hand - self.reserved + self.on_order

    @property
    def cover_days(self) -> float | None:
        """Days the available stock lasts; None without demand (it never runs out)."""
        if not self.daily_demand or self.daily_demand <= 0:
            return None
        return max(0.0, float(self.available)) / self.daily_demand

    @property
    def target_level(self) -> Decimal:
        return (
            self.order_up_to
            if self.order_up_to is not None
            else (self.reorder_point + self.order_quantity)
        )


@dataclass(frozen=True)
class Suggestion:
    suggestion_id: str
    sku: str
    location: str
    supplier_id: str
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    currency: str
    order_by: date
    expected_arrival: date
    cover_days: float | None
    lead_time_days: int
    risk_ratio: float | None  # cover / lead time; below 1: stockout before arrival
    inventory_position: Decimal
    reorder_point: Decimal
    order_up_to: Decimal | None
    safety_stock: Decimal | None
    daily_demand: float | None
    open_requisition_id: str | None
    snoozed_until: date | None
    reasons: list[Reason] = field(default_factory=list)


def suggestion_id(sku: str, location: str) -> str:
    return f"{sku}@{location}"


def parse_suggestion_id(value: str) -> tuple[str, str] | None:
    sku, at, location = value.rpartition("@")
    return (sku, location) if at and sku and location else None


def round_to_pack(quantity: Decimal, moq: Decimal | None, pack_size: Decimal | None) -> Decimal:
    """Up to whole packs, and at least the MOQ (itself rounded up to whole packs)."""
    pack = pack_size if pack_size and pack_size > 0 else Decimal(1)
    packs = (max(quantity, ZERO) / pack).to_integral_value(rounding=ROUND_CEILING) * pack
    minimum = ((moq or ZERO) / pack).to_integral_value(rounding=ROUND_CEILING) * pack
    return max(packs, minimum)


def _quantity(point: StockPoint) -> Decimal:
    position = point.inventory_position
    if point.order_up_to is not None:
        wanted = max(point.order_up_to - position, point.reorder_point - position + 1)
    else:
        wanted = reorder_quantity(position, point.reorder_point, point.order_quantity)
    return round_to_pack(wanted, point.moq, point.pack_size)


def fmt(value: Decimal | float) -> str:
    """A quantity as people write it: no trailing zeros, floats to one decimal."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return f"{value.normalize():f}"


def _reasons(point: StockPoint, cover: float | None) -> list[Reason]:
    position, rop = point.inventory_position, point.reorder_point
    reasons = [
        Reason(
            "position_at_reorder_point",
            f"inventory position {fmt(position)} is at or below the reorder point {fmt(rop)}",
            f"库存净额 {fmt(position)} 已降至再订货点 {fmt(rop)} 或以下",
        )
        if position <= rop
        else Reason(
            "reorder_point_within_review",
            f"inventory position {fmt(position)} will reach the reorder point {fmt(rop)} "
            "within the review period",
            f"库存净额 {fmt(position)} 将在检查周期内降至再订货点 {fmt(rop)}",
        )
    ]
    if point.daily_demand is not None:
        reasons.append(
            Reason(
                "forecast",
                f"forecast demand {point.daily_demand:.2f} per day",
                f"预测需求每天 {point.daily_demand:.2f}",
            )
        )
    if point.safety_stock is not None:
        reasons.append(
            Reason(
                "safety_stock",
                f"safety stock {fmt(point.safety_stock)}",
                f"安全库存 {fmt(point.safety_stock)}",
            )
        )
    if cover is not None and cover < point.lead_time_days:
        reasons.append(
            Reason(
                "stockout_before_arrival",
                f"available stock lasts {cover:.1f} days, less than the lead time of "
                f"{point.lead_time_days} days",
                f"可用量仅够 {cover:.1f} 天，短于 {point.lead_time_days} 天的采购提前期",
            )
        )
    return reasons


def suggest(point: StockPoint, today: date, review_days: int) -> Suggestion | None:
    """A suggestion when the position is at the reorder point or reaches it within the review
    period at the forecast demand; None otherwise."""
    daily = point.daily_demand or 0.0
    projected = float(point.inventory_position) - daily * review_days
    if point.inventory_position > point.reorder_point and projected > float(point.reorder_point):
        return None
    cover = point.cover_days
    lead = point.lead_time_days
    # the latest day an order still arrives before the stock runs out (today without demand)
    slack = 0.0 if cover is None else max(cover - lead, 0.0)
    order_by = today + timedelta(days=math.floor(slack))
    quantity = _quantity(point)
    return Suggestion(
        suggestion_id=suggestion_id(point.sku, point.location),
        sku=point.sku,
        location=point.location,
        supplier_id=point.supplier_id,
        quantity=quantity,
        unit_cost=point.unit_cost,
        value=(quantity * point.unit_cost).quantize(Decimal("0.01")),
        currency=point.currency,
        order_by=order_by,
        expected_arrival=order_by + timedelta(days=lead),
        cover_days=cover,
        lead_time_days=lead,
        risk_ratio=None if cover is None else cover / max(lead, 1),
        inventory_position=point.inventory_position,
        reorder_point=point.reorder_point,
        order_up_to=point.order_up_to,
        safety_stock=point.safety_stock,
        daily_demand=point.daily_demand,
        open_requisition_id=point.open_requisition_id,
        snoozed_until=point.snoozed_until,
        reasons=_reasons(point, cover),
    )


def rank(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Riskiest first (lowest cover / lead time; no demand counts as no risk), then by value."""

    def key(s: Suggestion) -> tuple[float, Decimal, str, str]:
        risk = math.inf if s.risk_ratio is None else s.risk_ratio
        return (risk, -s.value, s.sku, s.location)

    return sorted(suggestions, key=key)


def suggestions(
    points: Iterable[StockPoint], today: date, review_days: int, *, include_snoozed: bool = False
) -> list[Suggestion]:
    found = []
    for point in points:
        snoozed = point.snoozed_until is not None and point.snoozed_until >= today
        if snoozed and not include_snoozed:
            continue
        suggestion = suggest(point, today, review_days)
        if suggestion is not None:
            found.append(suggestion)
    return rank(found)
