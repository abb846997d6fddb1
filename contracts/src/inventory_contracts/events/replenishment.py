"""Replenishment context: reorder signals and purchase requisitions."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from inventory_contracts.events.base import (
    DEFAULT_CURRENCY,
    Currency,
    Event,
    Identifier,
    LocationCode,
    Money,
    NonNegativeQuantity,
    PositiveQuantity,
    Quantity,
    Sku,
    StockPointEvent,
)
from inventory_contracts.topics import Topics


class StockBelowThreshold(StockPointEvent):
    """Inventory position of one SKU at one location fell to or below its reorder point.

    Published by replenishment.
    """

    event_type = "inventory.stock.below-threshold.v1"
    topic = Topics.REPLENISHMENT

    inventory_position: Quantity = Field(description="on_hand - reserved + on_order.")
    on_hand: Quantity
    reserved: NonNegativeQuantity
    on_order: NonNegativeQuantity
    reorder_point: NonNegativeQuantity
    safety_stock: NonNegativeQuantity | None = None


class ReplenishmentProposed(Event):
    """A purchase requisition was raised to restock one SKU at one location.

    Published by replenishment; approval follows with ApprovalRequested.
    """

    event_type = "inventory.replenishment.proposed.v1"
    topic = Topics.REPLENISHMENT

    requisition_id: Identifier
    sku: Sku
    location: LocationCode
    supplier_id: Identifier
    quantity: PositiveQuantity
    unit_cost: Money
    amount: Money
    currency: Currency = DEFAULT_CURRENCY
    reason: str = Field(description="Why, for the approver (e.g. the policy and figures).")
    need_by: date | None = None

    def key(self) -> str:
        """The `requisition_id`."""
        return self.requisition_id


class StockPointClassified(StockPointEvent):
    """A planning run put a stock point (item x location) in another ABC class (ABC 分类), or
    classified it for the first time.

    Published by replenishment, only when the class changes, so alerting scopes and rolls up
    rules by the class planning computed (A: the items behind most of the consumption value).
    """

    event_type = "inventory.stock-point.classified.v1"
    topic = Topics.REPLENISHMENT

    abc_class: Literal["A", "B", "C"]
    previous_abc_class: Literal["A", "B", "C"] | None = Field(
        None, description="The class before this run; absent the first time."
    )
    xyz_class: Literal["X", "Y", "Z"] | None = Field(
        None, description="Demand variability class (XYZ 分类) of the same run."
    )
    planning_run_id: Identifier
    classified_at: AwareDatetime


class ForecastAccuracyMeasured(StockPointEvent):
    """A planning period closed: the demand that came at a stock point against the forecast per
    period the planning run before it had made (the forecast error, 预测误差, and bias).

    Published by replenishment at the first planning run after the period, once per stock point
    and period, for stock points a run had forecast before the period ended.
    """

    event_type = "inventory.forecast.accuracy-measured.v1"
    topic = Topics.REPLENISHMENT

    period: Literal["day", "week", "month"]
    period_start: date
    forecast: NonNegativeQuantity = Field(description="Units forecast for the period.")
    actual: NonNegativeQuantity = Field(description="Units demanded in the period.")
    forecast_run_id: Identifier = Field(description="The planning run that made the forecast.")
