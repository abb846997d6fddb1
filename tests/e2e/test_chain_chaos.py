"""Chaos through the whole chain under load: every service killed (-9) in turn and restarted,
then PostgreSQL restarted, then the broker. Afterwards every order has exactly one outcome,
nothing is oversold, the ledger's balances match, every planned SKU has one requisition, one
approval request and one purchase order, and the ERP webhook and the alert notifications each
reached their receiver once (counted per id at the receivers).

Orders keep going out the whole time (in rounds, until the chaos is over); the requisitions'
approvals come from an approver task that retries through the restarts. Restarting PostgreSQL
and the broker disturbs everyone on a shared local stack, so (as test_reservation_chaos) those
two steps run in CI or with INVENTORY_BROKER_RESTART_TESTS=1 (`make test` sets it); the kills
always run. Whatever happens, the test leaves PostgreSQL, the broker and all services running
and ready. Every step waits for what it needs to see, each with a deadline.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest
from inventory_testkit.chain import (
    CHAIN_TOPICS,
    approving,
    chain_figures,
    connect_receivers,
    set_policies,
    wait_chain_done,
)
from inventory_testkit.generation import uniform_lines
from inventory_testkit.kafka import KafkaWatcher
from inventory_testkit.load import LoadRun
from inventory_testkit.platform import PORTS, poll
from inventory_testkit.stack import kill_hard, refuses_connections, run_script, wait_ready
from inventory_testkit.standins import WebhookReceiver

SLOW_START = {"SERVICE_READY_SECONDS": "300"}  # imports alone took 2 min at load 25 (niced)
RESTART_INFRA = bool(os.getenv("CI") or os.getenv("INVENTORY_BROKER_RESTART_TESTS"))
RATE, SKUS, PLANNED, STOCK = 20, 30, 6, 40
PG_ADDRESS = f"{os.getenv('PG_HOST', '127.0.0.1')}:{os.getenv('PG_PORT', '5432')}"


async def restore_stack() -> None:
    """PostgreSQL, the broker and every service up and ready (starting only what is not)."""
    await run_script("postgres.sh", "start")
    await run_script("kafka.sh", "start")
    await run_script("services.sh", "start", env=SLOW_START)
    await wait_ready(timeout=300)


async def restart(script: str, address: str) -> None:
    """Stop the broker or PostgreSQL, see it refuse connections, start it again."""
    await run_script(script, "stop")
    await poll(lambda: refuses_connections(address), bool, timeout=60, what=f"{script} to be down")
    await run_script(script, "start")


async def answered_more(run: LoadRun, what: str) -> None:
    """Until more orders are answered than now (the stack is working again)."""
    before = len(run.outcomes.first_seen)
    await poll(lambda: len(run.outcomes.first_seen) > before, bool, timeout=300, what=what)


async def chaos(run: LoadRun, bootstrap: str) -> None:
    """Each service killed and restarted in turn once orders are being answered; then the
    database and the broker, if allowed."""
    for service in PORTS:
        await answered_more(run, f"orders answered before killing {service}")
        await kill_hard(service)
        await run_script("services.sh", "start", service, env=SLOW_START)
        await wait_ready([service], timeout=300)
    if RESTART_INFRA:
        await restart("postgres.sh", PG_ADDRESS)
        await restart("kafka.sh", bootstrap)


async def orders_until(done: asyncio.Task[None], run: LoadRun, skus: list[str]) -> float:
    """Orders at RATE, in rounds of 10 s, until `done` has finished; returns the start."""
    lines = uniform_lines(skus, seed=5)
    started = await run.generate(lines, rate=RATE, count=RATE * 10)
    while not done.done():
        await run.generate(lines, rate=RATE, count=RATE * 10)
    return started


@pytest.fixture
def receivers() -> Iterator[tuple[WebhookReceiver, WebhookReceiver]]:
    erp, chat = WebhookReceiver(), WebhookReceiver()
    erp.start()
    chat.start()
    yield erp, chat
    erp.stop()
    chat.stop()


@pytest.mark.timeout(1200)
async def test_whole_chain_survives_kills_and_restarts_with_exactly_one_of_everything(
    kafka_bootstrap: str,
    services_up: None,
    receivers: tuple[WebhookReceiver, WebhookReceiver],
) -> None:
    erp, chat = receivers
    watcher = KafkaWatcher(kafka_bootstrap, CHAIN_TOPICS)
    await watcher.start()
    try:
        async with LoadRun(kafka_bootstrap) as run:
            skus = [f"CHAIN-{run.run_id}-{i:02}" for i in range(SKUS)]
            planned = skus[:PLANNED]
            await connect_receivers(erp, chat)
            await run.prepare(skus, STOCK)
            await set_policies(run, planned, reorder_point=STOCK - 3)
            async with approving(watcher, planned):
                trouble = asyncio.create_task(chaos(run, kafka_bootstrap))
                started = await orders_until(trouble, run, skus)
                await trouble  # raises what went wrong in the chaos itself
                await run.drain(idle_timeout=200, cap=420)
                await wait_chain_done(watcher, erp, chat, planned)
            figures = await chain_figures(run, watcher, erp, chat, planned)
            result = run.result("uniform", "chain chaos", RATE, started)
    finally:
        await watcher.stop()
        await restore_stack()

    assert result.orders_without_outcome == 0, "every order has an outcome"
    assert result.orders_with_duplicate_outcome == 0, "no order has two"
    assert result.units_oversold == 0
    assert figures.balances_off == [], "ledger, reservation and receipts agree; none negative"
    assert figures.requisitions == dict.fromkeys(planned, 1), "one requisition per SKU"
    assert figures.approval_requests == dict.fromkeys(planned, 1)
    assert figures.purchase_orders == dict.fromkeys(planned, 1), "one purchase order per SKU"
    assert set(figures.erp_posts.values()) == {1}, f"each PO sent once: {figures.erp_posts}"
    assert all(figures.alerts_per_sku.values())
    assert set(figures.alert_posts.values()) == {1}, f"each alert once: {figures.alert_posts}"
