"""Retention on the real PostgreSQL: what expires goes, what is recent or still pending stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from integration_gateway.adapters.retention import purges
from integration_gateway.adapters.tables import (
    api_clients,
    deliveries,
    idempotency_keys,
    subscriptions,
)
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import BOOTSTRAP_CLIENT
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.retention import purge_once
from sqlalchemy import insert, select

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def test_expired_keys_and_old_finished_deliveries_are_purged_the_rest_kept(
    runtime: ServiceRuntime,
) -> None:
    settings = IntegrationGatewaySettings(idempotency_key_ttl_hours=24, delivery_retention_days=30)
    async with runtime.session_factory() as session, session.begin():
        client_id = await session.scalar(
            select(api_clients.c.id).where(api_clients.c.name == BOOTSTRAP_CLIENT)
        )
        await session.execute(
            insert(idempotency_keys),
            [
                {
                    "client_id": client_id,
                    "key": key,
                    "request_hash": "h",
                    "method": "POST",
                    "path": "/v1/orders",
                    "status_code": 201,
                    "response_body": {},
                    "created_at": NOW - age,
                }
                for key, age in [("old", timedelta(hours=25)), ("recent", timedelta(hours=23))]
            ],
        )
        await session.execute(
            insert(subscriptions).values(
                id="erp", url="http://erp", secret="s" * 16, event_types=[]
            )
        )
        await session.execute(
            insert(deliveries),
            [
                {
                    "subscription_id": "erp",
                    "event_id": f"{status}-{days}",
                    "event_type": "t",
                    "payload": b"{}",
                    "status": status,
                    "created_at": NOW - timedelta(days=days),
                }
                for status in ("delivered", "cancelled", "failed", "pending")
                for days in (31, 29)
            ],
        )

    purged = await purge_once(runtime.session_factory, purges(settings), NOW)

    async with runtime.session_factory() as session:
        keys = set((await session.execute(select(idempotency_keys.c.key))).scalars())
        left = set((await session.execute(select(deliveries.c.event_id))).scalars())
    assert keys == {"recent"}
    assert left == {"delivered-29", "cancelled-29", "failed-29", "pending-31", "pending-29"}
    assert purged == {"idempotency keys": 1, "finished deliveries": 3}
