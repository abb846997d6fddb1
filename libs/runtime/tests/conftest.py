"""Fixtures of the runtime tests: tiny test-only event models bound to a test's own topic."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from inventory_contracts.events.base import Event
from inventory_runtime.db import (
    add_runtime_tables,
    create_engine,
    create_session_factory,
    metadata_with_conventions,
)
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import BatchHandler, per_message
from inventory_runtime.testing import drop_database, fresh_database
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import Column, Integer, Table, Text, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

THING_HAPPENED = "inventory.thing.happened.v1"
THING_FAILED = "inventory.thing.failed.v1"


class _ThingEvent(Event):
    thing_id: str
    note: str = ""

    def key(self) -> str:
        return self.thing_id


EventClasses = tuple[type[Event], type[Event]]


def _thing_events(topic: str) -> EventClasses:
    namespace: dict[str, Any] = {"topic": topic, "__module__": __name__}
    happened = type("ThingHappened", (_ThingEvent,), {**namespace, "event_type": THING_HAPPENED})
    failed = type("ThingFailed", (_ThingEvent,), {**namespace, "event_type": THING_FAILED})
    return happened, failed


@pytest.fixture(scope="session")
def thing_events() -> Callable[[str], EventClasses]:
    """Factory: ``(ThingHappened, ThingFailed)`` event classes published on a given topic."""
    return _thing_events


# --- integration fixtures: a throwaway database per test module, settings pointing at it ---

TEST_METADATA = metadata_with_conventions()
add_runtime_tables(TEST_METADATA)
effects = Table(
    "effects",
    TEST_METADATA,
    Column("id", Integer, primary_key=True),
    Column("thing_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),
)
"""What test handlers apply: one row per handled message, no unique constraint, so a message
applied twice shows up as two rows."""


@pytest.fixture(scope="module")
async def runtime_db(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """URL of a fresh database with the runtime tables and `effects`, dropped afterwards."""
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = await fresh_database(database_url, module)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(TEST_METADATA.create_all)
    await engine.dispose()
    yield url
    await drop_database(url)


@pytest.fixture
def make_settings(runtime_db: str, kafka_bootstrap: str) -> Callable[..., ServiceSettings]:
    """Settings for the test database and broker with fast retries; overrides as kwargs."""

    def build(**overrides: Any) -> ServiceSettings:
        values: dict[str, Any] = {
            "service_name": "runtime-test",
            # The local stack's development password: only ENVIRONMENT=development accepts it.
            "environment": "development",
            "database_url": runtime_db,
            "kafka_bootstrap_servers": kafka_bootstrap,
            "consumer_poll_timeout_ms": 200,
            "consumer_retry_attempts": 2,
            "consumer_retry_backoff_base_seconds": 0.01,
            "consumer_retry_backoff_cap_seconds": 0.2,
            "relay_poll_interval_seconds": 0.05,
            "relay_stats_interval_seconds": 0.2,
        }
        return ServiceSettings(**{**values, **overrides})

    return build


@pytest.fixture
async def session_factory(
    make_settings: Callable[..., ServiceSettings],
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the module's database (engine disposed after the test)."""
    engine = create_engine(make_settings())
    yield create_session_factory(engine)
    await engine.dispose()


async def count_effects(
    session_factory: async_sessionmaker[AsyncSession],
    thing_id: str | None = None,
    *,
    prefix: str | None = None,
) -> int:
    """How many times the test handler applied `thing_id` (or any id starting with `prefix`)."""
    query = select(func.count()).select_from(effects)
    if thing_id is not None:
        query = query.where(effects.c.thing_id == thing_id)
    if prefix is not None:
        query = query.where(effects.c.thing_id.startswith(prefix))
    async with session_factory() as session:
        return int(await session.scalar(query) or 0)


@pytest.fixture
def effects_of(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[..., Awaitable[int]]:
    """``await effects_of("thing-1")``: rows the handler applied for that thing."""

    async def count(thing_id: str | None = None, *, prefix: str | None = None) -> int:
        return await count_effects(session_factory, thing_id, prefix=prefix)

    return count


def effect_handler(*, fail_on: frozenset[str] = frozenset()) -> BatchHandler[UnitOfWork]:
    """A per-message handler writing one `effects` row; raises ValueError for `fail_on` ids."""

    async def apply(event: InboundEvent, uow: UnitOfWork) -> None:
        thing_id = event.data.thing_id  # type: ignore[attr-defined]
        if thing_id in fail_on:
            raise ValueError(f"cannot apply {thing_id}")
        await uow.session.execute(insert(effects).values(thing_id=thing_id, event_id=event.id))

    return per_message(apply)


@pytest.fixture
def handler_factory() -> Callable[..., BatchHandler[UnitOfWork]]:
    """`effect_handler` as a fixture (test modules can't import conftest)."""
    return effect_handler
