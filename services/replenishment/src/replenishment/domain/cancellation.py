"""Cancelling a released purchase order: what it has not delivered is no longer coming."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from inventory_contracts.events.purchase_orders import PurchaseOrderCancelled

from replenishment.domain.purchasing import PurchaseOrder, supplier_of


class OrderNotCancellable(Exception):
    """The order is closed or cancelled already, or is a work order (cancelled in the MES)."""


def cancel_purchase_order(order: PurchaseOrder, reason: str, by: str, at: datetime) -> Decimal:
    """Cancel what `order` still has on order (what came stays received), recording
    PurchaseOrderCancelled; returns the units cancelled."""
    if order.procurement_type != "buy":
        problem = f"{order.purchase_order_id} is a work order: cancel it in the MES"
        raise OrderNotCancellable(problem)
    if order.status in ("closed", "cancelled"):
        raise OrderNotCancellable(f"purchase order {order.purchase_order_id} is {order.status}")
    cancelled = order.open_quantity
    order.status, order.closed_at = "cancelled", at
    event = PurchaseOrderCancelled(
        purchase_order_id=order.purchase_order_id,
        requisition_id=order.requisition_id,
        supplier_id=supplier_of(order),
        sku=order.sku,
        location=order.location,
        cancelled_quantity=cancelled,
        reason=reason,
        cancelled_by=by,
        cancelled_at=at,
    )
    order.events.append(event)
    return cancelled
