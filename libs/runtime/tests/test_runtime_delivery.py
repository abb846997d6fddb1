"""The outbound delivery worker against the real PostgreSQL server: send, record, back off,
give up, and share the work between workers without sending anything twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from inventory_runtime.delivery import (
    DeliveryFailed,
    DeliveryTuning,
    DeliveryWorker,
    OutboundQueue,
    Outcome,
)
from inventory_runtime.retry import RetryPolicy
from inventory_runtime.testing import wait_until
from sqlalchemy import (
    TIMESTAMP,
    BigInteger,
    Column,
    Integer,
    MetaData,
    Row,
    Table,
    Text,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.integration

webhooks = Table(
    "webhook_deliveries",
    MetaData(),
    Column("id", BigInteger, primary_key=True),  # bigserial
    Column("target", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", TIMESTAMP(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Column("done_at", TIMESTAMP(timezone=True)),
    Column("last_status_code", Integer),
)
"""A queue table of the shape the worker expects (the gateway's and alerting's look alike)."""

ONE_MINUTE = RetryPolicy(max_attempts=3, base_seconds=60, cap_seconds=600)


@dataclass(frozen=True)
class Webhook:
    """What a claimed row is sent as."""

    delivery_id: int
    target: str


@pytest.fixture
async def sessions(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's fresh database, with an empty queue table."""
    async with session_factory() as session, session.begin():
        await session.run_sync(lambda sync: webhooks.create(sync.connection(), checkfirst=True))
        await session.execute(text(f"TRUNCATE {webhooks.name} RESTART IDENTITY"))
    yield session_factory


QUEUE = OutboundQueue(
    table=webhooks,
    claimable=select(webhooks.c.id, webhooks.c.attempts, webhooks.c.target),
    to_item=lambda row: Webhook(row.id, row.target),
    done=lambda now: {"status": "sent", "done_at": now},
    status_code_column="last_status_code",
)


@dataclass
class Observed:
    """What the worker reported through its callbacks."""

    outcomes: list[tuple[Webhook, Outcome]]
    pending: list[int]


def worker(
    sessions: async_sessionmaker[AsyncSession],
    send: Callable[[Webhook], Awaitable[int | None]],
    *,
    retry: RetryPolicy = ONE_MINUTE,
    timeout_seconds: float = 5.0,
    batch_size: int = 10,
) -> tuple[DeliveryWorker[Webhook], Observed]:
    observed = Observed([], [])

    def on_outcome(item: Webhook, outcome: Outcome, seconds: float) -> None:
        assert seconds >= 0
        observed.outcomes.append((item, outcome))

    tuning = DeliveryTuning(batch_size, 0.05, timeout_seconds, retry)
    built = DeliveryWorker(
        sessions, QUEUE, send, tuning, on_outcome=on_outcome, on_pending=observed.pending.append
    )
    return built, observed


async def add(
    sessions: async_sessionmaker[AsyncSession], *targets: str, due_in: timedelta | None = None
) -> list[int]:
    """Queue one delivery per target (due now, or after `due_in`); return their ids."""
    values: list[dict[str, Any]] = [{"target": target} for target in targets]
    if due_in is not None:
        for value in values:
            value["next_attempt_at"] = datetime.now(UTC) + due_in
    async with sessions() as session, session.begin():
        ids = await session.scalars(insert(webhooks).returning(webhooks.c.id), values)
        return list(ids)


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[Row[Any]]:
    async with sessions() as session:
        return list((await session.execute(select(webhooks).order_by(webhooks.c.id))).all())


async def make_due(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Time passes: every waiting delivery is due."""
    async with sessions() as session, session.begin():
        await session.execute(update(webhooks).values(next_attempt_at=func.now()))


async def test_a_sent_item_is_recorded_done_with_its_status_code(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    (delivery_id,) = await add(sessions, "https://erp.example/hook")
    sent: list[Webhook] = []

    async def send(item: Webhook) -> int:
        sent.append(item)
        return 204

    deliveries, observed = worker(sessions, send)
    before = datetime.now(UTC)
    assert await deliveries.deliver_due() == 1
    assert await deliveries.deliver_due() == 0, "sent once"

    item = Webhook(delivery_id, "https://erp.example/hook")
    assert sent == [item]
    (row,) = await rows(sessions)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
        "sent",
        1,
        204,
        None,
    )
    assert before <= row.done_at <= datetime.now(UTC)
    assert observed.outcomes == [(item, "done")]
    assert observed.pending == [0, 0]


async def test_a_refused_item_is_tried_again_after_the_backoff_keeping_the_error(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, "https://erp.example/hook")
    reason = "HTTP 503: " + "busy " * 200

    async def refuse(item: Webhook) -> int:
        raise DeliveryFailed(reason, status_code=503)

    deliveries, observed = worker(sessions, refuse)
    before = datetime.now(UTC)
    assert await deliveries.deliver_due() == 1
    after = datetime.now(UTC)
    assert await deliveries.deliver_due() == 0, "not due again before the backoff"

    (row,) = await rows(sessions)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 503)
    assert row.last_error == reason[:500]
    # First retry: between half the base and the base (60 s) later.
    assert before + timedelta(seconds=30) <= row.next_attempt_at <= after + timedelta(seconds=60)
    assert [outcome for _, outcome in observed.outcomes] == ["retry"]
    assert observed.pending == [1, 1]


async def test_a_channel_failure_of_any_kind_is_retried_with_its_error(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, "https://erp.example/hook")

    async def unreachable(item: Webhook) -> int:
        raise ConnectionError("connection refused " + "x" * 1000)

    deliveries, observed = worker(sessions, unreachable)
    assert await deliveries.deliver_due() == 1

    (row,) = await rows(sessions)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, None)
    assert row.last_error.startswith("ConnectionError: connection refused")
    assert len(row.last_error) == 500
    assert row.next_attempt_at > datetime.now(UTC)
    assert [outcome for _, outcome in observed.outcomes] == ["retry"]


async def test_after_max_attempts_the_item_is_left_failed_with_its_last_error(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, "https://erp.example/hook")
    codes = iter([500, 502])

    async def failing(item: Webhook) -> int:
        code = next(codes)
        raise DeliveryFailed(f"HTTP {code}", status_code=code)

    deliveries, observed = worker(sessions, failing, retry=RetryPolicy(2, 60, 600))
    assert await deliveries.deliver_due() == 1
    await make_due(sessions)
    assert await deliveries.deliver_due() == 1
    await make_due(sessions)
    assert await deliveries.deliver_due() == 0, "a failed item is not tried again"

    (row,) = await rows(sessions)
    assert (row.status, row.attempts, row.last_status_code) == ("failed", 2, 502)
    assert (row.last_error, row.done_at) == ("HTTP 502", None)
    assert [outcome for _, outcome in observed.outcomes] == ["retry", "failed"]
    assert observed.pending == [1, 0, 0]


async def test_two_workers_running_together_never_send_an_item_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    queued = await add(sessions, *(f"https://erp.example/hook/{n}" for n in range(40)))
    sent: dict[str, list[int]] = {"a": [], "b": []}

    def sender(name: str) -> Callable[[Webhook], Awaitable[int]]:
        async def send(item: Webhook) -> int:
            await asyncio.sleep(0.02)
            sent[name].append(item.delivery_id)
            return 200

        return send

    first, _ = worker(sessions, sender("a"))
    second, _ = worker(sessions, sender("b"))
    while sum(await asyncio.gather(first.deliver_due(), second.deliver_due())):
        pass

    assert sorted(sent["a"] + sent["b"]) == queued
    assert len(sent["a"]) >= 10 and len(sent["b"]) >= 10, "both took a share"
    assert {(row.status, row.attempts) for row in await rows(sessions)} == {("sent", 1)}


async def test_an_item_being_sent_is_not_claimed_by_another_worker(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, "https://slow.example/hook")
    started, release = asyncio.Event(), asyncio.Event()
    sent: list[Webhook] = []

    async def slow(item: Webhook) -> int:
        started.set()
        await release.wait()
        sent.append(item)
        return 200

    first, _ = worker(sessions, slow)
    second, _ = worker(sessions, slow)
    round_in_flight = asyncio.create_task(first.deliver_due())
    await asyncio.wait_for(started.wait(), 10)
    assert await second.deliver_due() == 0, "the claim's lease keeps it from the other worker"
    release.set()
    assert await round_in_flight == 1
    assert len(sent) == 1


async def test_an_item_not_yet_due_is_not_claimed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, "https://erp.example/hook", due_in=timedelta(hours=1))
    sent: list[Webhook] = []

    async def send(item: Webhook) -> int:
        sent.append(item)
        return 200

    deliveries, observed = worker(sessions, send)
    assert await deliveries.deliver_due() == 0
    assert sent == []
    (row,) = await rows(sessions)
    assert (row.status, row.attempts) == ("pending", 0)
    assert observed.pending == [1], "waiting items count as pending"


async def test_a_send_slower_than_the_timeout_counts_as_a_failure(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, "https://stuck.example/hook")

    async def stuck(item: Webhook) -> int:
        await asyncio.sleep(60)
        return 200

    deliveries, observed = worker(sessions, stuck, timeout_seconds=0.2)
    async with asyncio.timeout(10):
        assert await deliveries.deliver_due() == 1

    (row,) = await rows(sessions)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("TimeoutError")
    assert [outcome for _, outcome in observed.outcomes] == ["retry"]


async def test_run_keeps_delivering_what_is_queued_until_cancelled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def send(item: Webhook) -> int:
        return 200

    deliveries, observed = worker(sessions, send)
    running = asyncio.create_task(deliveries.run())
    try:
        await add(sessions, "https://erp.example/hook/1", "https://erp.example/hook/2")

        async def all_sent() -> bool:
            return {row.status for row in await rows(sessions)} == {"sent"}

        assert await wait_until(all_sent, within=10, interval=0.05)
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
    assert sorted(item.target for item, _ in observed.outcomes) == [
        "https://erp.example/hook/1",
        "https://erp.example/hook/2",
    ]
