"""Engine and session factories, naming conventions, and the runtime's own tables.

Every service database holds two tables owned by the runtime:

* ``outbox``: events written in the same transaction as the state change that produced them;
  the relay publishes them to Kafka. Rows are *marked* (``published_at``) rather than deleted,
  so "did we publish event X, and when?" can be answered from the database; a partial index on
  unpublished rows keeps the relay's query cheap, and the relay purges published rows after
  ``relay_retention_hours`` (0: deleted as soon as published).
* ``inbox``: ``(consumer, event_id)`` of every message a consumer group applied, written in the
  handler's transaction, so a redelivered message is recognised and skipped. Entries older than
  ``inbox_retention_hours`` (default 7 days, Kafka's default retention: nothing older can be
  redelivered) are purged by the relay's maintenance.

Event ids are stored as text: CloudEvents ids are arbitrary strings, and events published by
hand (kcat, an ERP connector) need not use UUIDs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    cast,
    event,
    func,
    literal,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.sql.elements import ColumnElement

from inventory_runtime.settings import ServiceSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def text_array(values: Iterable[str]) -> ColumnElement[Any]:
    """`values` as one ``text[]`` parameter (for ``= ANY(...)``), so a statement's text, and its
    prepared plan, are the same whatever the number of values."""
    return cast(literal(list(values), ARRAY(Text)), ARRAY(Text))


QUANTITY = Numeric(38, 12)
"""A quantity column's type: the 12 decimal places the contracts allow, never a float."""


def now_column(name: str) -> Column[Any]:
    """A required ``timestamptz`` column that the database fills with the time of the insert
    (``created_at``, ``updated_at``; an update sets it explicitly)."""
    return Column(name, DateTime(timezone=True), nullable=False, server_default=func.now())


def metadata_with_conventions() -> MetaData:
    """A fresh `MetaData` with the platform's constraint naming convention.

    Named constraints make alembic migrations deterministic (no server-generated names).
    """
    return MetaData(naming_convention=NAMING_CONVENTION)


def _outbox(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", Text, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("topic", Text, nullable=False),
        Column("key", Text, nullable=True),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        UniqueConstraint("event_id"),
        Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
        Index("ix_outbox_published_at", "published_at"),
    )


def _inbox(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", Text, nullable=False),
        Column("event_id", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id"),
        Index("ix_inbox_processed_at", "processed_at"),
    )


_runtime_metadata = metadata_with_conventions()
outbox_table = _outbox(_runtime_metadata)
inbox_table = _inbox(_runtime_metadata)


@dataclass(frozen=True)
class RuntimeTables:
    """The runtime tables as added to a service's metadata."""

    outbox: Table
    inbox: Table


def add_runtime_tables(metadata: MetaData) -> RuntimeTables:
    """Add ``outbox`` and ``inbox`` to a service's metadata (for alembic autogenerate and tests).

    The runtime itself reads and writes them through its own copies, so services never touch
    these tables directly.
    """
    return RuntimeTables(
        outbox=outbox_table.to_metadata(metadata), inbox=inbox_table.to_metadata(metadata)
    )


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    """The service's async engine: bounded pool, closed connections replaced before use.

    No ``pool_pre_ping``: with asyncpg it costs three round trips (begin, ping, rollback) at
    every checkout, which on the order path was a third of a transaction's round trips. A
    connection the server closed (a restart, an idle timeout, `pg_terminate_backend`) is known
    to asyncpg already and is replaced at checkout (`_replace_closed`); one that died silently
    fails its first statement, which makes SQLAlchemy invalidate the whole pool, and the
    consumer's retry or the client's next request gets fresh connections.
    """
    engine = _create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": settings.service_name}},
    )
    event.listen(engine.sync_engine, "checkout", _replace_closed)
    return engine


def _replace_closed(
    dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
) -> None:
    """Pool checkout hook: a connection the server has closed is discarded for a new one."""
    driver = record.driver_connection
    if driver is not None and driver.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (no lazy reload in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)
