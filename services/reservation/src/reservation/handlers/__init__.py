"""Handlers: load under lock, let the domain decide, save; the unit of work publishes.

They run inside a transaction the caller opened (the consumer loop, which commits after them
with the inbox entries; the expiry job), so they never commit themselves. The aggregates they
change record their events; the repository has the unit of work track them. Locking order,
which keeps concurrent consumers from deadlocking: reservation rows first, then stock points in
(sku, location) order; lines of a stock point are only written under its point lock.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from inventory_contracts import (
    ItemUpserted,
    LocationUpserted,
    OrderCancelled,
    OrderPlaced,
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
    StockMoved,
)

from reservation import domain
from reservation.domain import Reservation, StockPoint
from reservation.ports import ReservationUoW, SupplyLine

log = logging.getLogger(__name__)


async def place_orders(
    orders: Sequence[OrderPlaced],
    uow: ReservationUoW,
    now: datetime,
    *,
    default_ttl_seconds: int | None = None,
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
    # Quotes first (they lock before points): those converted, and expired holds at the points.
    converted = {o.quote_id for o in unique.values() if o.quote_id is not None}
    quotes = await uow.quotes.lock_for_placing(converted, keys, now)
    keys |= {key for quote in quotes.values() for key in quote.keys}
    # An order already answered is rare (a redelivery): its points are locked all the same.
    known = await repository.placing_context(unique, keys)
    fresh = [order for order_id, order in unique.items() if order_id not in known.answered]
    if known.answered:
        log.info("%d orders already have an outcome; placements ignored", len(known.answered))
    if not fresh and not quotes:
        return
    placement, freed = domain.place_with_quotes(
        fresh,
        quotes,
        known.master,
        known.points,
        now,
        cancelled_before=known.cancelled_early,
        default_ttl_seconds=default_ttl_seconds,
    )
    # The order id is the primary key: a concurrent duplicate fails here and rolls back.
    await repository.record_placements(placement.changed, placement.reservations)
    if quotes:
        await uow.quotes.save(quotes.values())
    if freed:
        await _save_and_fill(uow, freed, now)


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
    released = domain.cancel_order(reservation, cancel, points, now)
    await repository.save_all([reservation])
    if released:
        await _save_and_fill(uow, points.values(), now)


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
        released = domain.expire(reservation, points, now)
        await repository.save_all([reservation])
        if released:
            await _save_and_fill(uow, points.values(), now)
    return len(order_ids)


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
        order_id = _shipped_order(movement)
        reservation = orders.get(order_id) if order_id is not None else None
        domain.apply_movement(points[(movement.sku, movement.location)], movement, reservation, now)
        if reservation is not None:
            fulfilled[reservation.order_id] = reservation
    await repository.save_all(fulfilled.values())
    await _save_and_fill(uow, points.values(), now)
    await uow.supply.record_received(_received_against_orders(fresh))


def _received_against_orders(movements: Sequence[StockMoved]) -> list[SupplyLine]:
    """What these entries received against purchase orders (a reversed receipt: negative), one
    line per order and stock point: open supply shrinks as on-hand grows, in one transaction."""
    received: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for m in movements:
        if m.purchase_order_id is not None and m.movement_type in ("receipt", "reversal"):
            received[(m.purchase_order_id, m.sku, m.location)] += m.quantity_delta
    return [
        SupplyLine(po, sku, location, quantity)
        for (po, sku, location), quantity in received.items()
    ]


async def record_purchase_orders(
    orders: Sequence[PurchaseOrderReleased], uow: ReservationUoW
) -> None:
    """Remember what each released purchase order brings to each stock point, and when."""
    ordered: dict[tuple[str, str, str], SupplyLine] = {}
    for order in {order.purchase_order_id: order for order in orders}.values():
        quantities: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for line in order.lines:  # two lines of one order for one point count together
            quantities[(order.purchase_order_id, line.sku, line.location)] += line.quantity
        for key, quantity in quantities.items():
            ordered[key] = SupplyLine(*key, quantity, order.expected_receipt_date)
    await uow.supply.record_ordered(list(ordered.values()))


async def record_cancelled_orders(
    orders: Sequence[PurchaseOrderCancelled], uow: ReservationUoW
) -> None:
    """Cancelled purchase orders bring nothing more: they leave the promise dates (a quote's
    or order's promise asked later no longer counts on them)."""
    await uow.supply.record_cancelled(sorted({order.purchase_order_id for order in orders}))


def _shipped_order(movement: StockMoved) -> str | None:
    return movement.order_id if movement.movement_type == "issue" else None


async def _save_and_fill(uow: ReservationUoW, points: Iterable[StockPoint], now: datetime) -> None:
    """Save these (locked) points, then hand the stock free at them to the backorders waiting
    there (BackorderFilled to each order served)."""
    repository = uow.reservations
    ordered = sorted(points, key=lambda p: p.key)
    if not ordered:
        return
    await repository.save_points(ordered)
    free = [point for point in ordered if point.free > domain.ZERO]
    waiting = await repository.backorders_at(point.key for point in free)
    allocation = domain.allocate(free, waiting, now)
    if allocation.fills:
        await repository.record_fills(allocation, now)
        await repository.save_points(allocation.filled)


async def upsert_item(item: ItemUpserted, uow: ReservationUoW) -> None:
    await uow.reservations.upsert_item(item.sku, item.active)


async def upsert_items(batch: Sequence[ItemUpserted], uow: ReservationUoW) -> None:
    """A run of items (a bulk import) at once; a SKU given twice keeps its last state."""
    await uow.reservations.upsert_items({item.sku: item.active for item in batch})


async def upsert_location(location: LocationUpserted, uow: ReservationUoW) -> None:
    await uow.reservations.upsert_location(location.location, location.active)
