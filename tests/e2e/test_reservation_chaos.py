"""Chaos during a load run: the reservation service killed (-9) and restarted, the broker
stopped and started. Afterwards no order lacks an outcome, none has two, nothing is oversold.

The broker restart disturbs everyone on the shared local stack, so (as the runtime's own
broker-restart test) it runs in CI or with INVENTORY_BROKER_RESTART_TESTS=1; the kill -9 part
always runs. Whatever happens, the test leaves the broker and all services running and ready.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.e2e.platform import PORTS, base_url
from tests.e2e.test_reservation_hot_sku import LoadRun

ROOT = Path(__file__).resolve().parents[2]
PID_FILE = ROOT / ".local/run/reservation.pid"
RESTART_BROKER = bool(os.getenv("CI") or os.getenv("INVENTORY_BROKER_RESTART_TESTS"))
ORDERS, RATE, STOCK = 3_000, 200, 2_000


async def script(*args: str) -> None:
    """Run one of the stack's scripts (they wait until what they start is ready)."""
    process = await asyncio.create_subprocess_exec(
        "bash", str(ROOT / "scripts" / args[0]), *args[1:], stdout=asyncio.subprocess.DEVNULL
    )
    assert await process.wait() == 0, f"scripts/{' '.join(args)} failed"


def all_ready() -> bool:
    for service in PORTS:
        try:
            if httpx.get(f"{base_url(service)}/ready", timeout=3).status_code != 200:
                return False
        except httpx.HTTPError:
            return False
    return True


async def restore_stack(timeout: float = 180) -> None:
    """Broker and every service up and ready again (starting only what is not running)."""
    await script("kafka.sh", "start")
    await script("services.sh", "start")
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(all_ready):
        if time.monotonic() > deadline:
            raise AssertionError("the stack did not become ready again after the chaos test")
        await asyncio.sleep(1)


def process_exists(pid: int) -> bool:
    """True while /proc has the process, zombies included (services.sh's `kill -0` sees them)."""
    return Path(f"/proc/{pid}").exists()


async def gone(pid: int, timeout: float = 15) -> None:
    """Until `pid` is reaped; services.sh would take a zombie for a running service."""
    deadline = time.monotonic() + timeout
    while process_exists(pid):
        if time.monotonic() > deadline:
            PID_FILE.unlink(missing_ok=True)  # unreaped zombie: the service is dead anyway
            return
        await asyncio.sleep(0.2)


async def chaos() -> None:
    await asyncio.sleep(4)
    pid = int(PID_FILE.read_text().strip())
    os.kill(pid, signal.SIGKILL)  # mid-batch, no goodbye
    await gone(pid)
    await script("services.sh", "start", "reservation")
    if RESTART_BROKER:
        await asyncio.sleep(2)
        await script("kafka.sh", "stop")
        await asyncio.sleep(2)
        await script("kafka.sh", "start")


@pytest.mark.timeout(600)
async def test_after_kill_and_broker_restart_every_order_has_exactly_one_outcome(
    kafka_bootstrap: str, services_up: None
) -> None:
    try:
        async with LoadRun(kafka_bootstrap) as run:
            sku = f"CHAOS-{run.run_id}"
            await run.prepare([sku], STOCK)
            load = asyncio.create_task(run.generate(lambda: [(sku, 1)], rate=RATE, count=ORDERS))
            await chaos()
            started = await load
            # A killed member holds its partitions until the group gives up on it (about two
            # minutes with the runtime's consumer settings), so allow for that silence.
            await run.drain(idle_timeout=200, cap=420)
            result = run.result("hot", "chaos", RATE, started)
    finally:
        await restore_stack()

    assert result.orders == ORDERS
    assert result.orders_without_outcome == 0, "every order has an outcome"
    assert result.orders_with_duplicate_outcome == 0, "no order has two"
    assert result.units_reserved == STOCK and result.units_oversold == 0
    async with httpx.AsyncClient(base_url=base_url("reservation"), timeout=10) as client:
        availability = (await client.get(f"/v1/availability/{sku}/{run.location}")).json()
    assert Decimal(availability["reserved"]) == Decimal(availability["on_hand"]) == STOCK
