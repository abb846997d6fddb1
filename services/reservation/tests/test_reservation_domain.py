"""Unit tests of the reservation rules and handlers, with an in-memory repository."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import pytest
from inventory_contracts import (
    AvailabilityChanged,
    Event,
    ReservationFulfilled,
    ReservationRejected,
    ReservationReleased,
    StockOvercommitted,
    StockReserved,
)
from reservation import domain, handlers
from reservation.domain import MasterData, StockPoint

from .conftest import FakeReservationUoW, Make

D = Decimal
E = TypeVar("E", bound=Event)
SKU, OTHER, LOC = "TEA", "RICE", "SH-01"


async def seed(uow: FakeReservationUoW, make: type[Make], stock: dict[str, str]) -> None:
    """Master data for SKU, OTHER and LOC, and the given on-hand per SKU at LOC."""
    for sku in (SKU, OTHER):
        await handlers.upsert_item(make.item(sku), uow)
    await handlers.upsert_location(make.location(LOC), uow)
    for n, (sku, quantity) in enumerate(stock.items()):
        movement = make.movement(f"seed-{n}", sku, LOC, quantity)
        await handlers.apply_movements([movement], uow, make.now)
    await uow.commit()
    uow.published.clear()


def outcomes(uow: FakeReservationUoW, order_id: str) -> list[StockReserved | ReservationRejected]:
    return [
        p.event
        for p in uow.published
        if isinstance(p.event, StockReserved | ReservationRejected) and p.event.order_id == order_id
    ]


def point(uow: FakeReservationUoW, sku: str) -> StockPoint:
    found: StockPoint = uow.reservations.points[(sku, LOC)]
    return found


def published(uow: FakeReservationUoW, kind: type[E]) -> list[E]:
    return uow.committed(kind)


async def place(
    uow: FakeReservationUoW, make: type[Make], order_id: str, *lines: tuple[str, str, str]
) -> None:
    await handlers.place_orders([make.order(order_id, *lines)], uow, make.now)
    await uow.commit()


# --- placing orders -------------------------------------------------------------------------


def status_of(uow: FakeReservationUoW, order_id: str) -> str:
    """The order's status now (read afresh: a narrowed earlier read says nothing of it)."""
    return uow.reservations.reservations[order_id].status


async def test_order_within_stock_is_reserved_and_availability_published(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10", OTHER: "4"})

    await place(uow, make, "SO-1", (SKU, LOC, "6"), (OTHER, LOC, "4"))

    [outcome] = outcomes(uow, "SO-1")
    assert isinstance(outcome, StockReserved)
    assert [(line.sku, line.reserved) for line in outcome.lines] == [(SKU, D(6)), (OTHER, D(4))]
    assert (point(uow, SKU).reserved, point(uow, OTHER).reserved) == (D(6), D(4))
    changes = published(uow, AvailabilityChanged)
    assert {(c.sku, c.available_to_promise, c.cause) for c in changes} == {
        (SKU, D(4), "reservation"),
        (OTHER, D(0), "reservation"),
    }
    assert uow.reservations.reservations["SO-1"].status == "reserved"


async def test_all_or_nothing_one_short_line_reserves_nothing(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10", OTHER: "1"})

    await place(uow, make, "SO-2", (SKU, LOC, "5"), (OTHER, LOC, "3"))

    [outcome] = outcomes(uow, "SO-2")
    assert isinstance(outcome, ReservationRejected)
    assert outcome.reason == "insufficient_stock"
    assert [(s.sku, s.requested, s.available) for s in outcome.short_lines] == [(OTHER, D(3), D(1))]
    assert "RICE@SH-01 requested 3, available 1" in outcome.message
    assert "库存不足" in outcome.message
    assert (point(uow, SKU).reserved, point(uow, OTHER).reserved) == (D(0), D(0))
    assert published(uow, AvailabilityChanged) == []


async def test_stock_point_never_seen_counts_as_nothing_on_hand(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {})

    await place(uow, make, "SO-3", (SKU, LOC, "1"))

    [outcome] = outcomes(uow, "SO-3")
    assert isinstance(outcome, ReservationRejected)
    assert outcome.reason == "insufficient_stock"
    assert outcome.short_lines[0].available == 0


@pytest.mark.parametrize(
    ("lines", "reason", "named"),
    [
        ([("GHOST", LOC, "1"), (SKU, LOC, "1")], "unknown_sku", "GHOST"),
        ([(SKU, "NOWHERE", "1")], "unknown_location", "NOWHERE"),
        ([("OLD", LOC, "1")], "inactive_sku", "OLD"),
        ([(SKU, "CLOSED", "1")], "unknown_location", "CLOSED"),
        ([(SKU, LOC, "1"), (OTHER, LOC, "1"), (SKU, LOC, "2")], "duplicate_line", "TEA@SH-01"),
    ],
)
async def test_invalid_orders_are_rejected_with_reason_and_nothing_reserved(
    uow: FakeReservationUoW,
    make: type[Make],
    lines: list[tuple[str, str, str]],
    reason: str,
    named: str,
) -> None:
    await seed(uow, make, {SKU: "10", OTHER: "10"})
    await handlers.upsert_item(make.item("OLD", active=False), uow)
    await handlers.upsert_location(make.location("CLOSED", active=False), uow)

    await place(uow, make, "SO-BAD", *lines)

    [outcome] = outcomes(uow, "SO-BAD")
    assert isinstance(outcome, ReservationRejected)
    assert outcome.reason == reason
    assert named in outcome.message
    assert outcome.short_lines, "the offending lines are listed"
    assert (point(uow, SKU).reserved, point(uow, OTHER).reserved) == (D(0), D(0))


async def test_same_order_placed_twice_gets_one_outcome(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10"})

    await place(uow, make, "SO-4", (SKU, LOC, "3"))
    await place(uow, make, "SO-4", (SKU, LOC, "3"))

    assert len(outcomes(uow, "SO-4")) == 1
    assert point(uow, SKU).reserved == 3


async def test_rejected_order_placed_again_stays_rejected(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "1"})
    await place(uow, make, "SO-5", (SKU, LOC, "3"))
    await handlers.apply_movements([make.movement("more", SKU, LOC, "10")], uow, make.now)

    await place(uow, make, "SO-5", (SKU, LOC, "3"))

    [outcome] = outcomes(uow, "SO-5")
    assert isinstance(outcome, ReservationRejected)
    assert point(uow, SKU).reserved == 0


# --- cancellations --------------------------------------------------------------------------


async def test_cancel_releases_the_whole_reservation(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10", OTHER: "5"})
    await place(uow, make, "SO-6", (SKU, LOC, "4"), (OTHER, LOC, "5"))
    uow.published.clear()

    await handlers.cancel_order(make.cancel("SO-6"), uow, make.now)
    await uow.commit()

    [released] = published(uow, ReservationReleased)
    assert released.reason == "cancelled"
    assert {(line.sku, line.quantity) for line in released.lines} == {(SKU, D(4)), (OTHER, D(5))}
    assert (point(uow, SKU).reserved, point(uow, OTHER).reserved) == (D(0), D(0))
    assert {c.cause for c in published(uow, AvailabilityChanged)} == {"release"}
    assert uow.reservations.reservations["SO-6"].status == "released"

    await handlers.cancel_order(make.cancel("SO-6"), uow, make.now)  # again: nothing to do
    await uow.commit()
    assert len(published(uow, ReservationReleased)) == 1


async def test_partial_cancel_releases_only_the_cancelled_quantity(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10", OTHER: "5"})
    await place(uow, make, "SO-7", (SKU, LOC, "4"), (OTHER, LOC, "5"))
    uow.published.clear()

    await handlers.cancel_order(make.cancel("SO-7", (SKU, LOC, "1")), uow, make.now)
    await uow.commit()

    [released] = published(uow, ReservationReleased)
    assert released.reason == "partial_cancel"
    assert [(line.sku, line.quantity) for line in released.lines] == [(SKU, D(1))]
    assert (point(uow, SKU).reserved, point(uow, OTHER).reserved) == (D(3), D(5))
    assert uow.reservations.reservations["SO-7"].status == "reserved"


async def test_cancel_before_place_rejects_the_late_order_without_reserving(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10"})

    await handlers.cancel_order(make.cancel("SO-8"), uow, make.now)
    await uow.commit()
    assert uow.published == []
    await place(uow, make, "SO-8", (SKU, LOC, "2"))

    [outcome] = outcomes(uow, "SO-8")
    assert isinstance(outcome, ReservationRejected)
    assert outcome.reason == "invalid_order"
    assert "cancelled before it arrived" in outcome.message
    assert point(uow, SKU).reserved == 0


async def test_cancel_of_a_rejected_order_publishes_nothing(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "1"})
    await place(uow, make, "SO-9", (SKU, LOC, "3"))
    uow.published.clear()

    await handlers.cancel_order(make.cancel("SO-9"), uow, make.now)
    await uow.commit()

    assert uow.published == []


# --- stock movements ------------------------------------------------------------------------


async def test_receipt_raises_on_hand_and_passes_the_movement_on(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10"})

    receipt = make.movement("M-1", SKU, LOC, "5", purchase_order_id="PO-1")
    await handlers.apply_movements([receipt], uow, make.now)
    await uow.commit()

    [change] = published(uow, AvailabilityChanged)
    assert (change.on_hand, change.reserved, change.cause) == (D(15), D(0), "stock_movement")
    assert change.movement is not None
    assert (change.movement.movement_id, change.movement.purchase_order_id) == ("M-1", "PO-1")
    assert change.movement.quantity_delta == 5


async def test_issue_for_a_reserved_order_fulfils_it(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10", OTHER: "5"})
    await place(uow, make, "SO-10", (SKU, LOC, "4"), (OTHER, LOC, "2"))
    uow.published.clear()

    issue = make.movement("M-2", SKU, LOC, "-4", "issue", order_id="SO-10")
    await handlers.apply_movements([issue], uow, make.now)
    await uow.commit()

    [fulfilled] = published(uow, ReservationFulfilled)
    assert [(line.sku, line.quantity) for line in fulfilled.lines] == [(SKU, D(4))]
    [change] = published(uow, AvailabilityChanged)
    assert (change.on_hand, change.reserved, change.available_to_promise) == (D(6), D(0), D(6))
    assert change.cause == "fulfilment"
    assert change.movement is not None and change.movement.order_id == "SO-10"
    assert uow.reservations.reservations["SO-10"].status == "reserved", "RICE not shipped yet"

    other = make.movement("M-3", OTHER, LOC, "-2", "issue", order_id="SO-10")
    await handlers.apply_movements([other], uow, make.now)
    await uow.commit()
    assert status_of(uow, "SO-10") == "fulfilled"
    assert point(uow, OTHER).reserved == 0


async def test_same_movement_twice_counts_once(uow: FakeReservationUoW, make: type[Make]) -> None:
    await seed(uow, make, {SKU: "10"})

    for _ in range(2):
        await handlers.apply_movements([make.movement("M-4", SKU, LOC, "5")], uow, make.now)
        await uow.commit()

    assert point(uow, SKU).on_hand == 15
    assert len(published(uow, AvailabilityChanged)) == 1


async def test_movement_dropping_below_reserved_is_overcommitted(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await seed(uow, make, {SKU: "10"})
    await place(uow, make, "SO-11", (SKU, LOC, "8"))
    uow.published.clear()

    loss = make.movement("M-5", SKU, LOC, "-5", "adjustment")
    await handlers.apply_movements([loss], uow, make.now)
    await uow.commit()

    [over] = published(uow, StockOvercommitted)
    assert (over.on_hand, over.reserved, over.shortfall) == (D(5), D(8), D(3))
    [change] = published(uow, AvailabilityChanged)
    assert change.available_to_promise == -3 and change.cause == "stock_movement"


async def test_movement_creates_unknown_stock_point_but_orders_still_need_master_data(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await handlers.upsert_location(make.location(LOC), uow)
    await handlers.apply_movements([make.movement("M-6", "NEW", LOC, "7")], uow, make.now)
    await uow.commit()
    assert point(uow, "NEW").on_hand == 7

    await place(uow, make, "SO-12", ("NEW", LOC, "1"))

    [outcome] = outcomes(uow, "SO-12")
    assert isinstance(outcome, ReservationRejected)
    assert outcome.reason == "unknown_sku"
    assert outcome.short_lines[0].available == 7


# --- pure rules -----------------------------------------------------------------------------


def test_release_never_goes_below_zero() -> None:
    stock = StockPoint(SKU, LOC, on_hand=D(5), reserved=D(2))
    assert stock.release(D(3)) == 2
    assert stock.reserved == 0


def test_place_order_checks_every_line_before_reserving_any(make: type[Make]) -> None:
    points = {
        (SKU, LOC): StockPoint(SKU, LOC, on_hand=D(5)),
        (OTHER, LOC): StockPoint(OTHER, LOC, on_hand=D(1)),
    }
    master = MasterData(items={SKU: True, OTHER: True}, locations={LOC: True})

    result = domain.place_order(
        make.order("SO-13", (SKU, LOC, "5"), (OTHER, LOC, "2")), master, points, make.now
    )

    assert result.status == "rejected"
    assert [p.reserved for p in points.values()] == [0, 0]
