"""The reservation consumer group: which events it reads and which handler applies each.

Runs keep the partition's order: a cancel after its order in the same batch sees the
reservation, one before it is remembered first; an order after a receipt sees its stock.
Orders and stock movements are applied a run at a time (set-based); the runtime gives each
outcome the correlation and causation ids of the message with its key (the order's).
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory_contracts import (
    ItemUpserted,
    LocationUpserted,
    OrderCancelled,
    OrderPlaced,
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
    StockMoved,
)
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import Subscription

from reservation import handlers
from reservation.config import ReservationSettings
from reservation.ports import ReservationUoW

GROUP_ID = "reservation"
# OrderShipped is deliberately not handled: availability changes when the stock has left,
# i.e. on the ledger's StockMoved, never on the shipment notice.


def registry(
    default_ttl_seconds: int | None = None, clock: Clock = utc_now
) -> HandlerRegistry[ReservationUoW]:
    """Event type -> handler, each handed the message's data and the time it is applied."""

    async def place_orders(
        messages: Sequence[InboundEvent[OrderPlaced]], uow: ReservationUoW
    ) -> None:
        orders = [message.data for message in messages]
        await handlers.place_orders(orders, uow, clock(), default_ttl_seconds=default_ttl_seconds)

    async def apply_movements(
        messages: Sequence[InboundEvent[StockMoved]], uow: ReservationUoW
    ) -> None:
        await handlers.apply_movements([message.data for message in messages], uow, clock())

    async def cancel_order(message: InboundEvent[OrderCancelled], uow: ReservationUoW) -> None:
        await handlers.cancel_order(message.data, uow, clock())

    async def upsert_items(
        messages: Sequence[InboundEvent[ItemUpserted]], uow: ReservationUoW
    ) -> None:
        await handlers.upsert_items([message.data for message in messages], uow)

    async def upsert_location(message: InboundEvent[LocationUpserted], uow: ReservationUoW) -> None:
        await handlers.upsert_location(message.data, uow)

    async def record_purchase_orders(
        messages: Sequence[InboundEvent[PurchaseOrderReleased]], uow: ReservationUoW
    ) -> None:
        await handlers.record_purchase_orders([message.data for message in messages], uow)

    async def record_cancelled_orders(
        messages: Sequence[InboundEvent[PurchaseOrderCancelled]], uow: ReservationUoW
    ) -> None:
        await handlers.record_cancelled_orders([message.data for message in messages], uow)

    return (
        HandlerRegistry[ReservationUoW]()
        .on_batch(ItemUpserted, upsert_items)
        .on(LocationUpserted, upsert_location)
        .on_batch(OrderPlaced, place_orders)
        .on(OrderCancelled, cancel_order)
        .on_batch(StockMoved, apply_movements)
        .on_batch(PurchaseOrderReleased, record_purchase_orders)
        .on_batch(PurchaseOrderCancelled, record_cancelled_orders)
    )


def subscription(settings: ReservationSettings | None = None) -> Subscription[ReservationUoW]:
    """Orders, stock movements and master data; one transaction per batch unless switched off."""
    settings = settings or ReservationSettings()
    return registry(settings.default_reservation_ttl_seconds).subscription(
        GROUP_ID,
        batch=settings.reservation_batch,
        # An order with an outcome is never placed again (`placing_context`, the primary key);
        # a movement is applied once (`first_applications`).
        idempotent=(OrderPlaced, StockMoved),
    )
