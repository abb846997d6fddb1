"""Runs of availability changes from reservation, applied set-based (the order path).

The positions of a run are locked and loaded together with their policies and whether a
requisition is open, each change is applied in memory (a receipt against a purchase order
first lowers on-order, so the position does not dip), the threshold is checked after each, and
the changed positions are saved together: a few statements per run, whatever its length.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from inventory_contracts.events.availability import AvailabilityChanged
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import event_context

from replenishment.domain import Position, ReorderWatch, StockPointKey
from replenishment.handlers.threshold import reorder_if_due
from replenishment.ports import ReplenishmentUoW

log = logging.getLogger(__name__)


async def apply_availability_changes(
    run: Sequence[InboundEvent[AvailabilityChanged]],
    uow: ReplenishmentUoW,
    now: Clock = utc_now,
) -> None:
    """Take reservation's on-hand/reserved snapshots into the positions, checking the threshold
    after each; a requisition raised on the way answers the change that crossed the point."""
    watches = await watch_stock_points((message.data for message in run), uow)
    for message in run:
        change = message.data
        with event_context(message):
            await _take(change, watches[(change.sku, change.location)], uow, now)
            uow.collect_events()
    await uow.positions.save_many([watch.position for watch in watches.values()])


async def watch_stock_points(
    changes: Iterable[AvailabilityChanged], uow: ReplenishmentUoW
) -> dict[StockPointKey, ReorderWatch]:
    """Lock the positions the changes name, with their policies and whether a requisition is
    open. Requisitions are raised only under the position's lock, so none opens meanwhile (one
    rejected meanwhile counts as open until the next run)."""
    points = sorted({(change.sku, change.location) for change in changes})
    positions = await uow.positions.lock_many(points)
    policies = await uow.policies.get_many(points)
    with_open = await uow.requisitions.stock_points_with_open(list(policies))
    return {
        key: ReorderWatch(position, policies.get(key), requisition_open=key in with_open)
        for key, position in positions.items()
    }


async def _take(
    change: AvailabilityChanged, watch: ReorderWatch, uow: ReplenishmentUoW, now: Clock
) -> None:
    position = watch.position
    movement = change.movement
    if (
        movement is not None
        and movement.purchase_order_id is not None
        and movement.movement_type == "receipt"
        and movement.quantity_delta > 0
    ):
        await _receive_against_po(
            position,
            movement.purchase_order_id,
            movement.movement_id,
            movement.quantity_delta,
            change.as_of,
            uow,
        )
    if not position.apply_snapshot(change.on_hand, change.reserved, change.as_of):
        log.info("stale availability of %s@%s ignored", change.sku, change.location)
    if watch.due() is not None:  # most changes leave the position above: no clock, no call
        await reorder_if_due(watch, uow, now())


async def _receive_against_po(
    position: Position,
    purchase_order_id: str,
    movement_id: str,
    quantity: Decimal,
    received_at: datetime,
    uow: ReplenishmentUoW,
) -> None:
    order = await uow.purchase_orders.get(purchase_order_id, for_update=True)
    if order is None or (order.sku, order.location) != (position.sku, position.location):
        log.warning(
            "receipt %s names PO %s, which is not ours for %s@%s",
            movement_id,
            purchase_order_id,
            position.sku,
            position.location,
        )
        return
    if not await uow.purchase_orders.record_receipt(
        purchase_order_id, movement_id, quantity, received_at
    ):
        return  # this movement was already booked against the PO
    position.remove_on_order(order.receive(quantity, received_at))
    await uow.purchase_orders.save(order)
