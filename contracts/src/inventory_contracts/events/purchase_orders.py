"""Purchasing context: purchase orders sent to suppliers and goods received against them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, Field

from inventory_contracts.events.base import (
    DEFAULT_CURRENCY,
    ContractModel,
    Currency,
    Event,
    Identifier,
    LocationCode,
    Money,
    PositiveQuantity,
    Sku,
)
from inventory_contracts.topics import Topics


class PurchaseOrderLine(ContractModel):
    """A quantity of one SKU ordered for one location at a unit cost."""

    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    unit_cost: Money


class PurchaseOrderReleased(Event):
    """An approved requisition became a purchase order to send to the supplier.

    Published by replenishment; integration-gateway writes it back to the ERP.
    """

    event_type = "inventory.purchase-order.released.v1"
    topic = Topics.PURCHASE_ORDERS

    purchase_order_id: Identifier
    requisition_id: Identifier
    supplier_id: Identifier
    lines: Annotated[tuple[PurchaseOrderLine, ...], Field(min_length=1)]
    total_amount: Money
    currency: Currency = DEFAULT_CURRENCY
    expected_receipt_date: date
    released_at: AwareDatetime

    def key(self) -> str:
        """The `purchase_order_id`."""
        return self.purchase_order_id


class ReceiptLine(ContractModel):
    """A quantity of one SKU received at one location, with its cost and lot."""

    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    unit_cost: Money
    lot: str | None = None
    expiry_date: date | None = None


class GoodsReceived(Event):
    """Goods arrived at a warehouse (a goods receipt in the ERP), usually against a PO.

    Published by integration-gateway; the stock ledger posts the receipt.
    """

    event_type = "inventory.goods.received.v1"
    topic = Topics.PURCHASE_ORDERS

    receipt_id: Identifier
    purchase_order_id: Identifier | None = None
    lines: Annotated[tuple[ReceiptLine, ...], Field(min_length=1)]
    currency: Currency = DEFAULT_CURRENCY
    received_at: AwareDatetime

    def key(self) -> str:
        """The `purchase_order_id`, or the `receipt_id` when there is no PO."""
        # Keyed by PO when there is one, so it stays behind that PO's release.
        return self.purchase_order_id or self.receipt_id
