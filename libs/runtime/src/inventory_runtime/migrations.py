"""Alembic helpers: the runtime tables' migration ops and running ``upgrade head`` from code.

A service's first migration creates the runtime tables next to its own::

    from inventory_runtime.migrations import create_runtime_tables_op, drop_runtime_tables_op

    def upgrade() -> None:
        create_runtime_tables_op()
        op.create_table("reservations", ...)

    def downgrade() -> None:
        op.drop_table("reservations")
        drop_runtime_tables_op()

The ops spell out version 1 of the tables instead of deriving them from `inventory_runtime.db`,
so an old migration keeps meaning what it meant; a later change of the runtime tables comes with
its own op for services to call from a new migration (version 2: `add_inbox_processed_at_index_op`).
A test compares them with the `Table` definitions.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, op
from alembic.config import Config
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def create_runtime_tables_op() -> None:
    """Create ``outbox`` and ``inbox`` (version 1) inside an alembic migration."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("headers", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def add_inbox_processed_at_index_op() -> None:
    """Version 2 of the runtime tables: index ``inbox.processed_at`` for the retention purge."""
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])


def drop_inbox_processed_at_index_op() -> None:
    """The downgrade of `add_inbox_processed_at_index_op`."""
    op.drop_index("ix_inbox_processed_at", table_name="inbox")


def drop_runtime_tables_op() -> None:
    """Drop the runtime tables inside an alembic migration (the downgrade of the op above)."""
    op.drop_table("inbox")
    op.drop_index("ix_outbox_published_at", table_name="outbox")
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("outbox")


def alembic_config(database_url: str, script_location: str | Path) -> Config:
    """An alembic `Config` for a service's migrations folder and database, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def migrate_async(
    database_url: str, script_location: str | Path, revision: str = "head"
) -> None:
    """Upgrade the database to `revision` from inside a running event loop.

    The connection is handed to ``env.py`` through ``config.attributes`` (see
    `inventory_runtime.alembic_env.run_migrations`), so alembic does not start a loop of its own.
    """
    config = alembic_config(database_url, script_location)
    engine = create_async_engine(database_url)

    def upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade)
    finally:
        await engine.dispose()


def migrate(database_url: str, script_location: str | Path, revision: str = "head") -> None:
    """Upgrade the database to `revision` (``upgrade head``); for a service's `migrate` command."""
    asyncio.run(migrate_async(database_url, script_location, revision))
