"""Two instances of every service share the work, and losing one mid-run costs nothing.

The module starts a second instance of each service the way `make up REPLICAS=2` does
(`scripts/services.sh` with REPLICAS=2: NAME-2 on its port + 50, same database and consumer
groups) and stops the ones it started at the end, so `make test` needs no REPLICAS. Then:

* each consumer group's partitions are spread over both instances (each instance's
  `inventory_consumer_assigned_partitions`), every partition held by exactly one of them;
* under load through the whole chain (orders, thresholds, requisitions, approvals, purchase
  orders, the ERP webhook, alert notifications) the second instance of every service is
  stopped mid-run, with SIGTERM and with kill -9: every order gets exactly one outcome, nothing
  is oversold, stock is never negative and the ledger's balances match what was received, each
  planned SKU gets one requisition, one approval request and one purchase order, and every
  webhook and alert notification reaches its receiver once (counted per id there).

Every wait has a deadline and waits for what it needs to see.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator

import pytest
from inventory_contracts.topics import Topics
from inventory_testkit.chain import (
    CHAIN_TOPICS,
    approving,
    chain_figures,
    connect_receivers,
    set_policies,
    wait_chain_done,
)
from inventory_testkit.generation import uniform_lines
from inventory_testkit.kafka import KafkaWatcher, partition_counts
from inventory_testkit.load import LoadRun
from inventory_testkit.platform import PORTS, poll
from inventory_testkit.stack import (
    ConsumerLag,
    assigned_partitions,
    instance_name,
    instance_port,
    pid_file,
    process_exists,
    run_script,
    wait_gone,
    wait_ready,
)
from inventory_testkit.standins import WebhookReceiver

SERVICES = list(PORTS)
SECOND = [instance_name(service, 2) for service in SERVICES]
ORDERS, RATE, SKUS, PLANNED, STOCK = 1_500, 100, 40, 4, 30


def running(instance: str) -> bool:
    path = pid_file(instance)
    return path.exists() and process_exists(int(path.read_text().strip()))


async def start_second_instances() -> None:
    await run_script("services.sh", "start", env={"REPLICAS": "2", "SERVICE_READY_SECONDS": "300"})


@pytest.fixture(scope="module")
async def two_instances(services_up: None) -> AsyncIterator[None]:
    """A second instance of every service for the module; the ones it started, it stops."""
    already = {instance for instance in SECOND if running(instance)}
    await start_second_instances()
    try:
        yield
    finally:
        started = [instance for instance in SECOND if instance not in already]
        if started:
            await run_script("services.sh", "stop", *started)
        await run_script("services.sh", "start")  # the first instances, should one be down
        await wait_ready(timeout=180)


async def spread_problems(partitions: dict[str, int]) -> list[str]:
    """What keeps the groups from being spread over both instances (empty: nothing)."""
    problems = []
    for service in SERVICES:
        first = await assigned_partitions(instance_port(service, 1))
        second = await assigned_partitions(instance_port(service, 2))
        for group_topic in sorted(set(first) | set(second)):
            held = first.get(group_topic, 0) + second.get(group_topic, 0)
            if held != partitions[group_topic[1]]:
                problems.append(f"{service} {group_topic}: {held} held")
        for group in {group for group, _ in first} | {group for group, _ in second}:
            for k, share in ((1, first), (2, second)):
                if not sum(n for (g, _), n in share.items() if g == group):
                    problems.append(f"{instance_name(service, k)} has no partition of {group}")
    return problems


async def test_every_groups_partitions_are_spread_over_both_instances(
    kafka_bootstrap: str, two_instances: None
) -> None:
    partitions = await partition_counts(kafka_bootstrap, Topics.ALL)
    problems = await poll(
        lambda: spread_problems(partitions),
        lambda problems: problems == [],
        timeout=120,
        what="every group's partitions spread over both instances",
    )
    assert problems == []


@pytest.fixture
def receivers() -> Iterator[tuple[WebhookReceiver, WebhookReceiver]]:
    """A fresh ERP and chat receiver per run, so what they count is this run's."""
    erp, chat = WebhookReceiver(), WebhookReceiver()
    erp.start()
    chat.start()
    yield erp, chat
    erp.stop()
    chat.stop()


async def stop_second_instances(how: signal.Signals) -> None:
    """SIGTERM: as services.sh stops them (graceful, waits); SIGKILL: no goodbye."""
    if how is signal.SIGTERM:
        await run_script("services.sh", "stop", *SECOND)
        return
    pids = [int(pid_file(instance).read_text().strip()) for instance in SECOND]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    for pid in pids:
        await wait_gone(pid)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
async def test_stopping_one_instance_mid_run_loses_duplicates_and_oversells_nothing(
    kafka_bootstrap: str,
    two_instances: None,
    receivers: tuple[WebhookReceiver, WebhookReceiver],
    how: signal.Signals,
) -> None:
    erp, chat = receivers
    await start_second_instances()  # again, after the previous run stopped them
    watcher = KafkaWatcher(kafka_bootstrap, CHAIN_TOPICS)
    await watcher.start()
    try:
        async with LoadRun(kafka_bootstrap) as run:
            skus = [f"SCALE-{run.run_id}-{i:02}" for i in range(SKUS)]
            planned = skus[:PLANNED]
            await connect_receivers(erp, chat)
            await run.prepare(skus, STOCK)
            await set_policies(run, planned, reorder_point=STOCK - 3)
            async with approving(watcher, planned):
                lines = uniform_lines(skus, seed=18)
                load = asyncio.create_task(run.generate(lines, rate=RATE, count=ORDERS))
                await poll(
                    lambda: len(run.outcomes.first_seen),
                    lambda answered: answered >= ORDERS // 4,
                    timeout=120,
                    what="a quarter of the orders answered before the stop",
                )
                await stop_second_instances(how)
                started = await load
                await run.drain(idle_timeout=120, cap=400)
                await wait_chain_done(watcher, erp, chat, planned)
                async with ConsumerLag(kafka_bootstrap) as lag:
                    await lag.wait_caught_up(["stock-ledger", "reservation"], timeout=180)
            figures = await chain_figures(run, watcher, erp, chat, planned)
            result = run.result("uniform", how.name, RATE, started)
    finally:
        await watcher.stop()

    assert result.orders == ORDERS
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
