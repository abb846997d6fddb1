"""A reusable body for each service's ``migrations/env.py``::

from inventory_runtime.alembic_env import run_migrations
from reservation.adapters.tables import metadata

run_migrations(metadata)
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def _configure_and_run(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(database_url: str, metadata: MetaData) -> None:
    engine = create_async_engine(database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure_and_run, metadata)
            await connection.commit()
    finally:
        await engine.dispose()


def _database_url(explicit: str | None) -> str:
    url = explicit or context.config.get_main_option("sqlalchemy.url") or os.getenv("DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: pass one, set sqlalchemy.url or DATABASE_URL")
    return url


def run_migrations(metadata: MetaData, database_url: str | None = None) -> None:
    """Run the pending migrations, the way alembic asked (offline SQL, shared connection, online).

    The URL comes from `database_url`, else alembic's ``sqlalchemy.url``, else ``DATABASE_URL``.
    When `inventory_runtime.migrations.migrate_async` passed a connection, it is used as is.
    """
    shared = context.config.attributes.get("connection")
    if shared is not None:
        _configure_and_run(shared, metadata)
    elif context.is_offline_mode():
        context.configure(
            url=_database_url(database_url),
            target_metadata=metadata,
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
        )
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(_run_online(_database_url(database_url), metadata))
