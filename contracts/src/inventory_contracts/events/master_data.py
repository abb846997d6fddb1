"""Master data context: items, locations and suppliers, owned by the ERP."""

from __future__ import annotations

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
    Sku,
)
from inventory_contracts.topics import Topics

ValuationMethod = Literal["fifo", "moving_average"]


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
