"""Retention on the real PostgreSQL: finished history goes, what still holds stock stays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from inventory_runtime.retention import purge_once
from pydantic import ValidationError
from reservation import handlers
from reservation.adapters.retention import purges
from reservation.adapters.tables import (
    applied_movements,
    early_cancellations,
    reservation_lines,
    reservations,
)
from reservation.config import ReservationSettings
from sqlalchemy import Column, select, text

from .conftest import Make
from .test_reservation_batch_integration import place_batch
from .test_reservation_integration import LOC, D, Sessions, run, seed, stock

pytestmark = pytest.mark.integration


async def age(sessions: Sessions, sql: str, ids: list[str]) -> None:
    """Move rows 100 days into the past (`sql` updates the rows whose key is in :ids)."""
    async with sessions() as session, session.begin():
        await session.execute(text(sql), {"ids": ids})


async def left(sessions: Sessions, column: Column[str], prefix: str) -> set[str]:
    async with sessions() as session:
        return set((await session.scalars(select(column).where(column.like(prefix)))).all())


async def test_finished_history_goes_and_what_holds_stock_stays(
    sessions: Sessions, make: type[Make]
) -> None:
    await seed(sessions, make, {"RT-1": "10"})
    await place_batch(
        sessions,
        [
            make.order("RT-OLD-REJECTED", ("RT-NOPE", LOC, "1")),  # unknown SKU
            make.order("RT-OLD-HELD", ("RT-1", LOC, "2")),
            make.order("RT-OLD-CANCELLED", ("RT-1", LOC, "3")),
            make.order("RT-NEW-REJECTED", ("RT-NOPE", LOC, "1")),
        ],
        make.now,
    )
    await run(sessions, handlers.cancel_order, make.cancel("RT-OLD-CANCELLED"), make.now)
    for order_id in ("RT-EC-OLD", "RT-EC-NEW"):  # cancelled before they were placed
        await run(sessions, handlers.cancel_order, make.cancel(order_id), make.now)
    old = ["RT-OLD-REJECTED", "RT-OLD-HELD", "RT-OLD-CANCELLED"]
    back = "now() - interval '100 days'"
    await age(
        sessions, f"UPDATE reservations SET updated_at = {back} WHERE order_id = ANY(:ids)", old
    )
    await age(
        sessions,
        f"UPDATE early_cancellations SET cancelled_at = {back} WHERE order_id = ANY(:ids)",
        ["RT-EC-OLD"],
    )
    await age(
        sessions,
        f"UPDATE applied_movements SET applied_at = {back} WHERE movement_id = ANY(:ids)",
        ["seed-RT-1-0"],
    )

    settings = ReservationSettings(history_retention_days=90)
    purged = await purge_once(sessions, purges(settings), datetime.now(UTC))

    assert await left(sessions, reservations.c.order_id, "RT-%") == {
        "RT-OLD-HELD",  # still holds stock, however old
        "RT-NEW-REJECTED",
    }
    assert await left(sessions, reservation_lines.c.order_id, "RT-%") == {
        "RT-OLD-HELD",
        "RT-NEW-REJECTED",
    }
    assert await stock(sessions, "RT-1") == (D(10), D(2))  # available-to-promise unchanged
    assert await left(sessions, early_cancellations.c.order_id, "RT-%") == {"RT-EC-NEW"}
    assert "seed-RT-1-0" not in await left(sessions, applied_movements.c.movement_id, "seed-%")
    assert purged == {
        "finished reservations": 2,
        "early cancellations": 1,
        "applied movement ids": 1,
    }


def test_history_is_kept_at_least_as_long_as_kafka_keeps_messages() -> None:
    with pytest.raises(ValidationError, match="history_retention_days"):
        ReservationSettings(history_retention_days=3)
