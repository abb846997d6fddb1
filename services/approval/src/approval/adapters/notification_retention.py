"""Housekeeping of notifications: sent and failed messages are history, and so are task links
past their expiry; both go `notification_retention_days` later. A pending message, and a link
that still works, are never deleted. The runtime's `retention_job` runs the purges (bounded
slices, oldest first)."""

from __future__ import annotations

from datetime import timedelta

from inventory_runtime.retention import Purge, oldest_first, retention_job
from inventory_runtime.settings import ServiceSettings

from approval.config import ApprovalSettings

_PURGE_MESSAGES = oldest_first("approval_notifications", "id", "created_at", "status <> 'pending'")
_PURGE_LINKS = oldest_first("approval_links", "link_id", "expires_at")


def purges(settings: ServiceSettings) -> list[Purge]:
    """Finished messages and expired links past their retention."""
    assert isinstance(settings, ApprovalSettings)
    keep = timedelta(days=settings.notification_retention_days)
    return [
        Purge("finished notifications", _PURGE_MESSAGES, keep),
        Purge("expired task links", _PURGE_LINKS, keep),
    ]


RETENTION = retention_job(purges)
