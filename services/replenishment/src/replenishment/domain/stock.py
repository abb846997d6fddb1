"""Stock points: master data, policies and their terms, the inventory position and the threshold.

The inventory position of a stock point is on hand - reserved + on order. When it falls to or
below the reorder point a requisition is due (see `replenishment.domain.purchasing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Final, Literal

from inventory_contracts.events.orders import OrderLine

ZERO: Final = Decimal(0)
DEFAULT_DEPARTMENT: Final = "purchasing"
DEFAULT_CURRENCY: Final = "CNY"
PRODUCTION_DEPARTMENT: Final = "production"
DEFAULT_PRODUCTION_LEAD_TIME_DAYS: Final = 3
"""Planning default for a make item whose master data gives no production lead time."""

ProcurementType = Literal["buy", "make"]
"""buy: a breach raises a purchase requisition; make: a production work order proposal."""

StockPointKey = tuple[str, str]
"""(sku, location): one SKU at one location, the unit everything here is kept per."""


class PolicyError(ValueError):
    """A policy that cannot be used; `field` names the offending request field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Item:
    """An item (SKU) as the master data describes it."""

    sku: str
    name: str
    category: str
    unit_cost: Decimal
    currency: str = DEFAULT_CURRENCY
    unit_of_measure: str = "pcs"
    name_zh: str | None = None
    active: bool = True
    procurement_type: ProcurementType = "buy"
    production_lead_time_days: int | None = None


@dataclass(frozen=True)
class Supplier:
    """A supplier as the master data describes it."""

    supplier_id: str
    name: str
    lead_time_days: int
    currency: str = DEFAULT_CURRENCY


@dataclass(frozen=True)
class Policy:
    """How one SKU is replenished at one location.

    `unit_cost`, `lead_time_days` and `currency` are overrides; None means "from the master
    data" (item cost, supplier lead time), resolved when a requisition is raised. A planning run
    rewrites reorder point and order quantity unless `manual` is set.
    """

    sku: str
    location: str
    reorder_point: Decimal
    order_quantity: Decimal
    supplier_id: str
    unit_cost: Decimal | None = None
    lead_time_days: int | None = None
    department: str = DEFAULT_DEPARTMENT
    currency: str | None = None
    moq: Decimal | None = None
    pack_size: Decimal | None = None
    # True: the typed-in reorder point and order quantity stay; planning runs leave them alone.
    manual: bool = False


@dataclass(frozen=True)
class Terms:
    """The effective terms of a policy, master-data defaults filled in: a supplier's (buy) or
    our production's (make: no supplier, the item's standard cost and production lead time)."""

    supplier_id: str | None
    unit_cost: Decimal
    currency: str
    lead_time_days: int
    department: str
    procurement_type: ProcurementType = "buy"


def resolve_terms(policy: Policy, item: Item | None, supplier: Supplier | None) -> Terms:
    """Fill the policy's defaults from the item and supplier; PolicyError if one is missing.
    A make item is made, not bought: its terms are `production_terms` (no supplier needed)."""
    if item is not None and item.procurement_type == "make":
        return production_terms(policy, item)
    if supplier is None:
        raise PolicyError(
            "supplier_id", f"unknown supplier {policy.supplier_id!r} (no supplier master data)"
        )
    if policy.unit_cost is not None:
        unit_cost = policy.unit_cost
        currency = policy.currency or supplier.currency
    elif item is not None:
        unit_cost = item.unit_cost
        currency = policy.currency or item.currency
    else:
        raise PolicyError(
            "unit_cost", f"required: item {policy.sku!r} is unknown, so there is no default cost"
        )
    lead_time = policy.lead_time_days
    return Terms(
        supplier_id=supplier.supplier_id,
        unit_cost=unit_cost,
        currency=currency,
        lead_time_days=supplier.lead_time_days if lead_time is None else lead_time,
        department=policy.department,
    )


def production_terms(policy: Policy, item: Item) -> Terms:
    """A make item's terms: the policy's overrides, else the item's standard cost and production
    lead time (else the planning default); the production department unless the policy names
    another than the purchasing default."""
    lead_time = policy.lead_time_days
    if lead_time is None:
        lead_time = item.production_lead_time_days
    department = policy.department
    return Terms(
        supplier_id=None,
        unit_cost=item.unit_cost if policy.unit_cost is None else policy.unit_cost,
        currency=policy.currency or item.currency,
        lead_time_days=DEFAULT_PRODUCTION_LEAD_TIME_DAYS if lead_time is None else lead_time,
        department=PRODUCTION_DEPARTMENT if department == DEFAULT_DEPARTMENT else department,
        procurement_type="make",
    )


@dataclass
class Position:
    """On hand and reserved (from reservation) and on order (ours) of one stock point."""

    sku: str
    location: str
    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO
    on_order: Decimal = ZERO
    as_of: datetime | None = None

    @property
    def inventory_position(self) -> Decimal:
        """on hand - reserved + on order."""
        return self.on_hand - self.reserved + self.on_order

    def apply_snapshot(self, on_hand: Decimal, reserved: Decimal, as_of: datetime) -> bool:
        """Take reservation's snapshot unless it is older than the one we have."""
        if self.as_of is not None and as_of < self.as_of:
            return False
        self.on_hand, self.reserved, self.as_of = on_hand, reserved, as_of
        return True

    def add_on_order(self, quantity: Decimal) -> None:
        self.on_order += quantity

    def remove_on_order(self, quantity: Decimal) -> None:
        self.on_order = max(ZERO, self.on_order - quantity)


def is_below_threshold(position: Position, reorder_point: Decimal) -> bool:
    """The replenishment trigger: inventory position at or below the reorder point."""
    return position.inventory_position <= reorder_point


def reorder_quantity(
    inventory_position: Decimal, reorder_point: Decimal, order_quantity: Decimal
) -> Decimal:
    """The smallest multiple of `order_quantity` that lifts the position above the reorder point."""
    shortfall = max(ZERO, reorder_point - inventory_position)
    lots = (shortfall / order_quantity).to_integral_value(rounding=ROUND_CEILING)
    if lots * order_quantity <= shortfall:  # exactly at the reorder point is not above it
        lots += 1
    return lots * order_quantity


def demand_by_stock_point(lines: Iterable[OrderLine]) -> dict[StockPointKey, Decimal]:
    """Ordered quantity per (sku, location); repeated lines of one order are added up."""
    demand: dict[StockPointKey, Decimal] = {}
    for line in lines:
        key = (line.sku, line.location)
        demand[key] = demand.get(key, ZERO) + line.quantity
    return demand
