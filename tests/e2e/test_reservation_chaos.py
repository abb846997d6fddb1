"""Chaos during a load run: the reservation service killed (-9) and restarted, the broker
stopped and started. Afterwards no order lacks an outcome, none has two, nothing is oversold.

The broker restart disturbs everyone on the shared local stack, so (as the runtime's own
broker-restart test) it runs in CI or with INVENTORY_BROKER_RESTART_TESTS=1; the kill -9 part
always runs. Whatever happens, the test leaves the broker and all services running and ready.
Every step waits for what it needs to see (orders answered, a process gone, a service ready,
the broker's port closed), each with a deadline; none sleeps for a guessed time.

The stack is the one scripts/*.sh run from `inventory_testkit.stack.STACK_ROOT` (this checkout,
or INVENTORY_STACK_ROOT).
"""

from __future__ import annotations

import asyncio
import os
import signal
from decimal import Decimal

import pytest
from inventory_testkit.generation import hot_lines
from inventory_testkit.load import LoadRun
from inventory_testkit.platform import http, poll
from inventory_testkit.stack import pid_file, pid_of, run_script, wait_gone, wait_ready

RESTART_BROKER = bool(os.getenv("CI") or os.getenv("INVENTORY_BROKER_RESTART_TESTS"))
ORDERS, RATE, STOCK = 3_000, 200, 2_000


async def restore_stack() -> None:
    """Broker and every service up and ready again (starting only what is not running)."""
    await run_script("kafka.sh", "start")
    await run_script("services.sh", "start")
    await wait_ready(timeout=180)


async def kill_reservation() -> None:
    pid = pid_of("reservation")
    os.kill(pid, signal.SIGKILL)  # mid-batch, no goodbye
    try:
        await wait_gone(pid)  # services.sh would take a zombie for a running service
    except AssertionError:
        pid_file("reservation").unlink(missing_ok=True)  # unreaped zombie: dead anyway


async def broker_refuses(bootstrap: str) -> bool:
    """True once nothing accepts connections on the broker's address."""
    host, port = bootstrap.split(",")[0].rsplit(":", 1)
    try:
        _, writer = await asyncio.open_connection(host, int(port))
    except OSError:
        return True
    writer.close()
    return False


async def chaos(run: LoadRun) -> None:
    """Kill reservation once a fifth of the orders are answered; restart it; then, if allowed,
    restart the broker while the generator is still sending."""
    await poll(
        lambda: len(run.outcomes.first_seen),
        lambda answered: answered >= ORDERS // 5,
        timeout=60,
        what="a fifth of the orders answered before the kill",
    )
    await kill_reservation()
    await run_script("services.sh", "start", "reservation")
    await wait_ready(["reservation"])
    if RESTART_BROKER:
        sent = len(run.orders)
        await poll(
            lambda: len(run.orders),
            lambda now: now > sent,
            timeout=30,
            what="orders still going out after the restart",
        )
        await run_script("kafka.sh", "stop")
        await poll(
            lambda: broker_refuses(run.bootstrap), bool, timeout=60, what="the broker to be down"
        )
        await run_script("kafka.sh", "start")


@pytest.mark.timeout(600)
async def test_after_kill_and_broker_restart_every_order_has_exactly_one_outcome(
    kafka_bootstrap: str, services_up: None
) -> None:
    try:
        async with LoadRun(kafka_bootstrap) as run:
            sku = f"CHAOS-{run.run_id}"
            await run.prepare([sku], STOCK)
            load = asyncio.create_task(run.generate(hot_lines(sku), rate=RATE, count=ORDERS))
            await chaos(run)
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
    async with http("reservation", timeout=10) as client:
        availability = (await client.get(f"/v1/availability/{sku}/{run.location}")).json()
    assert Decimal(availability["reserved"]) == Decimal(availability["on_hand"]) == STOCK
