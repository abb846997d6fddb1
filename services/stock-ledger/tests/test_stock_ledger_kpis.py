"""The stock-ledger's business gauges on the real PostgreSQL: documents posted through the
in-process API, one refresh, then the app's /metrics read as Prometheus reads it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from inventory_contracts import ItemUpserted
from inventory_runtime.db import create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from stock_ledger import handlers, metrics
from stock_ledger.adapters import LedgerUnitOfWork

from .conftest import MIGRATIONS, SOURCE, Make, Sessions, api_client, ledger_app

pytestmark = pytest.mark.integration
TODAY = datetime.now(UTC).date()
WH, WH2 = "WH-K1", "WH-K2"


@pytest.fixture(scope="module")
async def sessions(database_url: str, make: type[Make]) -> AsyncIterator[Sessions]:
    url = await fresh_database(database_url, "stock_ledger_kpis")
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=5)
    factory = create_session_factory(engine)
    async with LedgerUnitOfWork(factory, source=SOURCE) as uow:
        for sku, category in (("GREEN", "tea"), ("JASMINE", "rice")):
            item = ItemUpserted(
                sku=sku, name=sku, unit_of_measure="pcs", category=category, unit_cost=Decimal(4)
            )
            await handlers.upsert_item(make.inbound(item), uow)
        for location in (WH, WH2):
            await handlers.upsert_location(make.inbound(make.location(location)), uow)
        await uow.commit()
    async with factory.begin() as session:  # the ABC class comes from replenishment's analysis
        await session.execute(text("UPDATE items SET abc_class = 'A' WHERE sku = 'GREEN'"))
    yield factory
    await engine.dispose()
    await drop_database(url)


def post(kind: str, sku: str, location: str, quantity: str, days_ago: int, **extra: Any) -> Any:
    line = {"sku": sku, "location": location, "quantity": quantity, **extra}
    date = (TODAY - timedelta(days=days_ago)).isoformat()
    return {"document_type": kind, "lines": [line], "document_date": date}


async def scrape(sessions: Sessions) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Refresh the gauges, then /metrics as a sample name + sorted labels -> value map."""
    await metrics.refresh(sessions)
    async with api_client(ledger_app(sessions)) as client:
        body = (await client.get("/metrics")).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name.startswith("inventory_stock_")
    }


def at(location: str, category: str, cls: str, **more: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({"location": location, "category": category, "class": cls, **more}.items()))


async def test_stock_gauges_by_location_category_and_class(sessions: Sessions) -> None:
    async with api_client(ledger_app(sessions), "operator") as client:
        for body in (
            post("receipt", "GREEN", WH, "10", 0, unit_cost="5"),
            post("issue", "GREEN", WH, "4", 0),  # COGS 20 this week and month
            post("receipt", "JASMINE", WH2, "10", 200, unit_cost="3"),  # never issued since
        ):
            response = await client.post("/v1/documents?post=true", json=body)
            assert response.status_code == 201, response.text

    seen = await scrape(sessions)

    green, jasmine = at(WH, "tea", "A"), at(WH2, "rice", "none")
    assert seen[("inventory_stock_on_hand_value", green)] == 30
    assert seen[("inventory_stock_on_hand_value", jasmine)] == 30
    assert seen[("inventory_stock_consumption_value", green)] == 20
    assert seen[("inventory_stock_days_of_supply", green)] == pytest.approx(45)  # 30 / (20/30)
    assert ("inventory_stock_days_of_supply", jasmine) not in seen  # no consumption: undefined
    # COGS 20 / average of 0 a year ago and 30 now
    assert seen[("inventory_stock_turnover_ratio", green)] == pytest.approx(20 / 15)
    assert seen[("inventory_stock_turnover_ratio", jasmine)] == 0
    assert seen[("inventory_stock_aging_value", at(WH, "tea", "A", bucket="0_30"))] == 30
    assert seen[("inventory_stock_aging_value", at(WH2, "rice", "none", bucket="181_365"))] == 30
    assert seen[("inventory_stock_dead_value", jasmine)] == 30
    assert seen[("inventory_stock_dead_value", green)] == 0
    assert not any("sku" in dict(labels) for _, labels in seen), "never per SKU"


async def test_an_issue_moves_stock_out_of_dead_and_gives_it_days_of_supply(
    sessions: Sessions,
) -> None:
    async with api_client(ledger_app(sessions), "operator") as client:
        body = post("issue", "JASMINE", WH2, "10", 0)
        assert (await client.post("/v1/documents?post=true", json=body)).status_code == 201

    seen = await scrape(sessions)

    jasmine = at(WH2, "rice", "none")
    assert seen[("inventory_stock_on_hand_value", jasmine)] == 0
    assert seen[("inventory_stock_dead_value", jasmine)] == 0
    assert seen[("inventory_stock_consumption_value", jasmine)] == 30
    assert seen[("inventory_stock_days_of_supply", jasmine)] == 0
