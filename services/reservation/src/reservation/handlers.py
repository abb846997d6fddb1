"""Handlers: load under lock, let the domain decide, write state and events in one transaction.

They run inside a transaction the caller opened (the consumer loop, which commits after them
with the inbox entries; the expiry job), so they never commit themselves. Locking order, which
keeps concurrent consumers from deadlocking: reservation rows first, then stock points in
(sku, location) order; lines of a stock point are only written under its point lock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from inventory_contracts import (
    Event,
    ItemUpserted,
    LocationUpserted,
    OrderCancelled,
    OrderPlaced,
    StockMoved,
)
from inventory_contracts.events.availability import AvailabilityCause

from reservation import domain
from reservation.domain import Fill, Reservation, StockPoint
from reservation.repository import ReservationUoW

log = logging.getLogger(__name__)

Origin = tuple[str | None, str | None]
"""(correlation id, causation id) of the message an order came in."""


async def place_orders(
    orders: Sequence[OrderPlaced],
    uow: ReservationUoW,
    now: datetime,
    *,
    default_ttl_seconds: int | None = None,
    origins: Mapping[str, Origin] | None = None,
) -> None:
    """Answer each order with exactly one StockReserved or ReservationRejected, ever.

    The whole batch shares one transaction and two statements: one locks every stock point
    involved (sorted) and reads what is known of the orders (already answered, cancelled early)
    and of their items and locations; the decisions are made in memory; one writes the points,
    the reservations and their lines. One AvailabilityChanged per point touched.
    """
    repository = uow.reservations
    unique: dict[str, OrderPlaced] = {}
    for order in orders:
        unique.setdefault(order.order_id, order)  # the same order twice in a batch: once
    keys = {(line.sku, line.location) for o in unique.values() for line in o.lines}
    # An order already answered is rare (a redelivery): its points are locked all the same.
    known = await repository.placing_context(unique, keys)
    fresh = [order for order_id, order in unique.items() if order_id not in known.answered]
    if known.answered:
        log.info("%d orders already have an outcome; placements ignored", len(known.answered))
    if not fresh:
        return
    points = known.points
    before = {key: point.reserved for key, point in points.items()}
    decided = domain.place_orders(
        fresh,
        known.master,
        points,
        now,
        cancelled_before=known.cancelled_early,
        default_ttl_seconds=default_ttl_seconds,
    )
    changed = [p for key, p in sorted(points.items()) if p.reserved != before[key]]
    # The order id is the primary key: a concurrent duplicate fails here and rolls back.
    await repository.record_placements(changed, decided)
    for reservation in decided:
        correlation_id, causation_id = (origins or {}).get(reservation.order_id, (None, None))
        for event in reservation.events:
            uow.publish(event, correlation_id=correlation_id, causation_id=causation_id)
    for point in changed:
        uow.publish(point.availability(now, "reservation"))


async def place_order(
    order: OrderPlaced,
    uow: ReservationUoW,
    now: datetime,
    *,
    default_ttl_seconds: int | None = None,
) -> None:
    """One order (see `place_orders`)."""
    await place_orders([order], uow, now, default_ttl_seconds=default_ttl_seconds)


async def cancel_order(cancel: OrderCancelled, uow: ReservationUoW, now: datetime) -> None:
    """Release what the order still holds; remember a cancellation that came first."""
    repository = uow.reservations
    reservation = await repository.get(cancel.order_id, for_update=True)
    if reservation is None:
        log.info("order %s cancelled before it was placed; remembered", cancel.order_id)
        await repository.remember_cancel(cancel.order_id, cancel.reason)
        return
    points = await repository.lock_points(domain.points_to_release(reservation, cancel))
    # Re-read under the point locks: a backorder fill may have changed the lines meanwhile.
    reservation = await repository.get(cancel.order_id)
    assert reservation is not None
    events = domain.cancel_order(reservation, cancel, points, now)
    await repository.save_all([reservation])
    if events:
        _publish(uow, events)
        await _after_release(uow, points.values(), now, "release")


async def expire_due(uow: ReservationUoW, now: datetime, limit: int = 200) -> int:
    """Release the reservations whose time ran out (skipping those others are working on)."""
    repository = uow.reservations
    order_ids = await repository.lock_expired(now, limit)
    for order_id in order_ids:
        reservation = await repository.get(order_id)
        if reservation is None:
            continue
        points = await repository.lock_points(domain.points_to_release(reservation))
        reservation = await repository.get(order_id)
        assert reservation is not None
        events = domain.expire(reservation, points, now)
        await repository.save_all([reservation])
        if events:
            _publish(uow, events)
            await _after_release(uow, points.values(), now, "expiry")
    return len(order_ids)


async def apply_movement(movement: StockMoved, uow: ReservationUoW, now: datetime) -> None:
    """One ledger entry (see `apply_movements`)."""
    await apply_movements([movement], uow, now)


async def apply_movements(
    movements: Sequence[StockMoved], uow: ReservationUoW, now: datetime
) -> None:
    """Apply ledger entries to on-hand in their order (fulfilling the orders shipped), once each.

    A whole batch (a 10,000-line receipt, a shipping wave) is a handful of statements: claim the
    entries never applied, lock the orders they ship, lock (creating) their stock points, apply
    them in memory, save, and hand the stock that became free to waiting backorders. Each entry
    still publishes the availability it left behind, and an over-commitment if it caused one.
    """
    repository = uow.reservations
    unique: dict[str, StockMoved] = {}
    for movement in movements:
        unique.setdefault(movement.movement_id, movement)
    first = await repository.first_applications(unique)
    fresh = [movement for movement_id, movement in unique.items() if movement_id in first]
    if len(fresh) < len(unique):
        log.info("%d movements already applied", len(unique) - len(fresh))
    if not fresh:
        return
    order_ids = sorted({order_id for m in fresh if (order_id := _shipped_order(m)) is not None})
    await repository.lock_orders(order_ids)
    points = await repository.lock_points({(m.sku, m.location) for m in fresh}, create=True)
    # Read the orders under the point locks: a backorder fill may have changed their lines.
    orders = await repository.get_many(order_ids)
    fulfilled: dict[str, Reservation] = {}
    for movement in fresh:
        point = points[(movement.sku, movement.location)]
        order_id = _shipped_order(movement)
        reservation = orders.get(order_id) if order_id is not None else None
        events, cause = domain.apply_movement(point, movement, reservation, now)
        if reservation is not None:
            fulfilled[reservation.order_id] = reservation
        _publish(uow, events)
        uow.publish(point.availability(now, cause, movement))
        overcommitted = domain.overcommitment(point)
        if overcommitted is not None:
            uow.publish(overcommitted)
    await repository.save_all(fulfilled.values())
    ordered = sorted(points.values(), key=lambda p: p.key)
    await repository.save_points(ordered)
    await _fill_and_publish(uow, ordered, now)


def _shipped_order(movement: StockMoved) -> str | None:
    return movement.order_id if movement.movement_type == "issue" else None


async def _after_release(
    uow: ReservationUoW, points: Iterable[StockPoint], now: datetime, cause: AvailabilityCause
) -> None:
    ordered = sorted(points, key=lambda p: p.key)
    if not ordered:
        return
    await uow.reservations.save_points(ordered)
    for point in ordered:
        uow.publish(point.availability(now, cause))
    await _fill_and_publish(uow, ordered, now)


async def _fill_and_publish(
    uow: ReservationUoW, points: Sequence[StockPoint], now: datetime
) -> None:
    """Hand stock that became free to the backorders waiting at these (locked) points, and
    tell each order what it got (BackorderFilled)."""
    repository = uow.reservations
    free = [point for point in points if point.free > domain.ZERO]
    waiting = await repository.backorders_at(point.key for point in free)
    fills: list[Fill] = []
    filled = []
    for point in free:
        point_fills = domain.fill_backorders(point, waiting.get(point.key, []))
        if point_fills:
            fills.extend(point_fills)
            filled.append(point)
    if filled:
        await repository.record_fills(fills, now)
        await repository.save_points(filled)
        _publish(uow, domain.backorders_filled(fills))
        for point in filled:
            uow.publish(point.availability(now, "backorder_fill"))


def _publish(uow: ReservationUoW, events: Iterable[Event]) -> None:
    for event in events:
        uow.publish(event)


async def upsert_item(item: ItemUpserted, uow: ReservationUoW) -> None:
    await uow.reservations.upsert_item(item.sku, item.active)


async def upsert_location(location: LocationUpserted, uow: ReservationUoW) -> None:
    await uow.reservations.upsert_location(location.location, location.active)
