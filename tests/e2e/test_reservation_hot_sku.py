"""Four reservation consumers in one group hammer one hot SKU: never oversold, one outcome each.

Three extra reservation processes join the running service's consumer group (same database,
other HTTP ports) for the length of the test; they are stopped at the end, pass or fail.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from tests.e2e.platform import base_url

ROOT = Path(__file__).resolve().parents[2]


def _load_bench() -> ModuleType:
    """bench/reservation.py, the load generator (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "bench_reservation", ROOT / "bench/reservation.py"
    )
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


LoadRun = _load_bench().LoadRun
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


def wait_ready(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=3).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"reservation on :{port} did not become ready")


@pytest.fixture
def extra_consumers(services_up: None) -> Iterator[list[int]]:
    logs = ROOT / ".local/logs"
    logs.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for port in EXTRA_PORTS:
            with open(logs / f"reservation-{port}.log", "ab") as log:
                processes.append(
                    subprocess.Popen(
                        [str(ROOT / ".venv/bin/reservation"), "serve"],
                        env=reservation_env(port),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        for port in EXTRA_PORTS:
            wait_ready(port)
        yield [p.pid for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


async def group_members(bootstrap: str, group: str = "reservation") -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        # DescribeGroups v2: (error_code, group_id, state, protocol_type, protocol, members)
        return len(response.groups[0][5])
    finally:
        await admin.close()


async def test_four_consumers_reserve_exactly_the_stock_of_a_hot_sku(
    kafka_bootstrap: str, extra_consumers: list[int]
) -> None:
    deadline = time.monotonic() + 60
    while await group_members(kafka_bootstrap) < 4 and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(1)
    assert await group_members(kafka_bootstrap) == 4, "four consumers share the group"

    async with LoadRun(kafka_bootstrap) as run:
        sku = f"HOT-{run.run_id}"
        await run.prepare([sku], STOCK)
        started = await run.generate(lambda: [(sku, 1)], rate=0, count=ORDERS, window=ORDERS)
        await run.drain(idle_timeout=60, cap=400)
        result = run.result("hot", "4 consumers", 0, started)

    assert result.orders == ORDERS
    assert result.orders_without_outcome == 0
    assert result.orders_with_duplicate_outcome == 0
    assert result.units_reserved == STOCK, "exactly the stock is reserved, not a unit more"
    async with httpx.AsyncClient(base_url=base_url("reservation"), timeout=10) as client:
        availability = (await client.get(f"/v1/availability/{sku}/{run.location}")).json()
    assert Decimal(availability["on_hand"]) == STOCK
    assert Decimal(availability["reserved"]) == STOCK
    assert Decimal(availability["available_to_promise"]) == 0
