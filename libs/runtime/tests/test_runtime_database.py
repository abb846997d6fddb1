"""Runtime tables, migrations and the unit of work against the real PostgreSQL server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from inventory_contracts.envelope import decode
from inventory_runtime.context import message_context
from inventory_runtime.db import (
    add_runtime_tables,
    create_engine,
    create_session_factory,
    metadata_with_conventions,
    outbox_table,
)
from inventory_runtime.migrations import migrate, migrate_async
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.testing import drop_database, fresh_database
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

pytestmark = pytest.mark.integration

ENV_PY = """
from inventory_runtime.alembic_env import run_migrations
from inventory_runtime.db import add_runtime_tables, metadata_with_conventions

metadata = metadata_with_conventions()
add_runtime_tables(metadata)
run_migrations(metadata)
"""

FIRST_REVISION = """
from inventory_runtime.migrations import create_runtime_tables_op, drop_runtime_tables_op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_runtime_tables_op()


def downgrade() -> None:
    drop_runtime_tables_op()
"""

SECOND_REVISION = """
from inventory_runtime.migrations import (
    add_inbox_processed_at_index_op,
    drop_inbox_processed_at_index_op,
)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_inbox_processed_at_index_op()


def downgrade() -> None:
    drop_inbox_processed_at_index_op()
"""


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """A service-like alembic folder whose migrations create the runtime tables (versions 1, 2)."""
    (tmp_path / "versions").mkdir()
    (tmp_path / "env.py").write_text(ENV_PY)
    (tmp_path / "versions" / "0001_runtime_tables.py").write_text(FIRST_REVISION)
    (tmp_path / "versions" / "0002_inbox_processed_at.py").write_text(SECOND_REVISION)
    return tmp_path


def _differences(connection: Any) -> list[Any]:
    metadata = metadata_with_conventions()
    add_runtime_tables(metadata)
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, metadata))


async def test_migration_ops_create_exactly_the_runtime_tables(
    database_url: str, migrations_dir: Path
) -> None:
    url = await fresh_database(database_url, "runtime_migrations")
    engine = create_async_engine(url)
    try:
        await migrate_async(url, migrations_dir)
        await migrate_async(url, migrations_dir)  # upgrading again is a no-op
        async with engine.connect() as connection:
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            differences = await connection.run_sync(_differences)
        assert version == "0002"
        assert differences == []
    finally:
        await engine.dispose()
        await drop_database(url)


async def test_migrate_runs_from_a_plain_command_line(
    database_url: str, migrations_dir: Path
) -> None:
    url = await fresh_database(database_url, "runtime_migrate_cli")
    engine = create_async_engine(url)
    try:
        await asyncio.to_thread(migrate, url, migrations_dir)  # what `<service> migrate` does
        async with engine.connect() as connection:
            tables = await connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            assert {"outbox", "inbox", "alembic_version"} <= set(tables)
    finally:
        await engine.dispose()
        await drop_database(url)


async def test_inbox_remembers_only_committed_entries(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(session_factory, source="/services/t") as uow:
        assert await uow.mark_processed("group-a", "evt-rolled-back")
    async with UnitOfWork(session_factory, source="/services/t") as uow:
        assert await uow.mark_processed("group-a", "evt-rolled-back")  # the first one rolled back
        assert await uow.mark_processed("group-b", "evt-rolled-back")  # other groups are separate
        await uow.commit()
    async with UnitOfWork(session_factory, source="/services/t") as uow:
        assert not await uow.mark_processed("group-a", "evt-rolled-back")
        assert not await uow.mark_processed("group-b", "evt-rolled-back")


async def test_outbox_row_holds_the_encoded_cloud_event(
    session_factory: async_sessionmaker[AsyncSession], thing_events: Any
) -> None:
    happened, _ = thing_events("test.outbox-row")
    async with UnitOfWork(session_factory, source="/services/t") as uow:
        with message_context(correlation_id="flow-3", causation_id="evt-2"):
            sent = uow.publish(happened(thing_id="sku-1@wh-1"), subject="sku-1")
        uow.publish(happened(thing_id="x"), key="explicit-key", correlation_id="flow-4")
        await uow.commit()
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(outbox_table).where(outbox_table.c.topic == "test.outbox-row")
            )
        ).all()
    assert [(r.key, r.event_type, r.published_at) for r in rows] == [
        ("sku-1@wh-1", happened.event_type, None),
        ("explicit-key", happened.event_type, None),
    ]
    first = decode(rows[0].payload)
    assert first == sent
    assert (first.correlationid, first.causationid, first.subject) == ("flow-3", "evt-2", "sku-1")
    assert decode(rows[1].payload).correlationid == "flow-4"
    assert rows[0].headers["content-type"].startswith("application/cloudevents+json")


async def _backend_pid(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")))


async def _terminate(make_settings: Callable[..., ServiceSettings], pid: int) -> None:
    admin = create_async_engine(make_settings().database_url)
    async with admin.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await admin.dispose()


async def test_a_pooled_connection_the_server_closed_is_replaced_at_checkout(
    make_settings: Callable[..., ServiceSettings],
) -> None:
    """No ping before each use: a connection the server ended (restart, idle timeout, an
    operator's pg_terminate_backend) is swapped for a new one before anyone gets it."""
    engine = create_engine(make_settings(db_pool_size=1, db_max_overflow=0))
    sessions = create_session_factory(engine)
    try:
        first = await _backend_pid(sessions)
        await _terminate(make_settings, first)
        await asyncio.sleep(0.2)  # the client reads the server's goodbye

        assert await _backend_pid(sessions) != first  # no error: a fresh connection
    finally:
        await engine.dispose()


async def test_a_connection_that_dies_in_use_fails_its_statement_and_the_pool_recovers(
    make_settings: Callable[..., ServiceSettings],
) -> None:
    """A connection lost while in use fails that statement (the consumer retries its batch, an
    API request answers 5xx); the pool drops it and the next checkout works."""
    engine = create_engine(make_settings(db_pool_size=1, db_max_overflow=0))
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session:
            pid = int(await session.scalar(text("SELECT pg_backend_pid()")))
            await _terminate(make_settings, pid)
            with pytest.raises(DBAPIError) as failure:
                await session.execute(text("SELECT 1"))
            assert failure.value.connection_invalidated
        assert await _backend_pid(sessions) != pid
    finally:
        await engine.dispose()
