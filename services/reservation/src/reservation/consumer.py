"""The reservation consumer group: which events it reads and how each is dispatched."""

from __future__ import annotations

from datetime import UTC, datetime

from inventory_contracts import (
    ItemUpserted,
    LocationUpserted,
    OrderCancelled,
    OrderPlaced,
    StockMoved,
)
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import Subscription, per_message

from reservation import handlers
from reservation.repository import ReservationUoW

GROUP_ID = "reservation"
EVENTS = (ItemUpserted, LocationUpserted, OrderPlaced, OrderCancelled, StockMoved)
"""OrderShipped is deliberately absent: availability changes when the stock has left, i.e. on
the ledger's StockMoved, never on the shipment notice."""


async def handle(event: InboundEvent, uow: ReservationUoW) -> None:
    """Apply one consumed event inside the batch's transaction."""
    data = event.data
    now = datetime.now(UTC)
    if isinstance(data, OrderPlaced):
        await handlers.place_order(data, uow, now)
    elif isinstance(data, OrderCancelled):
        await handlers.cancel_order(data, uow, now)
    elif isinstance(data, StockMoved):
        await handlers.apply_movement(data, uow, now)
    elif isinstance(data, ItemUpserted):
        await handlers.upsert_item(data, uow)
    elif isinstance(data, LocationUpserted):
        await handlers.upsert_location(data, uow)


def subscription() -> Subscription[ReservationUoW]:
    """Orders, stock movements and master data, applied in order in one transaction per batch."""
    return Subscription(group_id=GROUP_ID, events=EVENTS, handler=per_message(handle))
