"""Purchasing context: purchase orders sent to suppliers and goods received against them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
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


class PurchaseOrderCancelled(Event):
    """A released purchase order was cancelled: what it had not delivered is no longer coming
    (what it delivered stays received).

    Published by replenishment (a buyer cancels it, `POST /v1/purchase-orders/{id}/cancel`);
    reservation drops it from the promise dates, alerting from the supplier's on-time rate
    when nothing came, and integration-gateway writes it back to the ERP.
    """

    event_type = "inventory.purchase-order.cancelled.v1"
    topic = Topics.PURCHASE_ORDERS

    purchase_order_id: Identifier
    requisition_id: Identifier
    supplier_id: Identifier
    sku: Sku
    location: LocationCode
    cancelled_quantity: Annotated[Decimal, Field(ge=0, description="Units no longer coming.")]
    reason: str = Field(min_length=1, max_length=500)
    cancelled_by: Identifier
    cancelled_at: AwareDatetime

    def key(self) -> str:
        """The `purchase_order_id` (after its release, in the same partition)."""
        return self.purchase_order_id


class WorkOrderReleased(Event):
    """An approved production work order proposal became a work order to make the item.

    Published by replenishment; integration-gateway writes it back to the ERP/MES like a
    purchase order. It is on the purchase-orders topic because it is the make side of the
    same fact (stock ordered for a stock point): the gateway's write-back already reads that
    topic in order per document, and the completion receipt refers to it as a PO receipt does.
    """

    event_type = "inventory.work-order.released.v1"
    topic = Topics.PURCHASE_ORDERS

    work_order_id: Identifier
    proposal_id: Identifier = Field(description="The approved work order proposal.")
    sku: Sku
    location: LocationCode = Field(description="Where the finished goods are received.")
    quantity: PositiveQuantity
    unit_cost: Money = Field(description="Standard cost of one unit.")
    total_amount: Money = Field(description="quantity x standard cost.")
    currency: Currency = DEFAULT_CURRENCY
    due_date: date = Field(description="Release date + production lead time.")
    released_at: AwareDatetime

    def key(self) -> str:
        """The `work_order_id`."""
        return self.work_order_id


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
