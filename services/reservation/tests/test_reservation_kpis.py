"""Reservation's business gauges on the real PostgreSQL: orders applied by the handlers, one
refresh, then the in-process app's /metrics read as Prometheus reads it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
import reservation
from inventory_runtime.db import create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from prometheus_client.parser import text_string_to_metric_families
from reservation import handlers, metrics
from reservation.adapters.unit_of_work import ReservationUnitOfWork
from reservation.config import ReservationSettings
from reservation.main import create_app
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .conftest import Make, api_client

pytestmark = pytest.mark.integration
Sessions = async_sessionmaker[AsyncSession]
MIGRATIONS = Path(reservation.__file__).parent / "migrations"
NORTH, SOUTH = "WH-N", "WH-S"


@pytest.fixture(scope="module")
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    url = await fresh_database(database_url, "reservation_kpis")
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=5)
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


async def apply(sessions: Sessions, handler: object, event: object, *args: object) -> None:
    async with ReservationUnitOfWork(sessions, source="/services/reservation") as uow:
        await handler(event, uow, *args)  # type: ignore[operator]
        await uow.commit()


async def scrape(sessions: Sessions) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    await metrics.refresh(sessions)
    async with api_client(create_app(ReservationSettings())) as client:
        body = (await client.get("/metrics")).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name.startswith("inventory_reservation_")
    }


def at(location: str) -> tuple[tuple[str, str], ...]:
    return (("location", location),)


def reason(code: str) -> tuple[tuple[str, str], ...]:
    return (("reason", code),)


async def test_fill_rate_stockouts_backorders_and_rejections(
    sessions: Sessions, make: type[Make]
) -> None:
    for location in (NORTH, SOUTH):
        await apply(sessions, handlers.upsert_location, make.location(location))
    for sku, location, quantity in (("TEA", NORTH, "10"), ("RICE", SOUTH, "4")):
        await apply(sessions, handlers.upsert_item, make.item(sku))
        movement = make.movement(f"seed-{sku}", sku, location, quantity)
        await apply(sessions, handlers.apply_movements, [movement], make.now)
    orders = [
        make.order("K-1", ("TEA", NORTH, "6")),  # reserved in full
        make.order("K-2", ("TEA", NORTH, "8")),  # 4 left: rejected, insufficient stock
        make.order("K-3", ("RICE", SOUTH, "6"), allow_partial=True),  # 4 reserved, 2 backordered
        make.order("K-4", ("GHOST", SOUTH, "1")),  # unknown SKU
    ]
    for order in orders:
        await apply(sessions, handlers.place_orders, [order], make.now)

    seen = await scrape(sessions)

    assert seen[("inventory_reservation_fill_rate", at(NORTH))] == pytest.approx(6 / 14)
    assert seen[("inventory_reservation_fill_rate", at(SOUTH))] == pytest.approx(4 / 7)
    assert seen[("inventory_reservation_stockouts", at(NORTH))] == 0
    assert seen[("inventory_reservation_stockouts", at(SOUTH))] == 1  # RICE all reserved
    assert seen[("inventory_reservation_backorder_lines", at(SOUTH))] == 1
    assert seen[("inventory_reservation_backordered_quantity", at(SOUTH))] == 2
    assert seen[("inventory_reservation_backorder_lines", at(NORTH))] == 0
    assert seen[("inventory_reservation_rejections", reason("insufficient_stock"))] == 1
    assert seen[("inventory_reservation_rejections", reason("unknown_sku"))] == 1
    assert seen[("inventory_reservation_rejections", reason("invalid_order"))] == 0
    assert {tuple(dict(labels)) for _, labels in seen} <= {("location",), ("reason",)}


def test_fill_rate_is_undefined_without_orders() -> None:
    assert metrics.fill_rate(Decimal(0), Decimal(0)) is None
    assert metrics.fill_rate(Decimal(4), Decimal(3)) == Decimal("0.75")
