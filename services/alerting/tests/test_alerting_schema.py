"""The hand-written migrations match `adapters/tables.py` and seed the core chain's two rules
and the three shipped KPI rules."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alerting.adapters.tables import metadata
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.integration


async def test_migrations_create_exactly_the_tables_of_tables_py_with_seeded_rules(
    alerting_db: str,
) -> None:
    engine = create_async_engine(alerting_db)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
            seeded = (
                await connection.execute(
                    text("SELECT id, event_type, severity FROM rules ORDER BY id")
                )
            ).all()
    finally:
        await engine.dispose()
    assert diff == []
    assert [tuple(row) for row in seeded] == [
        ("class_a_sell_through_drop", "inventory.stock.moved.v1", "warning"),
        ("dead_stock", "inventory.stock.moved.v1", "warning"),
        ("low_stock", "inventory.stock.below-threshold.v1", "warning"),
        ("reservation_rejected", "inventory.reservation.rejected.v1", "warning"),
        ("stock_over_365_days", "inventory.stock.moved.v1", "info"),
    ]
