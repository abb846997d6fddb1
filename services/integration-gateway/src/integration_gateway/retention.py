"""Housekeeping: idempotency keys and finished webhook deliveries are kept for a while, then go.

An idempotency key answers a retried request for at least `idempotency_key_ttl_hours` (24 h by
default, the window clients are told to retry in); a delivered, cancelled or failed delivery
stays visible in the API for `delivery_retention_days`. Pending deliveries are never purged.
The runtime's `retention_job` runs the purges (bounded slices, oldest first).
"""

from __future__ import annotations

from datetime import timedelta

from inventory_runtime.app import BackgroundJob
from inventory_runtime.retention import Purge, retention_job
from inventory_runtime.settings import ServiceSettings
from sqlalchemy import text

from integration_gateway.config import IntegrationGatewaySettings

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


def purges(settings: ServiceSettings) -> list[Purge]:
    """Expired idempotency keys, and finished deliveries past their retention."""
    assert isinstance(settings, IntegrationGatewaySettings)
    return [
        Purge("idempotency keys", _PURGE_KEYS, timedelta(hours=settings.idempotency_key_ttl_hours)),
        Purge(
            "finished deliveries",
            _PURGE_DELIVERIES,
            timedelta(days=settings.delivery_retention_days),
        ),
    ]


def _interval(settings: ServiceSettings) -> float:
    assert isinstance(settings, IntegrationGatewaySettings)
    return settings.retention_interval_seconds


RETENTION: BackgroundJob = retention_job(purges, _interval)
"""The gateway's background job `retention`."""
