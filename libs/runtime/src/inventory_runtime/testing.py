"""Pytest plugin and helpers for integration tests against a real broker and database.

Load it from the root ``conftest.py`` with ``pytest_plugins = ["inventory_runtime.testing"]``.

Session fixtures `kafka_bootstrap` and `database_url` find the services in this order:
the environment (``KAFKA_BOOTSTRAP_SERVERS``; ``TEST_DATABASE_URL`` or ``DATABASE_URL``), the
local stack on its default ports, testcontainers when a Docker engine answers; otherwise the
test fails with the command that starts the local stack.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.kafka_admin import ensure_topics

# Every app a test builds in-process trusts the test issuer (`inventory_runtime.auth.testing`);
# set before any settings are built. The running stack (`make up`) keeps the built-in issuer:
# what these variables said before is kept, for restarting the stack's services from a test.
ENVIRONMENT_BEFORE_TEST_ISSUER = {k: os.environ.get(k) for k in TEST_ISSUER.environment()}
os.environ.update(TEST_ISSUER.environment())

START_STACK = "make infra-up"
LOCAL_KAFKA = "127.0.0.1:9092"
LOCAL_DATABASE_URL = "postgresql+asyncpg://inventory:inventory@127.0.0.1:5432/inventory_test"


def _reachable(host_port: str, timeout: float = 1.0) -> bool:
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def _docker_available() -> bool:
    try:
        import docker  # testcontainers depends on it

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


def _not_reachable(what: str, where: str) -> str:
    return (
        f"{what} is not reachable at {where}. Start the local stack with `{START_STACK}` "
        f"(or `make up`), or run a Docker engine so testcontainers can start one."
    )


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap servers of a real Kafka broker (auto topic creation may be off)."""
    configured = os.getenv("KAFKA_BOOTSTRAP_SERVERS")
    candidate = configured or LOCAL_KAFKA
    if _reachable(candidate.split(",")[0]):
        yield candidate
        return
    if configured is None and _docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    pytest.fail(_not_reachable("Kafka", candidate), pytrace=False)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """``postgresql+asyncpg://`` URL of a real PostgreSQL server whose role may create databases.

    Tests should not write to this database directly: derive one per module with
    `fresh_database`.
    """
    configured = os.getenv("TEST_DATABASE_URL") or os.getenv("DATABASE_URL")
    candidate = configured or LOCAL_DATABASE_URL
    url = make_url(candidate)
    if _reachable(f"{url.host or '127.0.0.1'}:{url.port or 5432}"):
        yield candidate
        return
    if configured is None and _docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:15", driver="asyncpg") as container:
            yield container.get_connection_url()
        return
    pytest.fail(_not_reachable("PostgreSQL", url.render_as_string()), pytrace=False)


def unique_name(prefix: str) -> str:
    """`prefix` plus a short random suffix: topic, group and database names that don't collide."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _database_name(base: str, name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_]+", "_", f"{base}_{name}".lower()).strip("_")
    return cleaned[:63]


async def fresh_database(database_url: str, name: str) -> str:
    """Drop and recreate database ``<base>_<name>`` on the server of `database_url`.

    Returns its URL (same role, password and driver). Use one per test module.
    """
    url = make_url(database_url)
    target = _database_name(url.database or "inventory_test", name)
    connection = await asyncpg.connect(_asyncpg_dsn(database_url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{target}"')
    finally:
        await connection.close()
    return url.set(database=target).render_as_string(hide_password=False)


async def drop_database(database_url: str) -> None:
    """Drop the database `database_url` points at (closing other sessions on it)."""
    name = make_url(database_url).database
    connection = await asyncpg.connect(_asyncpg_dsn(database_url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def _asyncpg_dsn(database_url: str, database: str) -> str:
    url = make_url(database_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


async def create_test_topics(
    kafka_bootstrap: str, *prefixes: str, partitions: int = 1
) -> list[str]:
    """Create one uniquely named topic per prefix (and its ``.dlq``); return their names."""
    topics = [unique_name(f"test.{prefix}") for prefix in prefixes]
    await ensure_topics(kafka_bootstrap, dict.fromkeys(topics, partitions))
    return topics


async def read_topic(
    kafka_bootstrap: str, topic: str, *, count: int, within: float = 20.0
) -> list[ConsumerRecord[Any, Any]]:
    """Read `topic` from the beginning until `count` records arrived or `within` seconds passed.

    Returns what arrived (possibly fewer than `count`: assert on it); order is kept per
    partition.
    """
    # Without a group the consumer is assigned every partition of the topic.
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    records: list[ConsumerRecord[Any, Any]] = []
    try:
        deadline = asyncio.get_running_loop().time() + within
        while len(records) < count and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for batch in batches.values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def committed_offsets(kafka_bootstrap: str, group_id: str) -> dict[TopicPartition, int]:
    """The offsets `group_id` has committed, per partition.

    Empty if it never committed, or if the group coordinator is not available yet (a retriable
    state right after the first group of a fresh broker is created): poll with `wait_until`.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group_id)
    except KafkaError as exc:
        if not exc.retriable:
            raise
        return {}
    finally:
        await admin.close()
    return {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}


async def produce(
    kafka_bootstrap: str, topic: str, messages: Sequence[tuple[bytes | None, bytes]]
) -> None:
    """Send `(key, value)` pairs to `topic` in order and wait for the acks."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, within: float = 20.0, interval: float = 0.2
) -> bool:
    """Poll `check` until it returns True or `within` seconds pass; return its last answer."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        if await check():
            return True
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(interval)


def headers_of(record: ConsumerRecord[Any, Any]) -> dict[str, str]:
    """A record's headers as text (the last value wins for repeated names)."""
    pairs: Sequence[tuple[str, bytes]] = record.headers or ()
    return {name: value.decode("utf-8", errors="replace") for name, value in pairs}


@contextmanager
def recorded_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements `engine` sends inside the block, in order (to count round trips)."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
