"""Handlers: load under lock, let the domain decide, write state and events in one transaction.

They run inside a transaction the caller opened (the consumer loop, which commits after them
with the inbox entry), so they never commit themselves.
"""

from __future__ import annotations

import logging
from datetime import datetime

from inventory_contracts import (
    ItemUpserted,
    LocationUpserted,
    OrderCancelled,
    OrderPlaced,
    StockMoved,
)

from reservation import domain
from reservation.repository import ReservationUoW

log = logging.getLogger(__name__)


async def place_order(order: OrderPlaced, uow: ReservationUoW, now: datetime) -> None:
    """Answer `order` with exactly one StockReserved or ReservationRejected, ever."""
    repository = uow.reservations
    if await repository.get(order.order_id) is not None:
        log.info("order %s already has an outcome; this placement is ignored", order.order_id)
        return
    keys = [(line.sku, line.location) for line in order.lines]
    cancelled_before = await repository.was_cancelled_early(order.order_id)
    master = await repository.master_data(keys)
    points = {} if cancelled_before else await repository.lock_points(keys)
    reservation = domain.place_order(order, master, points, now, cancelled_before=cancelled_before)
    if reservation.status == "reserved":
        await repository.reserve(reservation.lines)
    # The order id is the primary key: a concurrent duplicate fails here and rolls back.
    await repository.add(reservation)
    for event in reservation.events:
        uow.publish(event)


async def cancel_order(cancel: OrderCancelled, uow: ReservationUoW, now: datetime) -> None:
    """Release what the order still holds; remember a cancellation that came first."""
    repository = uow.reservations
    reservation = await repository.get(cancel.order_id, for_update=True)
    if reservation is None:
        log.info("order %s cancelled before it was placed; remembered", cancel.order_id)
        await repository.remember_cancel(cancel.order_id, cancel.reason)
        return
    points = await repository.lock_points(domain.points_to_release(reservation, cancel))
    events = domain.cancel_order(reservation, cancel, points, now)
    if not events:
        return
    await repository.save_points(points.values())
    await repository.save(reservation)
    for event in events:
        uow.publish(event)


async def apply_movement(movement: StockMoved, uow: ReservationUoW, now: datetime) -> None:
    """Apply a ledger entry to on-hand (and fulfil the order it shipped), once per entry."""
    repository = uow.reservations
    if not await repository.first_application(movement.movement_id):
        log.info("movement %s already applied", movement.movement_id)
        return
    reservation = None
    if movement.movement_type == "issue" and movement.order_id is not None:
        reservation = await repository.get(movement.order_id, for_update=True)
    key = (movement.sku, movement.location)
    point = (await repository.lock_points([key], create=True))[key]
    events = domain.apply_movement(point, movement, reservation, now)
    await repository.save_points([point])
    if reservation is not None:
        await repository.save(reservation)
    for event in events:
        uow.publish(event)


async def upsert_item(item: ItemUpserted, uow: ReservationUoW) -> None:
    await uow.reservations.upsert_item(item.sku, item.active)


async def upsert_location(location: LocationUpserted, uow: ReservationUoW) -> None:
    await uow.reservations.upsert_location(location.location, location.active)
