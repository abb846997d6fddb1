"""Unit tests of the order policies: partial orders and backorders, priority, TTL and expiry."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from inventory_contracts import (
    AvailabilityChanged,
    BackorderFilled,
    OrderPlaced,
    ReservationExpired,
    ReservationReleased,
    StockReserved,
)
from reservation import handlers
from reservation.domain import ReservationLine

from .conftest import FakeReservationUoW, Make

D = Decimal
SKU, LOC = "TEA", "SH-01"


async def seed(uow: FakeReservationUoW, make: type[Make], on_hand: str) -> None:
    await handlers.upsert_item(make.item(SKU), uow)
    await handlers.upsert_location(make.location(LOC), uow)
    if D(on_hand):
        await handlers.apply_movements([make.movement("seed", SKU, LOC, on_hand)], uow, make.now)
    await uow.commit()
    uow.published.clear()


async def place(uow: FakeReservationUoW, make: type[Make], *orders: OrderPlaced) -> None:
    await handlers.place_orders(orders, uow, make.now)
    await uow.commit()


def line(uow: FakeReservationUoW, order_id: str) -> ReservationLine:
    return uow.reservations.reservations[order_id].lines[0]


async def test_partial_order_reserves_what_is_there_and_backorders_the_rest(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "3")

    await place(uow, make, make.order("P-1", (SKU, LOC, "5"), allow_partial=True))

    [outcome] = uow.committed(StockReserved)
    assert outcome.partial is True
    assert outcome.lines[0].reserved == 3
    assert [(b.sku, b.quantity) for b in outcome.backordered_lines] == [(SKU, D(2))]
    assert (line(uow, "P-1").reserved, line(uow, "P-1").backordered) == (D(3), D(2))
    assert uow.reservations.points[(SKU, LOC)].available_to_promise == 0


async def test_all_or_nothing_order_is_still_rejected_when_short(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "3")

    await place(uow, make, make.order("A-1", (SKU, LOC, "5")))

    assert uow.reservations.reservations["A-1"].status == "rejected"
    assert uow.reservations.points[(SKU, LOC)].reserved == 0


async def test_arriving_stock_fills_backorders_by_priority_then_arrival(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "0")
    await place(
        uow,
        make,
        make.order("EARLY", (SKU, LOC, "4"), allow_partial=True),
        make.order("LATE", (SKU, LOC, "4"), allow_partial=True),
        make.order("RUSH", (SKU, LOC, "4"), allow_partial=True, priority=9),
    )
    uow.published.clear()

    await handlers.apply_movements([make.movement("in-1", SKU, LOC, "6")], uow, make.now)
    await uow.commit()

    assert line(uow, "RUSH").reserved == 4 and line(uow, "RUSH").backordered == 0
    assert line(uow, "EARLY").reserved == 2 and line(uow, "EARLY").backordered == 2
    assert line(uow, "LATE").reserved == 0 and line(uow, "LATE").backordered == 4
    point = uow.reservations.points[(SKU, LOC)]
    assert (point.on_hand, point.reserved) == (D(6), D(6))
    causes = [e.cause for e in uow.committed(AvailabilityChanged)]
    assert causes == ["stock_movement", "backorder_fill"]
    assert uow.committed(StockReserved) == []  # an order has one outcome; fills are recorded
    assert [(f.order_id, f.quantity) for f in uow.reservations.fills] == [
        ("RUSH", D(4)),
        ("EARLY", D(2)),
    ]
    # Each order that got stock hears what it got and what it still waits for.
    filled = {e.order_id: e for e in uow.committed(BackorderFilled)}
    assert set(filled) == {"RUSH", "EARLY"}
    assert filled["RUSH"].reservation_id == "RSV-RUSH"
    assert [(f.sku, f.quantity, f.still_backordered) for f in filled["RUSH"].lines] == [
        (SKU, D(4), D(0))
    ]
    assert [(f.sku, f.quantity, f.still_backordered) for f in filled["EARLY"].lines] == [
        (SKU, D(2), D(2))
    ]


async def test_released_stock_goes_to_the_backorder_queue_first(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "5")
    await place(uow, make, make.order("HOLD", (SKU, LOC, "5")))
    await place(uow, make, make.order("WAIT", (SKU, LOC, "3"), allow_partial=True))

    await handlers.cancel_order(make.cancel("HOLD"), uow, make.now)
    await uow.commit()

    assert line(uow, "WAIT").reserved == 3
    assert uow.reservations.points[(SKU, LOC)].reserved == 3
    [filled] = uow.committed(BackorderFilled)
    assert (filled.order_id, filled.lines[0].quantity, filled.lines[0].still_backordered) == (
        "WAIT",
        D(3),
        D(0),
    )


async def test_partial_cancel_drops_the_waiting_quantity_before_held_stock(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "2")
    await place(uow, make, make.order("PC", (SKU, LOC, "5"), allow_partial=True))

    await handlers.cancel_order(make.cancel("PC", (SKU, LOC, "4")), uow, make.now)
    await uow.commit()

    assert (line(uow, "PC").backordered, line(uow, "PC").outstanding) == (D(0), D(1))
    [released] = uow.committed(ReservationReleased)
    assert released.lines[0].quantity == 1 and released.reason == "partial_cancel"


async def test_batch_serves_higher_priority_first(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "4")

    await place(
        uow,
        make,
        make.order("ROUTINE", (SKU, LOC, "4")),
        make.order("URGENT", (SKU, LOC, "4"), priority=5),
    )

    assert uow.reservations.reservations["URGENT"].status == "reserved"
    assert uow.reservations.reservations["ROUTINE"].status == "rejected"
    outcomes = [e.order_id for e in uow.committed(StockReserved)]
    assert outcomes == ["URGENT"]


async def test_same_order_twice_in_one_batch_is_answered_once(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "10")
    order = make.order("TWICE", (SKU, LOC, "2"))

    await place(uow, make, order, order)

    assert len(uow.committed(StockReserved)) == 1
    assert uow.reservations.points[(SKU, LOC)].reserved == 2


async def test_expired_reservation_is_released_and_announced(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "5")
    await place(uow, make, make.order("TTL", (SKU, LOC, "5"), ttl=60))
    [reserved] = uow.committed(StockReserved)
    assert reserved.expires_at == make.now + timedelta(seconds=60)
    uow.published.clear()

    assert await handlers.expire_due(uow, make.now + timedelta(seconds=59)) == 0
    await handlers.expire_due(uow, make.now + timedelta(seconds=60))
    await uow.commit()

    [expired] = uow.committed(ReservationExpired)
    assert expired.order_id == "TTL" and expired.lines[0].quantity == 5
    assert [e.cause for e in uow.committed(AvailabilityChanged)] == ["expiry"]
    assert uow.reservations.reservations["TTL"].status == "expired"
    assert uow.reservations.points[(SKU, LOC)].reserved == 0


async def test_default_ttl_applies_when_the_order_names_none(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "5")

    await handlers.place_orders(
        [make.order("DEF", (SKU, LOC, "1"))], uow, make.now, default_ttl_seconds=900
    )
    await uow.commit()

    expires = uow.reservations.reservations["DEF"].expires_at
    assert expires == make.now + timedelta(seconds=900)


async def test_cancel_after_expiry_changes_nothing(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, "5")
    await place(uow, make, make.order("GONE", (SKU, LOC, "2"), ttl=1))
    await handlers.expire_due(uow, make.now + timedelta(seconds=5))
    await uow.commit()
    uow.published.clear()

    await handlers.cancel_order(make.cancel("GONE"), uow, make.now)
    await uow.commit()

    assert uow.published == []
    assert uow.reservations.points[(SKU, LOC)].reserved == 0
