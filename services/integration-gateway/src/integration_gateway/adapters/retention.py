"""Housekeeping: idempotency keys and finished webhook deliveries are kept for a while, then go.

An idempotency key answers a retried request for at least `idempotency_key_ttl_hours` (24 h by
default, the window clients are told to retry in); a delivered, cancelled or failed delivery
stays visible in the API for `delivery_retention_days`. Pending deliveries are never purged.
The runtime's `retention_job` runs the purges (bounded slices, oldest first).
"""

from __future__ import annotations

from datetime import timedelta

from inventory_runtime.app import BackgroundJob
from inventory_runtime.retention import Purge, oldest_first, retention_job
from inventory_runtime.settings import ServiceSettings

from integration_gateway.config import IntegrationGatewaySettings

_PURGE_KEYS = oldest_first("idempotency_keys", "client_id, key", "created_at")
_PURGE_DELIVERIES = oldest_first(
    "deliveries", "id", "created_at", "status IN ('delivered', 'cancelled', 'failed')"
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


RETENTION: BackgroundJob = retention_job(purges)
"""The gateway's background job `retention`."""
