"""Housekeeping: idempotency keys and finished webhook deliveries are kept for a while, then go.

An idempotency key answers a retried request for at least `idempotency_key_ttl_hours` (24 h by
default, the window clients are told to retry in); a delivered, cancelled or failed delivery
stays visible in the API for `delivery_retention_days`. Pending deliveries are never purged.
Each round deletes a bounded slice per table, oldest first, so a large backlog never holds a
long transaction.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from inventory_runtime.app import ServiceRuntime
from inventory_runtime.retry import summarize
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway.config import IntegrationGatewaySettings

log = logging.getLogger(__name__)

SLICE = 10_000
"""Rows deleted per table and round at most."""

_PURGE_KEYS = text(
    """
    DELETE FROM idempotency_keys
     WHERE (client_id, key) IN (SELECT client_id, key FROM idempotency_keys
                                 WHERE created_at < :before ORDER BY created_at LIMIT :slice)
    """
)
_PURGE_DELIVERIES = text(
    """
    DELETE FROM deliveries
     WHERE id IN (SELECT id FROM deliveries
                   WHERE status IN ('delivered', 'cancelled', 'failed') AND created_at < :before
                   ORDER BY created_at LIMIT :slice)
    """
)


@dataclass(frozen=True)
class Purged:
    idempotency_keys: int
    deliveries: int


async def purge_expired(
    session_factory: async_sessionmaker[AsyncSession],
    settings: IntegrationGatewaySettings,
    now: datetime,
) -> Purged:
    """Delete one slice of expired idempotency keys and of old finished deliveries."""
    keys_before = now - timedelta(hours=settings.idempotency_key_ttl_hours)
    deliveries_before = now - timedelta(days=settings.delivery_retention_days)
    async with session_factory() as session, session.begin():
        keys = await session.execute(_PURGE_KEYS, {"before": keys_before, "slice": SLICE})
        sent = await session.execute(
            _PURGE_DELIVERIES, {"before": deliveries_before, "slice": SLICE}
        )
    return Purged(keys.rowcount, sent.rowcount)  # type: ignore[attr-defined]


async def run_retention(runtime: ServiceRuntime) -> None:
    """Background job: purge every `retention_interval_seconds`, sooner while slices are full."""
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    while True:
        full = False
        try:
            purged = await purge_expired(runtime.session_factory, settings, datetime.now(UTC))
            if purged.idempotency_keys or purged.deliveries:
                log.info(
                    "purged %d idempotency keys and %d finished deliveries",
                    purged.idempotency_keys,
                    purged.deliveries,
                )
            full = max(purged.idempotency_keys, purged.deliveries) >= SLICE
        except Exception as exc:  # the database may be away: try again next round
            log.warning("retention round failed: %s", summarize(exc))
        await asyncio.sleep(1.0 if full else settings.retention_interval_seconds)
