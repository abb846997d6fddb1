"""Reservation on the real PostgreSQL: atomic reservations under concurrency, outbox, API."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
import reservation
from inventory_contracts import (
    AvailabilityChanged,
    Event,
    ReservationFulfilled,
    StockReserved,
    decode,
    decode_data,
)
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.retry import is_transient
from inventory_runtime.testing import drop_database, fresh_database
from reservation import handlers
from reservation.adapters.tables import reservations, stock_points
from reservation.adapters.unit_of_work import ReservationUnitOfWork
from reservation.api import get_uow
from reservation.config import ReservationSettings
from reservation.main import create_app
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .conftest import Make, api_client

pytestmark = pytest.mark.integration

MIGRATIONS = Path(reservation.__file__).parent / "migrations"
LOC = "WH-1"
D = Decimal
E = TypeVar("E", bound=Event)
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    url = await fresh_database(database_url, "reservation_it")
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=40, max_overflow=10)
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


def new_uow(sessions: Sessions) -> ReservationUnitOfWork:
    return ReservationUnitOfWork(sessions, source="/services/reservation")


async def run(
    sessions: Sessions, handler: Callable[..., Awaitable[object]], event: object, *args: object
) -> None:
    """Apply one event in its own transaction, retrying transient failures like the runtime."""
    for attempt in range(10):
        try:
            async with new_uow(sessions) as uow:
                await handler(event, uow, *args)
                await uow.commit()
            return
        except Exception as exc:
            if not is_transient(exc) or attempt == 9:
                raise
            await asyncio.sleep(0.05)


async def seed(sessions: Sessions, make: type[Make], stock: dict[str, str]) -> None:
    for n, (sku, quantity) in enumerate(stock.items()):
        await run(sessions, handlers.upsert_item, make.item(sku))
        if Decimal(quantity):
            movement = make.movement(f"seed-{sku}-{n}", sku, LOC, quantity)
            await run(sessions, handlers.apply_movements, [movement], make.now)
    await run(sessions, handlers.upsert_location, make.location(LOC))


async def outbox(sessions: Sessions) -> list[Event]:
    async with sessions() as session:
        rows = await session.execute(text("SELECT event_type, payload FROM outbox ORDER BY id"))
        return [decode_data(decode(row.payload)) for row in rows]


async def outbox_of(sessions: Sessions, kind: type[E]) -> list[E]:
    return [e for e in await outbox(sessions) if isinstance(e, kind)]


async def stock(sessions: Sessions, sku: str) -> tuple[Decimal, Decimal]:
    async with sessions() as session:
        row = (
            await session.execute(
                select(stock_points.c.on_hand, stock_points.c.reserved).where(
                    stock_points.c.sku == sku, stock_points.c.location == LOC
                )
            )
        ).one()
    return row.on_hand, row.reserved


def outcomes_by_order(events: list[Event]) -> Counter[str]:
    return Counter(
        getattr(e, "order_id", "")
        for e in events
        if e.event_type in ("inventory.stock.reserved.v1", "inventory.reservation.rejected.v1")
    )


async def test_reservation_writes_state_and_outbox_in_one_transaction(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"A-1": "10"})

    await run(sessions, handlers.place_orders, [make.order("IT-1", ("A-1", LOC, "4"))], make.now)

    assert await stock(sessions, "A-1") == (D(10), D(4))
    events = [e for e in await outbox(sessions) if getattr(e, "order_id", None) == "IT-1"]
    assert [e.event_type for e in events] == ["inventory.stock.reserved.v1"]
    changes = await outbox_of(sessions, AvailabilityChanged)
    assert changes[-1].available_to_promise == 6 and changes[-1].cause == "reservation"


async def test_a_failed_transaction_leaves_no_reservation_and_no_event(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"A-2": "10"})
    before = len(await outbox(sessions))

    with pytest.raises(RuntimeError):
        async with new_uow(sessions) as uow:
            await handlers.place_orders([make.order("IT-2", ("A-2", LOC, "4"))], uow, make.now)
            raise RuntimeError("crash before commit")

    assert await stock(sessions, "A-2") == (D(10), D(0))
    assert len(await outbox(sessions)) == before


async def test_concurrent_orders_on_a_hot_sku_never_oversell(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"HOT": "10"})
    orders = [make.order(f"HOT-{n}", ("HOT", LOC, "2" if n % 5 == 0 else "1")) for n in range(40)]

    await asyncio.gather(*(run(sessions, handlers.place_orders, [o], make.now) for o in orders))

    on_hand, reserved = await stock(sessions, "HOT")
    assert (on_hand, reserved) == (D(10), D(10))
    events = await outbox(sessions)
    counts = outcomes_by_order(events)
    assert all(counts[o.order_id] == 1 for o in orders), "every order has exactly one outcome"
    reserved_events = [e for e in events if isinstance(e, StockReserved) and "HOT" in e.key()]
    assert sum(line.reserved for e in reserved_events for line in e.lines) == 10
    async with sessions() as session:
        statuses = Counter(
            (
                await session.execute(
                    select(reservations.c.status).where(reservations.c.order_id.like("HOT-%"))
                )
            ).scalars()
        )
    assert statuses["reserved"] == len(reserved_events)
    assert statuses["reserved"] + statuses["rejected"] == 40


async def test_concurrent_multi_line_orders_in_any_line_order_neither_deadlock_nor_oversell(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"X": "6", "Y": "6"})
    orders = [
        make.order(f"XY-{n}", ("X", LOC, "1"), ("Y", LOC, "1"))
        if n % 2
        else make.order(f"XY-{n}", ("Y", LOC, "1"), ("X", LOC, "1"))
        for n in range(20)
    ]

    await asyncio.gather(*(run(sessions, handlers.place_orders, [o], make.now) for o in orders))

    assert await stock(sessions, "X") == (D(6), D(6))
    assert await stock(sessions, "Y") == (D(6), D(6))
    counts = outcomes_by_order(await outbox(sessions))
    assert all(counts[o.order_id] == 1 for o in orders)


async def test_same_order_placed_concurrently_reserves_once(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"DUP": "10"})
    order = make.order("IT-DUP", ("DUP", LOC, "3"))

    results = await asyncio.gather(
        *(run(sessions, handlers.place_orders, [order], make.now) for _ in range(5)),
        return_exceptions=True,
    )
    for result in results:  # the losers hit the primary key; the runtime would retry them
        if isinstance(result, Exception):
            await run(sessions, handlers.place_orders, [order], make.now)

    assert await stock(sessions, "DUP") == (D(10), D(3))
    assert outcomes_by_order(await outbox(sessions))["IT-DUP"] == 1


async def test_shipment_issue_fulfils_the_reservation(sessions: Sessions, make: type[Make]) -> None:
    await seed(sessions, make, {"F-1": "10"})
    await run(sessions, handlers.place_orders, [make.order("IT-F", ("F-1", LOC, "4"))], make.now)

    issue = make.movement("LE-F", "F-1", LOC, "-4", "issue", order_id="IT-F")
    await run(sessions, handlers.apply_movements, [issue], make.now)
    await run(sessions, handlers.apply_movements, [issue], make.now)  # republished: no effect

    assert await stock(sessions, "F-1") == (D(6), D(0))
    fulfilled = await outbox_of(sessions, ReservationFulfilled)
    assert [e.order_id for e in fulfilled if e.order_id == "IT-F"] == ["IT-F"]
    async with sessions() as session:
        status = await session.scalar(
            select(reservations.c.status).where(reservations.c.order_id == "IT-F")
        )
    assert status == "fulfilled"


async def test_http_api_shows_reservations_and_availability(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"API-1": "10"})
    await run(
        sessions, handlers.place_orders, [make.order("IT-API", ("API-1", LOC, "4"))], make.now
    )
    await run(
        sessions, handlers.place_orders, [make.order("IT-NO", ("API-1", LOC, "40"))], make.now
    )
    app = create_app(ReservationSettings())
    app.dependency_overrides[get_uow] = lambda: new_uow(sessions)

    async with api_client(app, "operator") as client:
        reserved = await client.get("/v1/reservations/IT-API")
        rejected = await client.get("/v1/reservations/IT-NO")
        missing = await client.get("/v1/reservations/NOPE")
        one = await client.get(f"/v1/availability/API-1/{LOC}")
        unknown = await client.get(f"/v1/availability/GHOST/{LOC}")
        listed = await client.get("/v1/availability", params={"sku": "API-1"})

    assert reserved.status_code == 200
    body = reserved.json()
    assert body["status"] == "reserved"
    assert body["outcome"]["type"] == "inventory.stock.reserved.v1"
    assert body["lines"][0]["reserved"] == "4"
    assert rejected.json()["outcome"]["reason"] == "insufficient_stock"
    assert rejected.json()["outcome"]["short_lines"][0]["available"] == "6"
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert one.json() == {
        "sku": "API-1",
        "location": LOC,
        "on_hand": "10",
        "reserved": "4",
        "available_to_promise": "6",
    }
    assert unknown.status_code == 404
    assert [p["sku"] for p in listed.json()] == ["API-1"]
    assert json.loads(listed.text)[0]["available_to_promise"] == "6"


async def test_http_api_needs_a_token_granting_reservation_read(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"API-2": "10"})
    app = create_app(ReservationSettings())
    app.dependency_overrides[get_uow] = lambda: new_uow(sessions)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as anonymous:
        unsigned = await anonymous.get(f"/v1/availability/API-2/{LOC}")
        expired = await anonymous.get(
            "/v1/availability",
            headers={"Authorization": f"Bearer {TEST_ISSUER.token('operator', expires_in=-120)}"},
        )
    async with api_client(app, "approver", login="wang.manager") as approver:
        refused = await approver.get(f"/v1/availability/API-2/{LOC}")
    async with api_client(app, "auditor", login="qian.audit") as auditor:
        allowed = await auditor.get(f"/v1/availability/API-2/{LOC}")

    assert unsigned.status_code == 401 and "Bearer" in unsigned.headers["WWW-Authenticate"]
    assert expired.status_code == 401
    assert refused.status_code == 403
    assert "reservation:read" in refused.json()["detail"]
    assert "on_hand" not in refused.text
    assert allowed.status_code == 200 and allowed.json()["on_hand"] == "10"
