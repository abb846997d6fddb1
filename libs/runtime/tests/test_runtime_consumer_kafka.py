"""The consumer loop against the real broker and database: once-only effects, DLQ, crashes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from aiokafka import TopicPartition
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.topics import dlq
from inventory_runtime.consumer import KafkaConsumerLoop
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import BatchHandler, Subscription
from inventory_runtime.testing import (
    committed_offsets,
    create_test_topics,
    headers_of,
    produce,
    read_topic,
    unique_name,
    wait_until,
)
from inventory_runtime.uow import UnitOfWork
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.integration


class SimulatedCrash(Exception):
    """The process dies right after the database commit, before the offset commit."""


class CrashBeforeOffsetCommit(KafkaConsumerLoop[UnitOfWork]):
    async def _commit_offsets(self, offsets: dict[TopicPartition, int]) -> None:
        raise SimulatedCrash(f"killed before committing {offsets}")


class GatedOffsetCommit(KafkaConsumerLoop[UnitOfWork]):
    """Offset commits wait until the test opens `gate` (a slow broker, say)."""

    gate: asyncio.Event

    async def _commit_offsets(self, offsets: dict[TopicPartition, int]) -> None:
        await self.gate.wait()
        await super()._commit_offsets(offsets)


def consumed(topic: str, outcome: str, event_type: str) -> float:
    labels = {"topic": topic, "type": event_type, "outcome": outcome}
    return REGISTRY.get_sample_value("inventory_messages_consumed_total", labels) or 0.0


def event_value(happened: Any, thing_id: str, *, event_id: str | None = None) -> bytes:
    cloud_event = new_event(happened(thing_id=thing_id), source="/services/test-producer")
    if event_id is not None:
        cloud_event = cloud_event.model_copy(update={"id": event_id})
    return encode(cloud_event)


def start(
    settings: ServiceSettings,
    session_factory: async_sessionmaker[AsyncSession],
    subscription: Subscription[UnitOfWork],
    loop_class: type[KafkaConsumerLoop[UnitOfWork]] = KafkaConsumerLoop,
) -> tuple[KafkaConsumerLoop[UnitOfWork], asyncio.Task[None]]:
    def uow_factory() -> UnitOfWork:
        return UnitOfWork(session_factory, source=settings.event_source)

    loop = loop_class(subscription, settings=settings, uow_factory=uow_factory)
    return loop, asyncio.create_task(loop.run())


async def committed(kafka_bootstrap: str, group: str, topic: str) -> int:
    return (await committed_offsets(kafka_bootstrap, group)).get(TopicPartition(topic, 0), 0)


async def test_same_message_delivered_twice_is_applied_once(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
    handler_factory: Callable[..., BatchHandler[UnitOfWork]],
    effects_of: Callable[..., Awaitable[int]],
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "dup")
    happened, _ = thing_events(topic)
    twice = event_value(happened, "dup-1", event_id=unique_name("evt"))
    await produce(
        kafka_bootstrap,
        topic,
        [(b"dup-1", twice), (b"dup-1", twice), (b"other", event_value(happened, "other"))],
    )
    group = unique_name("group")
    subscription = Subscription(group, [happened], handler_factory())
    loop, task = start(make_settings(), session_factory, subscription)
    try:
        assert await wait_until(lambda: _at(kafka_bootstrap, group, topic, 3))
    finally:
        await loop.stop()
        await task
    assert await effects_of("dup-1") == 1
    assert await effects_of("other") == 1
    assert consumed(topic, "duplicate", happened.event_type) == 1
    lag = REGISTRY.get_sample_value("inventory_consumer_lag", {"topic": topic, "partition": "0"})
    assert lag == 0


async def _at(kafka_bootstrap: str, group: str, topic: str, offset: int) -> bool:
    return await committed(kafka_bootstrap, group, topic) >= offset


async def test_crash_between_db_commit_and_offset_commit_applies_once(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
    handler_factory: Callable[..., BatchHandler[UnitOfWork]],
    effects_of: Callable[..., Awaitable[int]],
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "crash")
    happened, _ = thing_events(topic)
    await produce(kafka_bootstrap, topic, [(b"crash-1", event_value(happened, "crash-1"))])
    group = unique_name("group")
    subscription = Subscription(group, [happened], handler_factory())

    _, task = start(make_settings(), session_factory, subscription, CrashBeforeOffsetCommit)
    with pytest.raises(SimulatedCrash):
        await asyncio.wait_for(task, 30)
    assert await effects_of("crash-1") == 1  # the database commit happened...
    assert await committed(kafka_bootstrap, group, topic) == 0  # ...the offset commit did not

    loop, task = start(make_settings(), session_factory, subscription)  # the restarted process
    try:
        assert await wait_until(lambda: _at(kafka_bootstrap, group, topic, 1))
    finally:
        await loop.stop()
        await task
    assert await effects_of("crash-1") == 1
    assert consumed(topic, "duplicate", happened.event_type) == 1


async def test_poison_messages_go_to_the_dlq_and_the_next_one_is_processed(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
    handler_factory: Callable[..., BatchHandler[UnitOfWork]],
    effects_of: Callable[..., Awaitable[int]],
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "poison")
    happened, _ = thing_events(topic)
    not_json = b'{"specversion": "1.0", "id": '
    poison = event_value(happened, "poison")
    await produce(
        kafka_bootstrap,
        topic,
        [
            (b"bad-bytes", not_json),
            (b"poison", poison),
            (b"good", event_value(happened, "good")),
        ],
    )
    group = unique_name("group")
    subscription = Subscription(group, [happened], handler_factory(fail_on=frozenset({"poison"})))
    loop, task = start(make_settings(), session_factory, subscription)
    try:
        assert await wait_until(lambda: _at(kafka_bootstrap, group, topic, 3))
    finally:
        await loop.stop()
        await task
    assert await effects_of("good") == 1
    assert await effects_of("poison") == 0

    dead = await read_topic(kafka_bootstrap, dlq(topic), count=2)
    assert [(r.key, r.value) for r in dead] == [(b"bad-bytes", not_json), (b"poison", poison)]
    invalid, failed = (headers_of(r) for r in dead)
    assert invalid["dlq-code"] == "invalid_json"
    assert invalid["dlq-reason"]
    assert (invalid["dlq-original-topic"], invalid["dlq-original-partition"]) == (topic, "0")
    assert invalid["dlq-original-offset"] == "0"
    assert invalid["dlq-consumer-group"] == group
    assert failed["dlq-code"] == "handler_error"
    assert failed["dlq-reason"] == "ValueError: cannot apply poison"
    assert failed["dlq-original-offset"] == "1"
    dlq_count = REGISTRY.get_sample_value(
        "inventory_dlq_messages_total", {"topic": topic, "reason": "handler_error"}
    )
    assert dlq_count == 1


async def test_rebalances_lose_nothing_and_apply_nothing_twice(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
    handler_factory: Callable[..., BatchHandler[UnitOfWork]],
    effects_of: Callable[..., Awaitable[int]],
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "rebalance", partitions=4)
    happened, _ = thing_events(topic)
    total = 120
    await produce(
        kafka_bootstrap,
        topic,
        [(f"r-{i}".encode(), event_value(happened, f"r-{i}")) for i in range(total)],
    )
    group = unique_name("group")
    apply = handler_factory()

    async def slow_apply(messages: Sequence[InboundEvent], uow: UnitOfWork) -> None:
        await asyncio.sleep(0.1 * len(messages))  # keep batches in flight during rebalances
        await apply(messages, uow)

    subscription = Subscription(group, [happened], slow_apply)
    settings = make_settings(consumer_max_batch_size=5)
    first, first_task = start(settings, session_factory, subscription)
    second, second_task = None, None
    try:
        assert await wait_until(lambda: _effects_at_least(effects_of, 10))
        second, second_task = start(settings, session_factory, subscription)  # joins: rebalance
        assert await wait_until(lambda: _has_partitions(second), within=30)
        split = (len(first.assignment()), len(second.assignment()))
        assert await effects_of(prefix="r-") < total, "finished before the rebalance"
        await first.stop()  # leaves: rebalance again, the second takes everything
        await first_task
        assert await wait_until(lambda: _all_committed(kafka_bootstrap, group, total), within=60)
    finally:
        await first.stop()
        if second is not None and second_task is not None:
            await second.stop()
            await second_task
    assert split[0] > 0 and split[1] > 0 and sum(split) == 4
    assert await effects_of(prefix="r-") == total
    for i in range(total):
        assert await effects_of(f"r-{i}") == 1


async def _has_partitions(loop: KafkaConsumerLoop[Any]) -> bool:
    return bool(loop.assignment())


async def _effects_at_least(effects_of: Callable[..., Awaitable[int]], count: int) -> bool:
    return await effects_of(prefix="r-") >= count


async def _all_committed(kafka_bootstrap: str, group: str, total: int) -> bool:
    return sum((await committed_offsets(kafka_bootstrap, group)).values()) >= total


async def test_topping_up_a_poll_keeps_each_partitions_order_and_applies_each_once(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "topup")
    happened, _ = thing_events(topic)
    seen: list[str] = []

    async def record_order(events: Sequence[InboundEvent], uow: UnitOfWork) -> None:
        seen.extend(event.data.thing_id for event in events)  # type: ignore[attr-defined]

    group = unique_name("group")
    subscription = Subscription(group, [happened], record_order)
    # Small polls and a long top-up: most polls are topped up, some up to the batch limit.
    settings = make_settings(consumer_max_batch_size=25, consumer_fetch_top_up_ms=100)
    loop, task = start(settings, session_factory, subscription)
    sent = [f"t-{n:03d}" for n in range(150)]
    try:
        for start_at in range(0, len(sent), 30):  # arriving while the loop works
            chunk = sent[start_at : start_at + 30]
            await produce(kafka_bootstrap, topic, [(b"k", event_value(happened, t)) for t in chunk])
        assert await wait_until(lambda: _at(kafka_bootstrap, group, topic, len(sent)))
    finally:
        await loop.stop()
        await task
    assert seen == sent


async def test_a_slow_offset_commit_holds_up_neither_the_next_messages_nor_stop_losing_it(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
    handler_factory: Callable[..., BatchHandler[UnitOfWork]],
    effects_of: Callable[..., Awaitable[int]],
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "slowcommit")
    happened, _ = thing_events(topic)
    group = unique_name("group")
    subscription = Subscription(group, [happened], handler_factory())
    loop, task = start(make_settings(), session_factory, subscription, GatedOffsetCommit)
    assert isinstance(loop, GatedOffsetCommit)
    loop.gate = asyncio.Event()

    async def applied(thing_id: str) -> bool:
        return await effects_of(thing_id) == 1

    await produce(kafka_bootstrap, topic, [(b"k", event_value(happened, "first"))])
    assert await wait_until(lambda: applied("first"))
    await produce(kafka_bootstrap, topic, [(b"k", event_value(happened, "second"))])
    assert await wait_until(lambda: applied("second"))  # while the first commit still hangs
    assert await committed(kafka_bootstrap, group, topic) == 0

    stopping = asyncio.create_task(loop.stop())
    await asyncio.sleep(0.5)
    assert not task.done()  # stop waits for the commit in flight...
    loop.gate.set()
    await stopping
    await task
    assert await committed(kafka_bootstrap, group, topic) == 2  # ...and then it is made
