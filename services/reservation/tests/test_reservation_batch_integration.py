"""Batches, backorders and expiry on the real PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import pytest
from inventory_contracts import (
    BackorderFilled,
    Event,
    OrderPlaced,
    ReservationExpired,
    ReservationRejected,
    ReservationReleased,
    StockMoved,
    StockReserved,
    decode_data,
)
from inventory_contracts.envelope import decode, new_event
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.testing import recorded_statements
from reservation import handlers
from reservation.adapters.sql import BACKORDERS
from reservation.adapters.tables import backorder_fills, reservation_lines, reservations
from reservation.api import get_uow
from reservation.config import ReservationSettings
from reservation.consumer import GROUP_ID, subscription
from reservation.main import create_app
from sqlalchemy import func, select, text

from .conftest import Make, api_client
from .test_reservation_integration import (
    LOC,
    D,
    Sessions,
    new_uow,
    outbox,
    outbox_of,
    outcomes_by_order,
    run,
    seed,
    stock,
)

pytestmark = pytest.mark.integration


async def place_batch(sessions: Sessions, orders: list[OrderPlaced], now: datetime) -> None:
    await run(sessions, handlers.place_orders, orders, now)


async def test_concurrent_batches_on_a_hot_sku_reserve_exactly_the_stock(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"HOTB": "50"})
    orders = [make.order(f"HB-{n}", ("HOTB", LOC, "1" if n % 3 else "2")) for n in range(120)]
    batches = [orders[i::6] for i in range(6)]  # six consumers, each a batch of 20

    await asyncio.gather(*(place_batch(sessions, batch, make.now) for batch in batches))

    assert await stock(sessions, "HOTB") == (D(50), D(50))
    counts = outcomes_by_order(await outbox(sessions))
    assert all(counts[o.order_id] == 1 for o in orders)
    async with sessions() as session:
        held = await session.scalar(
            select(func.sum(reservation_lines.c.reserved)).where(
                reservation_lines.c.order_id.like("HB-%")
            )
        )
    assert held == 50


async def test_a_batch_with_a_duplicate_of_an_answered_order_answers_only_the_new(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"DB-1": "10"})
    first = make.order("DB-OLD", ("DB-1", LOC, "3"))
    await place_batch(sessions, [first], make.now)

    await place_batch(sessions, [first, make.order("DB-NEW", ("DB-1", LOC, "3"))], make.now)

    assert await stock(sessions, "DB-1") == (D(10), D(6))
    counts = outcomes_by_order(await outbox(sessions))
    assert counts["DB-OLD"] == 1 and counts["DB-NEW"] == 1


async def test_receipt_fills_backorders_in_priority_then_arrival_order(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"BO-1": "0"})
    await place_batch(
        sessions,
        [
            make.order("BO-EARLY", ("BO-1", LOC, "5"), allow_partial=True),
            make.order("BO-LATE", ("BO-1", LOC, "5"), allow_partial=True),
            make.order("BO-RUSH", ("BO-1", LOC, "5"), allow_partial=True, priority=3),
        ],
        make.now,
    )

    receipt = make.movement("BO-IN", "BO-1", LOC, "8")
    await run(sessions, handlers.apply_movements, [receipt], make.now)

    assert await stock(sessions, "BO-1") == (D(8), D(8))
    async with sessions() as session:
        rows = await session.execute(
            select(reservation_lines.c.order_id, reservation_lines.c.reserved)
            .add_columns(reservation_lines.c.backordered)
            .where(reservation_lines.c.order_id.like("BO-%"))
        )
        lines = {row.order_id: (row.reserved, row.backordered) for row in rows}
        fills = (
            await session.execute(
                select(backorder_fills.c.order_id, backorder_fills.c.quantity).order_by(
                    backorder_fills.c.id
                )
            )
        ).all()
    assert lines == {"BO-RUSH": (5, 0), "BO-EARLY": (3, 2), "BO-LATE": (0, 5)}
    assert [(f.order_id, f.quantity) for f in fills] == [("BO-RUSH", 5), ("BO-EARLY", 3)]
    causes = [e.cause for e in await outbox_of(sessions, AvailabilityChanged)]
    assert causes[-2:] == ["stock_movement", "backorder_fill"]
    app = create_app(ReservationSettings())
    app.dependency_overrides[get_uow] = lambda: new_uow(sessions)
    async with api_client(app, "planner", login="sun.planner") as client:
        body = (await client.get("/v1/reservations/BO-EARLY")).json()
    assert body["allow_partial"] is True
    assert (body["lines"][0]["reserved"], body["lines"][0]["backordered"]) == ("3", "2")
    assert [f["quantity"] for f in body["backorder_fills"]] == ["3"]


async def test_expiry_releases_in_the_database_and_publishes(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"EX-1": "4"})
    await place_batch(sessions, [make.order("EX-O", ("EX-1", LOC, "4"), ttl=30)], make.now)

    async with new_uow(sessions) as uow:
        expired = await handlers.expire_due(uow, make.now + timedelta(seconds=31))
        await uow.commit()

    assert expired == 1
    assert await stock(sessions, "EX-1") == (D(4), D(0))
    events = await outbox_of(sessions, ReservationExpired)
    assert [e.order_id for e in events] == ["EX-O"]
    async with sessions() as session:
        status = await session.scalar(
            select(reservations.c.status).where(reservations.c.order_id == "EX-O")
        )
    assert status == "expired"


def inbound(event: Event, offset: int, correlation_id: str | None = None) -> InboundEvent:
    cloud_event = new_event(event, source="/test", correlation_id=correlation_id)
    return InboundEvent(cloud_event, event, "inventory.orders", 0, offset, event.key(), None)


async def consume(sessions: Sessions, events: list[InboundEvent]) -> None:
    """What the runtime's consumer does with a batch: claim the ids in the inbox, hand the
    handler the messages not applied before (each once), commit."""
    handler = subscription(ReservationSettings()).handler
    async with new_uow(sessions) as uow:
        new_ids = await uow.mark_processed_many(GROUP_ID, [e.id for e in events])
        fresh = []
        for event in events:
            if event.id in new_ids:
                new_ids.discard(event.id)
                fresh.append(event)
        if fresh:
            await handler(fresh, uow)
        await uow.commit()


async def test_each_outcome_of_a_batch_carries_the_ids_of_its_order_message(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"CI-1": "10"})
    placed = [
        inbound(make.order("CI-A", ("CI-1", LOC, "2")), 1, correlation_id="conversation-a"),
        inbound(make.order("CI-B", ("CI-1", LOC, "20")), 2),  # rejected; starts a conversation
        inbound(make.order("CI-C", ("CI-1", LOC, "3"), priority=5), 3, correlation_id="c"),
    ]

    await consume(sessions, placed)

    async with sessions() as session:
        rows = await session.execute(text("SELECT payload FROM outbox ORDER BY id"))
        cloud_events = [decode(row.payload) for row in rows]
    ids = {
        event.order_id: (cloud_event.correlationid, cloud_event.causationid)
        for cloud_event in cloud_events
        if isinstance(event := decode_data(cloud_event), StockReserved | ReservationRejected)
        and event.order_id.startswith("CI-")
    }
    assert ids == {
        "CI-A": ("conversation-a", placed[0].id),
        "CI-B": (placed[1].id, placed[1].id),
        "CI-C": ("c", placed[2].id),
    }


async def test_a_redelivered_partial_cancel_releases_once(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"RD-1": "10"})
    placed = inbound(make.order("RD-O", ("RD-1", LOC, "6")), 1)
    cancel = inbound(make.cancel("RD-O", ("RD-1", LOC, "2")), 2)
    await consume(sessions, [placed, cancel])

    await consume(sessions, [placed, cancel])  # the whole batch again, e.g. after a crash
    await consume(sessions, [cancel, cancel])

    assert await stock(sessions, "RD-1") == (D(10), D(4))
    released = await outbox_of(sessions, ReservationReleased)
    assert [e.order_id for e in released if e.order_id == "RD-O"] == ["RD-O"]


async def movements_world(sessions: Sessions, make: type[Make], w: str) -> list[StockMoved]:
    """Stock, a reservation and a backorder at world `w`'s points; the movements that follow."""
    await seed(sessions, make, {f"{w}-X1": "10", f"{w}-X2": "0", f"{w}-X3": "5"})
    await run(sessions, handlers.upsert_item, make.item(f"{w}-NEW"))
    await place_batch(
        sessions,
        [
            make.order(f"{w}-O1", (f"{w}-X1", LOC, "4")),
            make.order(f"{w}-O2", (f"{w}-X2", LOC, "3"), allow_partial=True),  # backordered
        ],
        make.now,
    )
    receipt = make.movement(f"{w}-M1", f"{w}-X2", LOC, "5")
    return [
        receipt,
        make.movement(f"{w}-M2", f"{w}-X1", LOC, "-4", "issue", order_id=f"{w}-O1"),
        make.movement(f"{w}-M3", f"{w}-X3", LOC, "-5", "issue"),  # scrap, no order
        receipt,  # the same ledger entry again
        make.movement(f"{w}-M4", f"{w}-X3", LOC, "2"),
        *(make.movement(f"{w}-N{n}", f"{w}-NEW{n}", LOC, "1") for n in range(40)),
    ]


class World(NamedTuple):
    lines: list[tuple[str, Decimal, Decimal, Decimal]]
    """(order id without the world, reserved, fulfilled, backordered) per line."""
    statuses: list[tuple[str, str]]
    points: list[tuple[Decimal, Decimal]]
    events: list[tuple[str, str, str]]
    """(type, cause, sku without the world) of the world's events, sorted."""


async def world_state(sessions: Sessions, w: str) -> World:
    async with sessions() as session:
        lines = await session.execute(
            select(reservation_lines.c.order_id, reservation_lines.c.reserved)
            .add_columns(reservation_lines.c.fulfilled, reservation_lines.c.backordered)
            .where(reservation_lines.c.order_id.like(f"{w}-%"))
            .order_by(reservation_lines.c.order_id)
        )
        statuses = await session.execute(
            select(reservations.c.order_id, reservations.c.status)
            .where(reservations.c.order_id.like(f"{w}-%"))
            .order_by(reservations.c.order_id)
        )
        by_line = [(str(o)[len(w) :], r, f, b) for o, r, f, b in lines]
        by_status = [(str(o)[len(w) :], str(s)) for o, s in statuses]
    points = [await stock(sessions, f"{w}-{sku}") for sku in ("X1", "X2", "X3", "NEW0", "NEW39")]
    events = sorted(  # which events, not their order: fills come after the whole batch
        (e.event_type, getattr(e, "cause", ""), getattr(e, "sku", "")[len(w) :])
        for e in await outbox(sessions)
        if getattr(e, "sku", getattr(e, "order_id", "")).startswith(f"{w}-")
    )
    return World(by_line, by_status, points, events)


async def test_a_batch_of_movements_ends_as_one_at_a_time_in_a_few_statements(
    sessions: Sessions, make: type[Make]
) -> None:
    one_by_one = await movements_world(sessions, make, "MA")
    batched = await movements_world(sessions, make, "MB")
    for movement in one_by_one:
        await consume(sessions, [inbound(movement, 0)])

    with recorded_statements(sessions.kw["bind"]) as sent:
        await consume(sessions, [inbound(m, n) for n, m in enumerate(batched)])

    assert await world_state(sessions, "MB") == await world_state(sessions, "MA")
    lines, statuses, points, events = await world_state(sessions, "MB")
    # X2's receipt counted once:
    assert points == [(D(6), D(0)), (D(5), D(3)), (D(2), D(0)), (D(1), D(0)), (D(1), D(0))]
    assert ("-O1", "fulfilled") in statuses
    assert ("-O2", D(3), D(0), D(0)) in lines  # the receipt filled the backorder
    filled = [e for e in await outbox_of(sessions, BackorderFilled) if e.order_id == "MB-O2"]
    assert [[(f.quantity, f.still_backordered) for f in e.lines] for e in filled] == [
        [(D(3), D(0))]
    ]
    assert [e for e in events if e[0].endswith("overcommitted.v1")] == []  # nothing held at X3
    # Inbox, claim, lock orders, create + lock points, read orders (2), save orders (2) and
    # points, backorders, fills (2), filled points, outbox: the same for 4 entries or 4,000.
    assert len(sent) <= 15, sent


async def test_a_batch_of_orders_is_decided_in_a_fixed_handful_of_statements(
    sessions: Sessions, make: type[Make]
) -> None:
    skus = {f"FS-{n}": "100" for n in range(10)}
    await seed(sessions, make, skus)
    orders = [make.order(f"FS-O-{n}", (f"FS-{n % 10}", LOC, "1")) for n in range(60)]

    with recorded_statements(sessions.kw["bind"]) as sent:
        await place_batch(sessions, orders, make.now)

    counts = outcomes_by_order(await outbox(sessions))
    assert all(counts[o.order_id] == 1 for o in orders)
    assert await stock(sessions, "FS-0") == (D(100), D(6))
    # Lock the quotes the orders convert and the expired holds at their points (one indexed
    # lookup, nothing found here); lock the points and read what is known of the orders, their
    # items and locations; save the points, add the reservations and their lines; outbox: 4 for
    # 6 orders or 6,000.
    assert len(sent) == 4, sent


async def test_waiting_backorders_are_found_through_an_index_not_a_scan(sessions: Sessions) -> None:
    """Filling backorders on a receipt reads only the lines waiting at its stock points
    (`ix_reservation_lines_waiting`), however many lines the table holds."""
    async with sessions() as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = await session.execute(
            text(f"EXPLAIN {BACKORDERS.text}"),
            {"skus": ["SKU-1", "SKU-2"], "locations": ["WH1", "WH1"]},
        )
        lines = [row[0] for row in plan]

    assert any("ix_reservation_lines_waiting" in line for line in lines), "\n".join(lines)


async def test_the_backorders_of_a_stock_point_are_what_open_orders_still_wait_for(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"BQ-1": "3", "BQ-0": "5"})
    await place_batch(
        sessions,
        [
            make.order("BQ-A", ("BQ-1", LOC, "5"), allow_partial=True),  # 3 held, 2 wait
            make.order("BQ-B", ("BQ-1", LOC, "4"), allow_partial=True),  # 4 wait
        ],
        make.now,
    )
    app = create_app(ReservationSettings())
    app.dependency_overrides[get_uow] = lambda: new_uow(sessions)
    async with api_client(app, "auditor") as client:
        waiting = await client.get(f"/v1/backorders/BQ-1/{LOC}")
        none = await client.get(f"/v1/backorders/BQ-0/{LOC}")
        unknown = await client.get(f"/v1/backorders/GHOST/{LOC}")
    assert waiting.json() == {"sku": "BQ-1", "location": LOC, "backordered": "6", "lines": 2}
    assert none.json()["backordered"] == "0" and none.json()["lines"] == 0
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
