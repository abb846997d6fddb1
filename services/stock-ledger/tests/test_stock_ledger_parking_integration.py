"""On PostgreSQL, through the consumer's handler: a goods receipt or shipment that arrives before
its item or location waits for them and posts when they come, as the message that caused it."""

# mypy: disable-error-code="comparison-overlap"
from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import stock_ledger
from inventory_contracts import StockMoved, decode, decode_data
from inventory_runtime.db import create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.consumer import subscription
from stock_ledger.metrics import PARKED, refresh

from .conftest import Make, api_client, ledger_app

pytestmark = pytest.mark.integration

Sessions = async_sessionmaker[AsyncSession]
MIGRATIONS = Path(stock_ledger.__file__).parent / "migrations"


@pytest.fixture(scope="module")
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    url = await fresh_database(database_url, "stock_ledger_parking")
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url)
    yield create_session_factory(engine)
    await engine.dispose()
    await drop_database(url)


async def consume(sessions: Sessions, *messages: Any) -> None:
    async with LedgerUnitOfWork(sessions, source="/services/stock-ledger") as uow:
        await subscription().handler(list(messages), uow)
        await uow.commit()


async def rows(sessions: Sessions, sql: str) -> list[Any]:
    async with sessions() as session:
        return list(await session.execute(text(sql)))


async def parked(sessions: Sessions) -> list[dict[str, Any]]:
    async with api_client(ledger_app(sessions), "auditor") as client:
        response = await client.get("/v1/parked-messages")
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_a_receipt_before_its_item_and_location_waits_then_posts_as_itself(
    sessions: Sessions, make: type[Make]
) -> None:
    receipt = make.inbound(make.received("GR-EARLY", None, ("EARLY", "WH-NEW", "5", "3")), "/erp")
    await consume(sessions, receipt)  # no error: it waits, its offset can be committed
    [waiting] = await parked(sessions)
    assert (waiting["event_id"], waiting["status"]) == (receipt.id, "waiting")
    assert (waiting["waiting_skus"], waiting["waiting_locations"]) == (["EARLY"], ["WH-NEW"])
    assert "unknown SKU 'EARLY'" in waiting["reason"]
    await consume(sessions, receipt)  # redelivered: still one
    assert len(await parked(sessions)) == 1

    await consume(sessions, make.inbound(make.item("EARLY")))  # the location is still missing
    [waiting] = await parked(sessions)
    assert (waiting["waiting_skus"], waiting["waiting_locations"]) == ([], ["WH-NEW"])
    await refresh(sessions)
    assert PARKED.labels("waiting")._value.get() == 1

    await consume(sessions, make.inbound(make.location("WH-NEW")))
    assert await parked(sessions) == []
    [balance] = await rows(
        sessions, "SELECT on_hand FROM balances WHERE sku = 'EARLY' AND location = 'WH-NEW'"
    )
    assert balance.on_hand == Decimal(5)
    [payload] = [r.payload for r in await rows(sessions, "SELECT payload FROM outbox")
                 if b"RCV-GR-EARLY" in r.payload]  # fmt: skip
    moved = decode(payload)
    assert isinstance(decode_data(moved), StockMoved)
    assert moved.causationid == receipt.id and moved.correlationid == receipt.correlation_id


async def test_a_shipment_that_cannot_post_once_its_item_comes_is_kept_as_failed(
    sessions: Sessions, make: type[Make]
) -> None:
    await consume(sessions, make.inbound(make.location("WH-2")))
    shipped = make.inbound(make.shipped("SO-9", "SHP-9", ("LATE", "WH-2", "4")), "/erp")
    await consume(sessions, shipped)
    assert [m["status"] for m in await parked(sessions)] == ["waiting"]
    await consume(sessions, make.inbound(make.item("LATE")))  # nothing on hand to ship
    [failed] = await parked(sessions)
    assert (failed["event_id"], failed["status"]) == (shipped.id, "failed")
    assert "short" in failed["reason"]
    await refresh(sessions)
    assert PARKED.labels("failed")._value.get() == 1
    on_hand = await rows(sessions, "SELECT on_hand FROM balances WHERE sku = 'LATE'")
    assert all(row.on_hand == 0 for row in on_hand)  # nothing issued
