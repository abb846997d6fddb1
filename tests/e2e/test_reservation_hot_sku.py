"""Four reservation consumers in one group hammer one hot SKU: never oversold, one outcome each.

Three extra reservation processes join the running service's consumer group (same database,
other HTTP ports) for the length of the test; they are stopped at the end, pass or fail.
They run the stack's own build (`inventory_testkit.stack.STACK_ROOT`).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from decimal import Decimal
from functools import partial

import pytest
from inventory_testkit.generation import hot_lines
from inventory_testkit.load import LoadRun
from inventory_testkit.platform import http, is_ready, poll
from inventory_testkit.stack import STACK_ROOT, ConsumerLag, state_dir

EXTRA_PORTS = (18102, 18103, 18104)
ORDERS, STOCK = 20_000, 5_000


def reservation_env(port: int) -> dict[str, str]:
    """The environment scripts/services.sh gives the reservation service, on another port."""
    pg = (
        f"{os.getenv('PG_USER', 'inventory')}:{os.getenv('PG_PASSWORD', 'inventory')}"
        f"@{os.getenv('PG_HOST', '127.0.0.1')}:{os.getenv('PG_PORT', '5432')}"
    )
    return {
        **os.environ,
        "SERVICE_NAME": "reservation",
        "ENVIRONMENT": "development",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "KAFKA_BOOTSTRAP_SERVERS": os.getenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"postgresql+asyncpg://{pg}/reservation",
    }


def start_reservation(port: int) -> subprocess.Popen[bytes]:
    logs = state_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"reservation-{port}.log", "ab") as log:
        return subprocess.Popen(
            [str(STACK_ROOT / ".venv/bin/reservation"), "serve"],
            env=reservation_env(port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
async def extra_consumers(services_up: None) -> AsyncIterator[list[int]]:
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for port in EXTRA_PORTS:
            processes.append(start_reservation(port))
        for port in EXTRA_PORTS:
            await poll(
                partial(asyncio.to_thread, is_ready, port),
                bool,
                timeout=90,
                what=f"reservation on :{port} to be ready",
            )
        yield [p.pid for p in processes]
    finally:
        stop(processes)


async def test_four_consumers_reserve_exactly_the_stock_of_a_hot_sku(
    kafka_bootstrap: str, extra_consumers: list[int]
) -> None:
    async with ConsumerLag(kafka_bootstrap) as group:
        await poll(
            lambda: group.members("reservation"),
            lambda members: members == 4,
            timeout=60,
            what="four consumers in the reservation group",
        )

    async with LoadRun(kafka_bootstrap) as run:
        sku = f"HOT-{run.run_id}"
        await run.prepare([sku], STOCK)
        started = await run.generate(hot_lines(sku), rate=0, count=ORDERS, window=ORDERS)
        await run.drain(idle_timeout=60, cap=400)
        result = run.result("hot", "4 consumers", 0, started)

    assert result.orders == ORDERS
    assert result.orders_without_outcome == 0
    assert result.orders_with_duplicate_outcome == 0
    assert result.units_reserved == STOCK, "exactly the stock is reserved, not a unit more"
    async with http("reservation", timeout=10) as client:
        availability = (await client.get(f"/v1/availability/{sku}/{run.location}")).json()
    assert Decimal(availability["on_hand"]) == STOCK
    assert Decimal(availability["reserved"]) == STOCK
    assert Decimal(availability["available_to_promise"]) == 0
