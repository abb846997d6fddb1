"""Quotes and their soft holds, and the promise from open purchase orders (in-memory
repositories): holds never oversell with orders, convert atomically, and end by themselves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from inventory_contracts import (
    PurchaseOrderLine,
    PurchaseOrderReleased,
    QuoteConverted,
    QuoteReleased,
    ReservationRejected,
    StockReserved,
)
from reservation import handlers
from reservation.domain.promise import PromiseStep, QuoteLine
from reservation.domain.quotes import HoldTooLong, QuoteClosed, hold_until
from reservation.handlers import quotes

from .conftest import FakeReservationUoW, Make

D = Decimal
SKU, LOC = "TEA", "SH-01"
HOUR = timedelta(hours=1)


async def stocked(uow: FakeReservationUoW, make: type[Make], on_hand: str) -> None:
    await handlers.upsert_item(make.item(SKU), uow)
    await handlers.upsert_location(make.location(LOC), uow)
    await handlers.apply_movements([make.movement("seed", SKU, LOC, on_hand)], uow, make.now)
    await uow.commit()
    uow.published.clear()


def point(uow: FakeReservationUoW) -> tuple[Decimal, Decimal]:
    p = uow.reservations.points[(SKU, LOC)]
    return p.on_hand, p.reserved


async def hold(uow: FakeReservationUoW, make: type[Make], quote_id: str, quantity: str) -> None:
    command = quotes.OpenQuote(quote_id, [QuoteLine(SKU, LOC, D(quantity))], None, make.now + HOUR)
    await quotes.open_quote(command, uow, make.now)
    await uow.commit()


async def test_a_hold_keeps_stock_from_orders_and_never_oversells(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await stocked(uow, make, "10")
    await hold(uow, make, "QT-1", "6")

    await handlers.place_orders([make.order("SO-1", (SKU, LOC, "5"))], uow, make.now)
    await uow.commit()

    assert uow.committed(ReservationRejected)[0].order_id == "SO-1"
    assert point(uow) == (D(10), D(6))
    assert uow.quotes.quotes["QT-1"].lines[0].held == D(6)


async def test_a_hold_takes_only_what_is_free_and_a_hold_too_long_is_refused(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await stocked(uow, make, "4")
    await hold(uow, make, "QT-1", "6")

    assert uow.quotes.quotes["QT-1"].lines[0].held == D(4)
    with pytest.raises(HoldTooLong):
        hold_until(make.now, 7200, default_seconds=900, maximum_seconds=3600)


async def test_the_converting_order_takes_over_the_hold_before_a_rush_order_of_its_batch(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await stocked(uow, make, "10")
    await hold(uow, make, "QT-1", "10")
    rush = make.order("SO-RUSH", (SKU, LOC, "10"), priority=9)
    converting = make.order("SO-Q", (SKU, LOC, "10")).model_copy(update={"quote_id": "QT-1"})

    await handlers.place_orders([rush, converting], uow, make.now)
    await uow.commit()

    reserved = {e.order_id for e in uow.committed(StockReserved)}
    assert reserved == {"SO-Q"}
    assert uow.committed(QuoteConverted)[0].order_id == "SO-Q"
    assert point(uow) == (D(10), D(10))
    assert uow.quotes.quotes["QT-1"].status == "converted"


async def test_an_expired_hold_never_refuses_an_order_even_before_the_sweep(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await stocked(uow, make, "10")
    await hold(uow, make, "QT-1", "10")
    later = make.now + 2 * HOUR

    await handlers.place_orders([make.order("SO-1", (SKU, LOC, "8"))], uow, later)
    await uow.commit()

    assert [e.order_id for e in uow.committed(StockReserved)] == ["SO-1"]
    assert uow.committed(QuoteReleased)[0].reason == "expired"
    assert point(uow) == (D(10), D(8))


async def test_the_sweep_releases_an_expired_hold_to_the_backorder_waiting(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await stocked(uow, make, "10")
    await hold(uow, make, "QT-1", "10")
    waiting = make.order("SO-W", (SKU, LOC, "4"), allow_partial=True)
    await handlers.place_orders([waiting], uow, make.now)
    await uow.commit()

    assert await quotes.expire_all(uow, make.now + 2 * HOUR) == 1
    await uow.commit()

    assert point(uow) == (D(10), D(4))
    assert uow.reservations.reservations["SO-W"].lines[0].reserved == D(4)
    assert uow.quotes.quotes["QT-1"].status == "expired"


async def test_a_cancelled_quote_gives_its_hold_back_and_cannot_be_cancelled_twice(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await stocked(uow, make, "10")
    await hold(uow, make, "QT-1", "3")

    await quotes.cancel_quote("QT-1", uow, make.now)
    await uow.commit()

    assert point(uow) == (D(10), D(0))
    assert uow.committed(QuoteReleased)[0].reason == "cancelled"
    with pytest.raises(QuoteClosed):
        await quotes.cancel_quote("QT-1", uow, make.now)


def released(po: str, quantity: str, on: date) -> PurchaseOrderReleased:
    return PurchaseOrderReleased(
        purchase_order_id=po,
        requisition_id=f"PR-{po}",
        supplier_id="SUP-1",
        lines=(PurchaseOrderLine(sku=SKU, location=LOC, quantity=D(quantity), unit_cost=D(1)),),
        total_amount=D(quantity),
        expected_receipt_date=on,
        released_at=Make.now,
    )


async def test_the_worked_example_two_open_purchase_orders_and_a_backorder_ahead(
    uow: FakeReservationUoW, make: type[Make]
) -> None:
    await stocked(uow, make, "8")
    first, second = date(2025, 3, 10), date(2025, 3, 20)
    await handlers.record_purchase_orders(
        [released("PO-1", "12", first), released("PO-2", "20", second)], uow
    )
    # 2 of PO-1 already arrived: 10 of it are still to come.
    receipt = make.movement("r1", SKU, LOC, "2", purchase_order_id="PO-1")
    await handlers.apply_movements([receipt], uow, make.now)
    await handlers.place_orders(
        [make.order("SO-1", (SKU, LOC, "16"), allow_partial=True)], uow, make.now
    )
    await uow.commit()

    answer = await quotes.promise_lines([QuoteLine(SKU, LOC, D(15))], uow, make.now.date())

    line = answer.lines[0]
    assert line.available_now == 0
    assert line.steps == (PromiseStep(first, D(4)), PromiseStep(second, D(15)))
    assert answer.ships_complete_on == second
