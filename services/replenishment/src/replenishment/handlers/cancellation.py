"""A buyer cancels a released purchase order: what it has not delivered comes off the stock
point's on order (the threshold is checked again, so a new requisition may follow), and
PurchaseOrderCancelled tells reservation, alerting and the ERP."""

from __future__ import annotations

from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now

from replenishment import domain
from replenishment.domain import PurchaseOrder
from replenishment.handlers.threshold import check_threshold
from replenishment.ports import ReplenishmentUoW


async def cancel_order(
    purchase_order_id: str,
    reason: str,
    actor: Principal,
    uow: ReplenishmentUoW,
    now: Clock = utc_now,
) -> PurchaseOrder | None:
    """Cancel the order (None: no such order); raises `OrderNotCancellable` when it is closed,
    cancelled already or a work order. Audited with the reason."""
    async with uow:
        found = await uow.purchase_orders.get(purchase_order_id)
        if found is None:
            return None
        position = await uow.positions.lock(found.sku, found.location)  # the receipt's order
        order = await uow.purchase_orders.get(purchase_order_id, for_update=True)
        assert order is not None
        before = {"status": order.status, "received_quantity": str(order.received_quantity)}
        at = now()
        cancelled = domain.cancel_purchase_order(order, reason, actor.id, at)
        await uow.purchase_orders.save(order)
        position.remove_on_order(cancelled)
        await uow.positions.save(position)
        after = {"status": order.status, "cancelled_quantity": str(cancelled), "reason": reason}
        uow.audit(actor, "cancel", "purchase_order", purchase_order_id, before=before, after=after)
        await check_threshold(position, uow, at)
        await uow.commit()
    return order
