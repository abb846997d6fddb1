"""Quotes' soft holds and open purchase orders on the real PostgreSQL: holds, conversions,
orders and the expiry sweep racing for the last units never oversell nor deadlock."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from inventory_contracts import (
    PurchaseOrderCancelled,
    PurchaseOrderLine,
    PurchaseOrderReleased,
    QuoteConverted,
)
from reservation import handlers
from reservation.adapters.tables import quote_lines, quotes, reservation_lines
from reservation.api import get_uow
from reservation.config import ReservationSettings
from reservation.domain.promise import PromiseStep, QuoteLine
from reservation.handlers import quotes as quote_handlers
from reservation.main import create_app
from reservation.ports import ReservationUoW
from sqlalchemy import func, select

from .conftest import Make, api_client
from .test_reservation_integration import LOC, D, Sessions, new_uow, outbox_of, run, seed, stock

pytestmark = pytest.mark.integration
HOUR = timedelta(hours=1)


def holding(quote_id: str, sku: str, quantity: str, make: type[Make]) -> quote_handlers.OpenQuote:
    line = QuoteLine(sku, LOC, D(quantity))
    return quote_handlers.OpenQuote(quote_id, [line], None, make.now + HOUR)


async def held_and_reserved(sessions: Sessions, sku: str, prefix: str) -> Decimal:
    """What live holds and orders together keep of `sku`, from their own rows."""
    async with sessions() as session:
        held = await session.scalar(
            select(func.coalesce(func.sum(quote_lines.c.held), 0))
            .join(quotes, quotes.c.quote_id == quote_lines.c.quote_id)
            .where(quote_lines.c.sku == sku, quotes.c.status == "held")
        )
        reserved = await session.scalar(
            select(func.coalesce(func.sum(reservation_lines.c.reserved), 0)).where(
                reservation_lines.c.order_id.like(f"{prefix}%")
            )
        )
    return Decimal(held or 0) + Decimal(reserved or 0)


async def test_concurrent_holds_and_orders_on_the_last_units_never_oversell(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"QH": "10"})
    holds = [
        run(sessions, quote_handlers.open_quote, holding(f"QH-Q{n}", "QH", "2", make), make.now)
        for n in range(8)
    ]
    orders = [
        run(sessions, handlers.place_orders, [make.order(f"QH-O{n}", ("QH", LOC, "1"))], make.now)
        for n in range(8)
    ]

    await asyncio.gather(*holds, *orders)

    assert await stock(sessions, "QH") == (D(10), D(10))
    assert await held_and_reserved(sessions, "QH", "QH-O") == D(10)


async def test_two_orders_converting_one_quote_concurrently_take_its_hold_once(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"QC": "6"})
    await run(sessions, quote_handlers.open_quote, holding("QC-Q", "QC", "6", make), make.now)
    converting = [
        make.order(f"QC-O{n}", ("QC", LOC, "6")).model_copy(update={"quote_id": "QC-Q"})
        for n in range(2)
    ]
    plain = [make.order(f"QC-P{n}", ("QC", LOC, "1"), priority=9) for n in range(4)]

    await asyncio.gather(
        *(run(sessions, handlers.place_orders, [o], make.now) for o in [*converting, *plain])
    )

    assert await stock(sessions, "QC") == (D(6), D(6))
    converted = await outbox_of(sessions, QuoteConverted)
    assert len([c for c in converted if c.quote_id == "QC-Q"]) == 1
    assert await held_and_reserved(sessions, "QC", "QC-") == D(6)


async def test_the_sweep_and_an_order_racing_for_an_expired_hold_neither_deadlock_nor_oversell(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"QE": "5"})
    for n in range(5):
        await run(
            sessions, quote_handlers.open_quote, holding(f"QE-Q{n}", "QE", "1", make), make.now
        )
    later = make.now + 2 * HOUR

    async def sweep(_: object, uow: ReservationUoW) -> None:
        await quote_handlers.expire_all(uow, later, 2)

    orders = [make.order(f"QE-O{n}", ("QE", LOC, "1")) for n in range(5)]
    await asyncio.gather(
        *(run(sessions, sweep, None) for _ in range(3)),
        *(run(sessions, handlers.place_orders, [o], later) for o in orders),
    )

    assert await stock(sessions, "QE") == (D(5), D(5))
    assert await held_and_reserved(sessions, "QE", "QE-O") == D(5)


async def test_open_purchase_orders_net_of_receipts_date_the_promise(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"QP": "0"})
    first, second = date(2025, 3, 10), date(2025, 3, 20)
    released = [
        PurchaseOrderReleased(
            purchase_order_id=po,
            requisition_id=f"PR-{po}",
            supplier_id="SUP-1",
            lines=(PurchaseOrderLine(sku="QP", location=LOC, quantity=D(q), unit_cost=D(1)),),
            total_amount=D(q),
            expected_receipt_date=on,
            released_at=make.now,
        )
        for po, q, on in (("QP-PO1", "10", first), ("QP-PO2", "20", second))
    ]
    # The receipt comes first (another topic): the order's quantity still nets it out.
    receipt = make.movement("qp-r1", "QP", LOC, "4", purchase_order_id="QP-PO1")
    await run(sessions, handlers.apply_movements, [receipt], make.now)
    await run(sessions, handlers.record_purchase_orders, released)
    await run(sessions, handlers.record_purchase_orders, released)  # redelivered: no change

    async with new_uow(sessions) as uow:
        answer = await quote_handlers.promise_lines(
            [QuoteLine("QP", LOC, D(12))], uow, make.now.date()
        )

    line = answer.lines[0]
    assert line.available_now == D(4)
    assert line.steps == (PromiseStep(first, D(10)), PromiseStep(second, D(12)))

    # the first order is cancelled after its 4 came: the promise counts on the second only
    cancelled = PurchaseOrderCancelled(
        purchase_order_id="QP-PO1", requisition_id="PR-QP-PO1", supplier_id="SUP-1", sku="QP",
        location=LOC, cancelled_quantity=D(6), reason="late", cancelled_by="li.buyer",
        cancelled_at=make.now,
    )  # fmt: skip
    await run(sessions, handlers.record_cancelled_orders, [cancelled])
    async with new_uow(sessions) as uow:
        answer = await quote_handlers.promise_lines(
            [QuoteLine("QP", LOC, D(12))], uow, make.now.date()
        )
    assert answer.lines[0].available_now == D(4)
    assert answer.lines[0].steps == (PromiseStep(second, D(12)),)


async def test_the_api_promises_keeps_a_held_quote_and_cancels_it(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"QA": "5"})
    app = create_app(ReservationSettings(quote_hold_max_seconds=7200))
    app.dependency_overrides[get_uow] = lambda: new_uow(sessions)
    line = {"sku": "QA", "location": LOC, "quantity": "3"}
    body = {"quote_id": "QA-1", "lines": [line], "hold": True, "hold_seconds": 3600}
    async with api_client(app, "integration") as client:
        opened = await client.post("/v1/quotes", json=body)
        again = await client.post("/v1/quotes", json=body)
        too_long = await client.post(
            "/v1/quotes", json={**body, "quote_id": "QA-2", "hold_seconds": 7201}
        )
        promise = await client.get("/v1/promise", params={**line, "quantity": "4"})
        cancelled = await client.delete("/v1/quotes/QA-1")
        twice = await client.delete("/v1/quotes/QA-1")
    async with api_client(app, "auditor") as reader:
        refused = await reader.post("/v1/quotes", json={**body, "quote_id": "QA-3"})

    assert opened.status_code == 201 and again.status_code == 200
    assert opened.json()["status"] == "held" and opened.json()["lines"][0]["held"] == "3"
    assert opened.json()["promise"]["complete_now"] is True
    assert too_long.status_code == 422 and "hold_seconds" in str(too_long.json())
    # 3 of 5 are held: 2 can be promised now, no purchase order dates the other 2.
    assert promise.json()["lines"][0]["available_now"] == "2"
    assert promise.json()["ships_complete_on"] is None
    assert cancelled.json()["status"] == "cancelled" and twice.status_code == 409
    assert refused.status_code == 403
    assert await stock(sessions, "QA") == (D(5), D(0))
