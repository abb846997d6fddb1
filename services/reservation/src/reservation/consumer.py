"""The reservation consumer group: which events it reads and how each is dispatched."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import groupby

from inventory_contracts import (
    ItemUpserted,
    LocationUpserted,
    OrderCancelled,
    OrderPlaced,
    StockMoved,
)
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import BatchHandler, Subscription, event_context

from reservation import handlers
from reservation.config import ReservationSettings
from reservation.repository import ReservationUoW

log = logging.getLogger(__name__)

GROUP_ID = "reservation"
EVENTS = (ItemUpserted, LocationUpserted, OrderPlaced, OrderCancelled, StockMoved)
"""OrderShipped is deliberately absent: availability changes when the stock has left, i.e. on
the ledger's StockMoved, never on the shipment notice."""


def batch_handler(default_ttl_seconds: int | None) -> BatchHandler[ReservationUoW]:
    """Apply a partition's batch in its order; each run of consecutive orders is decided at
    once, each run of consecutive stock movements applied at once.

    Runs keep the partition's order: a cancel after its order in the same batch sees the
    reservation, one before it is remembered first; an order after a receipt sees its stock.
    """

    async def handle(events: Sequence[InboundEvent], uow: ReservationUoW) -> None:
        now = datetime.now(UTC)
        # The runtime has already dropped redeliveries of the types that keep an inbox.
        for kind, run in groupby(events, key=lambda event: type(event.data)):
            if kind is OrderPlaced:
                await _place(list(run), uow, now, default_ttl_seconds)
            elif kind is StockMoved:
                movements = [e.data for e in run if isinstance(e.data, StockMoved)]
                await handlers.apply_movements(movements, uow, now)
            else:
                for event in run:
                    with event_context(event):
                        await _apply_one(event, uow, now)

    return handle


async def _place(
    run: Sequence[InboundEvent], uow: ReservationUoW, now: datetime, ttl: int | None
) -> None:
    orders = [e.data for e in run if isinstance(e.data, OrderPlaced)]
    origins = {
        e.data.order_id: (e.correlation_id, e.id) for e in run if isinstance(e.data, OrderPlaced)
    }
    await handlers.place_orders(orders, uow, now, default_ttl_seconds=ttl, origins=origins)


async def _apply_one(event: InboundEvent, uow: ReservationUoW, now: datetime) -> None:
    data = event.data
    if isinstance(data, OrderCancelled):
        await handlers.cancel_order(data, uow, now)
    elif isinstance(data, ItemUpserted):
        await handlers.upsert_item(data, uow)
    elif isinstance(data, LocationUpserted):
        await handlers.upsert_location(data, uow)


def subscription(settings: ReservationSettings | None = None) -> Subscription[ReservationUoW]:
    """Orders, stock movements and master data; one transaction per batch unless switched off."""
    settings = settings or ReservationSettings()
    return Subscription(
        group_id=GROUP_ID,
        events=EVENTS,
        handler=batch_handler(settings.default_reservation_ttl_seconds),
        batch=settings.reservation_batch,
        # An order with an outcome is never placed again (`placing_context`, the primary key);
        # a movement is applied once (`first_applications`).
        idempotent=(OrderPlaced, StockMoved),
    )
