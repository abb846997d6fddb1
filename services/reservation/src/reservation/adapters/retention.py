"""Housekeeping: what only history needs goes after `history_retention_days`.

A reservation that holds nothing any more (rejected, released, fulfilled or expired) is
deleted with its lines and fills (the foreign keys cascade); so are early cancellations and
the ids of applied ledger entries. Reservations still `reserved` are never touched, so stock
points and available-to-promise do not change. The retention is at least Kafka's (7 days):
a redelivered order still finds its outcome, a republished movement its id. The runtime's
`retention_job` runs the purges (bounded slices, oldest first).
"""

from __future__ import annotations

from datetime import timedelta

from inventory_runtime.app import BackgroundJob
from inventory_runtime.retention import Purge, oldest_first, retention_job
from inventory_runtime.settings import ServiceSettings

from reservation.config import ReservationSettings

_PURGE_RESERVATIONS = oldest_first("reservations", "order_id", "updated_at", "status <> 'reserved'")
_PURGE_EARLY_CANCELLATIONS = oldest_first("early_cancellations", "order_id", "cancelled_at")
_PURGE_APPLIED_MOVEMENTS = oldest_first("applied_movements", "movement_id", "applied_at")


def purges(settings: ServiceSettings) -> list[Purge]:
    """Finished reservations, early cancellations and applied movement ids past retention."""
    assert isinstance(settings, ReservationSettings)
    keep = timedelta(days=settings.history_retention_days)
    return [
        Purge("finished reservations", _PURGE_RESERVATIONS, keep),
        Purge("early cancellations", _PURGE_EARLY_CANCELLATIONS, keep),
        Purge("applied movement ids", _PURGE_APPLIED_MOVEMENTS, keep),
    ]


RETENTION: BackgroundJob = retention_job(purges)
"""The reservation service's background job `retention`."""
