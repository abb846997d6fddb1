"""Bulk import of master data: 100,000 items imported through the gateway's API and applied by
every service that keeps items (stock-ledger, reservation, replenishment). Goal: under 60 s.

In process, on scratch databases of the local PostgreSQL (dropped afterwards): the gateway app
answers ``POST /v1/imports?kind=items&wait=true`` with the CSV (parsing, row checks, content
hashes, outbox rows); then the outbox's ``ItemUpserted`` events are applied by each service's
own consumer registry and unit of work, in batches of ``--batch`` per transaction as their
consumers take them from Kafka (Kafka itself is left out: its transport is measured by the
other benches). The yardstick is PostgreSQL's COPY of the same rows into a table, the fastest
way to land them at all; the ratio says how many COPYs the whole path costs. A re-import of
the same file is timed too (it must apply nothing).

    uv run python -m bench.master_data [--items 100000] [--batch 500] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka.structs import ConsumerRecord
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import MIGRATIONS as GATEWAY_MIGRATIONS
from integration_gateway.main import create_app, ensure_configured
from inventory_contracts.envelope import decode, decode_data
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.db import create_engine, create_session_factory
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from replenishment import consumer as replenishment_consumer
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.main import MIGRATIONS as REPLENISHMENT_MIGRATIONS
from reservation import consumer as reservation_consumer
from reservation.adapters.unit_of_work import ReservationUnitOfWork
from reservation.main import MIGRATIONS as RESERVATION_MIGRATIONS
from sqlalchemy.ext.asyncio import AsyncEngine
from stock_ledger import consumer as ledger_consumer
from stock_ledger.adapters.unit_of_work import LedgerUnitOfWork
from stock_ledger.main import MIGRATIONS as LEDGER_MIGRATIONS

API_KEY = "bench-master-data-key"
HEADER = "sku,name,name_zh,unit_of_measure,category,unit_cost,purchase_unit,purchase_unit_factor"


def items_csv(count: int) -> bytes:
    lines = [HEADER] + [
        f"BENCH-{n:06d},Item {n},物料{n},pcs,cat-{n % 50},{n % 997 + 1}.25,box,12"
        for n in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


def _plain_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def copy_yardstick(url: str, content: bytes) -> float:
    """Seconds for PostgreSQL to COPY the same rows into a fresh table."""
    connection = await asyncpg.connect(_plain_url(url))
    try:
        await connection.execute(
            "CREATE TABLE copy_yardstick (sku text PRIMARY KEY, name text, name_zh text,"
            " unit_of_measure text, category text, unit_cost numeric, purchase_unit text,"
            " purchase_unit_factor numeric)"
        )
        started = time.perf_counter()
        await connection.copy_to_table(
            "copy_yardstick", source=io.BytesIO(content), format="csv", header=True
        )
        return time.perf_counter() - started
    finally:
        await connection.close()


async def gateway_runtime(url: str) -> ServiceRuntime:
    settings = IntegrationGatewaySettings(
        database_url=url, bootstrap_api_key=API_KEY, bootstrap_rate_limit_per_second=1000
    )
    engine = create_engine(settings)
    factory = create_session_factory(engine)

    def uow_factory() -> GatewayUnitOfWork:
        return GatewayUnitOfWork.keyed(settings.secret_box)(factory, source=settings.event_source)

    runtime = ServiceRuntime(settings, engine, factory, uow_factory)
    await ensure_configured(runtime)
    return runtime


async def import_items(runtime: ServiceRuntime, content: bytes) -> dict[str, Any]:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    app = create_app(settings)
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "text/csv"}
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", timeout=600) as http:
        response = await http.post(
            "/v1/imports", params={"kind": "items", "wait": "true"}, content=content,
            headers=headers,
        )  # fmt: skip
    response.raise_for_status()
    job: dict[str, Any] = response.json()
    return job


async def outbox_events(engine: AsyncEngine) -> list[InboundEvent]:
    async with engine.connect() as connection:
        rows = await connection.exec_driver_sql(
            "SELECT payload, key, topic FROM outbox WHERE event_type = "
            "'inventory.item.upserted.v1' ORDER BY id"
        )
        events = []
        for offset, row in enumerate(rows):
            payload, key, topic = row.payload, row.key, row.topic
            cloud_event = decode(payload)
            record = ConsumerRecord(topic, 0, offset, 0, 0, key, payload, None, 0, 0, [])
            events.append(
                InboundEvent(cloud_event, decode_data(cloud_event), topic, 0, offset, key, record)
            )
        return events


async def apply_everywhere(
    base_url: str,
    name: str,
    migrations: Path,
    uow_class: Callable[..., Any],
    registry: HandlerRegistry[Any],
    events: Sequence[InboundEvent],
    batch: int,
) -> float:
    """Seconds for one service's registry to apply the events, `batch` per transaction (with
    the inbox claim its consumer makes), on a scratch database of its own."""
    url = await fresh_database(base_url, f"bench_md_{name}")
    try:
        await migrate_async(url, migrations)
        engine = create_engine(IntegrationGatewaySettings(database_url=url))
        factory = create_session_factory(engine)
        started = time.perf_counter()
        for start in range(0, len(events), batch):
            run = events[start : start + batch]
            async with uow_class(factory, source=f"/bench/{name}") as uow:
                fresh = await uow.mark_processed_many(name, [event.id for event in run])
                await registry.dispatch([e for e in run if e.id in fresh], uow)
                await uow.commit()
        elapsed = time.perf_counter() - started
        await engine.dispose()
        return elapsed
    finally:
        await drop_database(url)


async def main(items: int, batch: int, base_url: str) -> dict[str, Any]:
    content = items_csv(items)
    url = await fresh_database(base_url, "bench_md_gateway")
    try:
        await migrate_async(url, GATEWAY_MIGRATIONS)
        copy_seconds = await copy_yardstick(url, content)
        runtime = await gateway_runtime(url)
        started = time.perf_counter()
        job = await import_items(runtime, content)
        import_seconds = time.perf_counter() - started
        assert job["applied"] == items, job
        events = await outbox_events(runtime.engine)
        services: dict[str, tuple[Path, Callable[..., Any], HandlerRegistry[Any]]] = {
            "stock-ledger": (LEDGER_MIGRATIONS, LedgerUnitOfWork, ledger_consumer.registry),
            "reservation": (
                RESERVATION_MIGRATIONS, ReservationUnitOfWork, reservation_consumer.registry(),
            ),
            "replenishment": (
                REPLENISHMENT_MIGRATIONS, ReplenishmentUnitOfWork,
                replenishment_consumer.registry(),
            ),
        }  # fmt: skip
        applied = {
            name: await apply_everywhere(base_url, name, m, u, r, events, batch)
            for name, (m, u, r) in services.items()
        }
        started = time.perf_counter()
        again = await import_items(runtime, content)
        reimport_seconds = time.perf_counter() - started
        assert again["applied"] == 0 and again["unchanged"] == items, again
        await runtime.engine.dispose()
    finally:
        await drop_database(url)
    total = import_seconds + sum(applied.values())
    return {
        "items": items,
        "import_seconds": round(import_seconds, 2),
        "apply_seconds": {name: round(seconds, 2) for name, seconds in applied.items()},
        "total_seconds": round(total, 2),
        "goal_seconds": 60,
        "ratio_to_goal": round(total / 60, 2),
        "copy_seconds": round(copy_seconds, 2),
        "ratio_to_copy": round(total / copy_seconds, 1),
        "reimport_seconds": round(reimport_seconds, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgresql+asyncpg://inventory:inventory@127.0.0.1:5432/inventory_test"
        ),
    )
    args = parser.parse_args()
    result = asyncio.run(main(args.items, args.batch, args.database_url))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
