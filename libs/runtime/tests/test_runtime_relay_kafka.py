"""The outbox relay against the real broker and database."""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from inventory_contracts.envelope import decode
from inventory_runtime.context import message_context
from inventory_runtime.db import inbox_table, outbox_table
from inventory_runtime.relay import OutboxRelay
from inventory_runtime.relay_sql import RELAY_LOCK_KEY
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.testing import (
    create_test_topics,
    headers_of,
    read_topic,
    recorded_statements,
    unique_name,
    wait_until,
)
from inventory_runtime.uow import UnitOfWork
from prometheus_client import REGISTRY
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[3]


class Rollback(Exception):
    pass


async def publish(
    session_factory: async_sessionmaker[AsyncSession], source: str, events: list[Any]
) -> None:
    async with UnitOfWork(session_factory, source=source) as uow:
        for event in events:
            uow.publish(event)
        await uow.commit()


async def unpublished(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        query = select(func.count()).where(outbox_table.c.published_at.is_(None))
        return int(await session.scalar(query) or 0)


def running(relays: list[OutboxRelay]) -> list[asyncio.Task[None]]:
    return [asyncio.create_task(relay.run()) for relay in relays]


async def stop(relays: list[OutboxRelay], tasks: list[asyncio.Task[None]]) -> None:
    for relay in relays:
        await relay.stop()
    await asyncio.gather(*tasks)


async def test_rolled_back_outbox_write_publishes_nothing(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "rollback")
    happened, _ = thing_events(topic)
    settings = make_settings()
    with pytest.raises(Rollback):
        async with UnitOfWork(session_factory, source=settings.event_source) as uow:
            uow.publish(happened(thing_id="rolled-back"))
            await uow.session.execute(select(1))
            raise Rollback
    async with UnitOfWork(session_factory, source=settings.event_source) as uow:
        uow.publish(happened(thing_id="never-committed"))  # left without commit
    await publish(session_factory, settings.event_source, [happened(thing_id="committed")])

    relays = [OutboxRelay(session_factory, settings)]
    tasks = running(relays)
    try:
        assert await wait_until(lambda: _none_left(session_factory))
        records = await read_topic(kafka_bootstrap, topic, count=3, within=3.0)
    finally:
        await stop(relays, tasks)
    assert [r.key for r in records] == [b"committed"]


async def _none_left(session_factory: async_sessionmaker[AsyncSession]) -> bool:
    return await unpublished(session_factory) == 0


async def test_published_messages_carry_key_headers_ids_and_keep_per_key_order(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "order", partitions=3)
    happened, _ = thing_events(topic)
    settings = make_settings(relay_batch_size=7)  # several rounds, split across keys
    events = [happened(thing_id=f"k{i % 4}", note=str(i)) for i in range(40)]
    with message_context(correlation_id="flow-1", causation_id="cause-1"):
        await publish(session_factory, settings.event_source, events[:20])
    await publish(session_factory, settings.event_source, events[20:])

    # Two relays at once: each row must still be published exactly once and in key order.
    relays = [OutboxRelay(session_factory, settings), OutboxRelay(session_factory, settings)]
    tasks = running(relays)
    try:
        records = await read_topic(kafka_bootstrap, topic, count=40)
        await asyncio.sleep(1.0)  # anything published twice would show up now
        records = await read_topic(kafka_bootstrap, topic, count=41, within=2.0)
    finally:
        await stop(relays, tasks)

    assert len(records) == 40
    by_key: dict[bytes, list[int]] = {}
    for record in records:
        cloud_event = decode(record.value)
        note = int(str(cloud_event.data["note"]))
        assert record.key == str(cloud_event.data["thing_id"]).encode()
        assert headers_of(record)["content-type"].startswith("application/cloudevents+json")
        assert headers_of(record)["event-type"] == happened.event_type
        assert cloud_event.source == "/services/runtime-test"
        expected_flow = "flow-1" if note < 20 else None
        assert cloud_event.correlationid == expected_flow
        by_key.setdefault(record.key, []).append(note)
    assert by_key == {f"k{k}".encode(): list(range(k, 40, 4)) for k in range(4)}
    produced = REGISTRY.get_sample_value(
        "inventory_messages_produced_total", {"topic": topic, "type": happened.event_type}
    )
    assert produced == 40
    assert await wait_until(_depth_is_zero)


async def test_a_missing_topic_holds_back_only_its_own_events(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "healthy")
    lost_topic_event, _ = thing_events(unique_name("test.never-created"))
    happened, _ = thing_events(topic)
    settings = make_settings(relay_send_timeout_ms=1000)
    await publish(
        session_factory,
        settings.event_source,
        [lost_topic_event(thing_id="stuck"), happened(thing_id="flows")],
    )
    relays = [OutboxRelay(session_factory, settings)]
    tasks = running(relays)
    try:
        records = await read_topic(kafka_bootstrap, topic, count=1, within=30)
    finally:
        await stop(relays, tasks)
    assert [r.key for r in records] == [b"flows"]
    assert await unpublished(session_factory) == 1  # kept for when the topic exists
    async with session_factory() as session, session.begin():  # don't leave it to other tests
        await session.execute(delete(outbox_table).where(outbox_table.c.published_at.is_(None)))


async def _depth_is_zero() -> bool:
    return REGISTRY.get_sample_value("inventory_outbox_depth") == 0


def _broker_command(action: str) -> list[str]:
    configured = os.getenv(f"KAFKA_{action.upper()}_COMMAND")
    if configured:
        return shlex.split(configured)
    return ["bash", str(REPO_ROOT / "scripts" / "kafka.sh"), action]


@pytest.mark.skipif(
    not (os.getenv("CI") or os.getenv("INVENTORY_BROKER_RESTART_TESTS")),
    reason="stops the shared local broker; runs in CI or with INVENTORY_BROKER_RESTART_TESTS=1",
)
async def test_relay_survives_a_broker_restart_without_losing_events(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "restart", partitions=3)
    happened, _ = thing_events(topic)
    settings = make_settings(relay_send_timeout_ms=5000, consumer_retry_backoff_cap_seconds=1.0)
    relays = [OutboxRelay(session_factory, settings)]
    tasks = running(relays)
    try:
        await publish(session_factory, settings.event_source, [happened(thing_id="before")])
        assert await wait_until(lambda: _none_left(session_factory))

        await asyncio.to_thread(subprocess.run, _broker_command("stop"), check=True)
        try:
            during = [happened(thing_id=f"during-{i % 3}", note=str(i)) for i in range(30)]
            await publish(session_factory, settings.event_source, during)
            await asyncio.sleep(3)  # the relay tries, fails and backs off meanwhile
            assert await unpublished(session_factory) == 30
        finally:
            await asyncio.to_thread(subprocess.run, _broker_command("start"), check=True)

        assert await wait_until(lambda: _none_left(session_factory), within=90)
    finally:
        await stop(relays, tasks)
    records = await read_topic(kafka_bootstrap, topic, count=31, within=30)
    notes = [(r.key, str(decode(r.value).data["note"])) for r in records]
    assert sorted(n for k, n in notes if k != b"before") == sorted(str(i) for i in range(30))
    for key in (b"during-0", b"during-1", b"during-2"):
        sent = [int(n) for k, n in notes if k == key]
        assert sent == sorted(sent), f"{key!r} out of order: {sent}"


async def test_each_key_lands_on_the_partition_a_plain_producer_picks(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    """Rows go out in record batches per partition; a key's partition must still be the one
    every Kafka client computes (murmur2), or events of one key sent by another producer (an
    ERP, the console producer) would be ordered apart from ours."""
    relayed, plain = await create_test_topics(kafka_bootstrap, "relayed", "plain", partitions=5)
    happened, _ = thing_events(relayed)
    keys = [f"SKU-{i:05d}@WH-{i % 3}" for i in range(60)]
    settings = make_settings(relay_batch_size=1000)
    await publish(session_factory, settings.event_source, [happened(thing_id=k) for k in keys])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for key in keys:
            await producer.send_and_wait(plain, b"{}", key=key.encode())
    finally:
        await producer.stop()

    relays = [OutboxRelay(session_factory, settings)]
    tasks = running(relays)
    try:
        ours = await read_topic(kafka_bootstrap, relayed, count=len(keys))
    finally:
        await stop(relays, tasks)
    theirs = await read_topic(kafka_bootstrap, plain, count=len(keys))

    assert len(ours) == len(keys)
    assert {r.key: r.partition for r in ours} == {r.key: r.partition for r in theirs}
    assert len({r.partition for r in ours}) > 1


async def test_without_retention_a_published_row_is_deleted_once_kafka_has_it(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "no-retention")
    happened, _ = thing_events(topic)
    settings = make_settings(relay_retention_hours=0)
    await publish(
        session_factory, settings.event_source, [happened(thing_id=f"t{i}") for i in range(5)]
    )

    relays = [OutboxRelay(session_factory, settings)]
    tasks = running(relays)
    try:
        records = await read_topic(kafka_bootstrap, topic, count=5)
        assert await wait_until(lambda: _rows_left(session_factory, 0))
    finally:
        await stop(relays, tasks)
    assert [r.key for r in records] == [f"t{i}".encode() for i in range(5)]


async def test_a_round_takes_the_lock_and_its_rows_in_one_statement(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "one-statement")
    happened, _ = thing_events(topic)
    settings = make_settings(relay_retention_hours=0)
    await publish(
        session_factory, settings.event_source, [happened(thing_id=f"r{i}") for i in range(40)]
    )
    relay = OutboxRelay(session_factory, settings)
    try:
        with recorded_statements(session_factory.kw["bind"]) as sent:
            published = await relay.publish_pending()
            nothing_left = await relay.publish_pending()
    finally:
        await relay.stop()
        await relay.run()  # stopped: closes the producer
    records = await read_topic(kafka_bootstrap, topic, count=40)

    assert (published, nothing_left) == (40, 0)
    assert [r.key for r in records] == [f"r{i}".encode() for i in range(40)]
    # Lock and rows, then delete them; a round that finds nothing is the one statement.
    assert len(sent) == 3, sent
    assert await _rows_left(session_factory, 0)


async def _rows_left(session_factory: async_sessionmaker[AsyncSession], expected: int) -> bool:
    async with session_factory() as session:
        rows = await session.scalar(select(func.count()).select_from(outbox_table))
        return rows == expected


async def test_inbox_entries_past_their_retention_are_purged_and_recent_ones_kept(
    make_settings: Callable[..., ServiceSettings], session_factory: async_sessionmaker[AsyncSession]
) -> None:
    settings = make_settings(inbox_retention_hours=168)
    ages = {"purge-old": 200, "purge-recent": 1}  # hours since processed
    async with session_factory() as session, session.begin():
        for event_id, hours in ages.items():
            await session.execute(
                insert(inbox_table).values(
                    consumer="purge-test",
                    event_id=event_id,
                    processed_at=func.now() - timedelta(hours=hours),
                )
            )

    async def kept() -> set[str]:
        async with session_factory() as session:
            rows = await session.scalars(
                select(inbox_table.c.event_id).where(inbox_table.c.consumer == "purge-test")
            )
            return set(rows)

    relays = [OutboxRelay(session_factory, settings)]
    tasks = running(relays)
    try:
        assert await wait_until(lambda: _is(kept(), {"purge-recent"}))
    finally:
        await stop(relays, tasks)


async def _is(current: Awaitable[set[str]], expected: set[str]) -> bool:
    return await current == expected


async def test_a_commit_with_events_wakes_the_relay_before_its_next_poll(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "wake")
    happened, _ = thing_events(topic)
    # A poll interval far beyond read_topic's patience: only the wake-up can publish in time.
    settings = make_settings(relay_poll_interval_seconds=600, relay_stats_interval_seconds=600)
    relay = OutboxRelay(session_factory, settings)
    tasks = running([relay])
    woken: list[str] = []

    def wake() -> None:
        woken.append("after commit")
        relay.notify()

    try:
        assert await wait_until(lambda: _none_unpublished(session_factory))  # first round done
        async with UnitOfWork(session_factory, source="/t", on_published=wake) as uow:
            await uow.commit()  # nothing to publish: no wake-up
        assert woken == []
        async with UnitOfWork(session_factory, source="/t", on_published=wake) as uow:
            uow.publish(happened(thing_id="woken"))
            await uow.commit()
        assert woken == ["after commit"]
        records = await read_topic(kafka_bootstrap, topic, count=1, within=20)
    finally:
        await stop([relay], tasks)
    assert [r.key for r in records] == [b"woken"]


async def _none_unpublished(session_factory: async_sessionmaker[AsyncSession]) -> bool:
    return await unpublished(session_factory) == 0


class StuckMaintenance(OutboxRelay):
    """Maintenance whose statistics scan never returns (a huge, bloated outbox, say)."""

    async def _maintain(self) -> None:
        await asyncio.Event().wait()


async def test_slow_maintenance_does_not_hold_up_publishing_or_stop(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "stuck")
    happened, _ = thing_events(topic)
    relay = StuckMaintenance(session_factory, make_settings(relay_poll_interval_seconds=0.05))
    tasks = running([relay])
    try:
        await publish(session_factory, "/t", [happened(thing_id="despite-maintenance")])
        records = await read_topic(kafka_bootstrap, topic, count=1, within=20)
    finally:
        await asyncio.wait_for(stop([relay], tasks), 10)
    assert [r.key for r in records] == [b"despite-maintenance"]


async def test_a_relay_that_finds_another_publishing_tries_again_soon(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
    thing_events: Any,
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "lockbusy")
    happened, _ = thing_events(topic)
    settings = make_settings(relay_poll_interval_seconds=600, relay_stats_interval_seconds=600)
    relay = OutboxRelay(session_factory, settings)
    tasks = running([relay])
    try:
        assert await wait_until(lambda: _none_unpublished(session_factory))  # first round done
        async with session_factory() as other_relay, other_relay.begin():  # holds the lock...
            await other_relay.execute(select(func.pg_advisory_xact_lock(RELAY_LOCK_KEY)))
            async with UnitOfWork(session_factory, source="/t", on_published=relay.notify) as uow:
                uow.publish(happened(thing_id="after-the-other"))
                await uow.commit()  # ...while our rows commit and wake our relay
            await asyncio.sleep(0.3)
        # Not the 600 s poll: the relay looked again as soon as the lock was free.
        records = await read_topic(kafka_bootstrap, topic, count=1, within=20)
    finally:
        await stop([relay], tasks)
    assert [r.key for r in records] == [b"after-the-other"]
