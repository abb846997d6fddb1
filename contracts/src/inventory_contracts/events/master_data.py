"""Master data context: items, locations, suppliers, categories, units of measure and
item-supplier terms, owned by the ERP."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from inventory_contracts.events.base import (
    DEFAULT_CURRENCY,
    Currency,
    Event,
    Identifier,
    LocationCode,
    Money,
    NonNegativeInt32,
    PositiveDecimal,
    PositiveInt32,
    Sku,
)
from inventory_contracts.topics import Topics

ValuationMethod = Literal["fifo", "moving_average"]
ProcurementType = Literal["buy", "make"]


class ItemUpserted(Event):
    """An item (SKU) was created or changed; the message carries its full current state.

    Published by integration-gateway (from the ERP item master).
    """

    event_type = "inventory.item.upserted.v1"
    topic = Topics.MASTER_DATA

    sku: Sku
    name: str = Field(min_length=1)
    name_zh: str | None = Field(None, description="Chinese name, for user-facing text.")
    unit_of_measure: str = Field(min_length=1, description='e.g. "pcs", "kg", "box".')
    category: str = Field(min_length=1)
    unit_cost: Money = Field(description="Standard or last known cost per unit of measure.")
    currency: Currency = DEFAULT_CURRENCY
    valuation_method: ValuationMethod = "moving_average"
    lot_tracked: bool = False
    expiry_managed: bool = Field(False, description="Issue first-expiry-first-out (FEFO).")
    active: bool = True
    abc_class: Literal["A", "B", "C"] | None = Field(
        None, description="ABC class (ABC 分类) of the item, when the ERP classifies it."
    )
    purchase_unit: str | None = Field(
        None, min_length=1, description='Unit the item is bought in, e.g. "box" (of 12 pcs).'
    )
    purchase_unit_factor: PositiveDecimal | None = Field(
        None, description="Units of measure in one purchase unit (12 for a box of 12 pcs)."
    )
    procurement_type: ProcurementType = Field(
        "buy",
        description="buy: a low stock raises a purchase requisition (采购申请); make: a "
        "production work order proposal (生产工单).",
    )
    production_lead_time_days: NonNegativeInt32 | None = Field(
        None, description="Make items: days from release to completion; None: planning default."
    )

    def key(self) -> str:
        """The `sku`."""
        return self.sku


class LocationUpserted(Event):
    """A stock location (warehouse, store) was created or changed; full current state.

    Published by integration-gateway (from the ERP).
    """

    event_type = "inventory.location.upserted.v1"
    topic = Topics.MASTER_DATA

    location: LocationCode
    name: str = Field(min_length=1)
    allow_negative_stock: bool = False
    active: bool = True

    def key(self) -> str:
        """The `location` code."""
        return self.location


class SupplierUpserted(Event):
    """A supplier was created or changed; full current state.

    Published by integration-gateway (from the ERP).
    """

    event_type = "inventory.supplier.upserted.v1"
    topic = Topics.MASTER_DATA

    supplier_id: Identifier
    name: str = Field(min_length=1)
    lead_time_days: NonNegativeInt32 = Field(description="Quoted lead time in days.")
    currency: Currency = DEFAULT_CURRENCY

    def key(self) -> str:
        """The `supplier_id`."""
        return self.supplier_id


class CategoryUpserted(Event):
    """An item category was created or changed; full current state.

    Published by integration-gateway (bulk import of the ERP's categories).
    """

    event_type = "inventory.category.upserted.v1"
    topic = Topics.MASTER_DATA

    category: Identifier
    name: str = Field(min_length=1)
    name_zh: str | None = None
    parent: str | None = Field(None, min_length=1, description="Parent category code.")

    def key(self) -> str:
        """The `category` code."""
        return self.category


class UnitOfMeasureUpserted(Event):
    """A unit of measure and its conversion to a base unit (1 `unit` = `factor` `base_unit`).

    Published by integration-gateway (bulk import). A base unit has itself as `base_unit`
    and factor 1.
    """

    event_type = "inventory.unit-of-measure.upserted.v1"
    topic = Topics.MASTER_DATA

    unit: Identifier
    name: str = Field(min_length=1)
    name_zh: str | None = None
    base_unit: Identifier
    factor: PositiveDecimal = Field(description="How many base units one unit holds.")

    def key(self) -> str:
        """The `unit` code."""
        return self.unit


class SupplierTermsUpserted(Event):
    """The terms a supplier quotes for an item; full current state.

    Published by integration-gateway (bulk import). Quantities are in the purchase unit.
    """

    event_type = "inventory.supplier-terms.upserted.v1"
    topic = Topics.MASTER_DATA

    supplier_id: Identifier
    sku: Sku
    price: Money = Field(description="Price of one purchase unit.")
    currency: Currency = DEFAULT_CURRENCY
    lead_time_days: NonNegativeInt32
    minimum_order_quantity: PositiveDecimal = Decimal(1)
    pack_size: PositiveInt32 = Field(1, description="Orders are multiples of this quantity.")
    purchase_unit: str | None = Field(None, min_length=1)
    active: bool = True

    def key(self) -> str:
        """The `sku` (terms of one item land on one partition)."""
        return self.sku
