"""Housekeeping: notifications and resolved alerts are history, kept for a while, then deleted.

Sent and failed notifications go `notification_retention_days` after they were queued;
resolved alerts `alert_retention_days` after they were resolved, together with their finished
notifications. Pending notifications, and the alerts they belong to, are never deleted. The
runtime's `retention_job` runs the purges (bounded slices, oldest first).
"""

from __future__ import annotations

from datetime import timedelta

from inventory_runtime.app import BackgroundJob
from inventory_runtime.retention import Purge, oldest_first, retention_job
from inventory_runtime.settings import ServiceSettings
from sqlalchemy import text

from alerting.config import AlertingSettings

_PURGE_NOTIFICATIONS = oldest_first("notifications", "id", "created_at", "status <> 'pending'")
_PURGE_ALERTS = text(
    """
    WITH old AS (
        SELECT a.id FROM alerts AS a
         WHERE a.status = 'resolved' AND a.resolved_at < :before
           AND NOT EXISTS (SELECT 1 FROM notifications AS n
                            WHERE n.alert_id = a.id AND n.status = 'pending')
         ORDER BY a.resolved_at LIMIT :slice
    ), finished AS (
        DELETE FROM notifications WHERE alert_id IN (SELECT id FROM old)
    )
    DELETE FROM alerts WHERE id IN (SELECT id FROM old)
    """
)
"""An alert's notifications go in the same statement (its foreign keys are checked at the
end of it); an alert with a notification still pending stays."""


def purges(settings: ServiceSettings) -> list[Purge]:
    """Finished notifications and resolved alerts past their retention."""
    assert isinstance(settings, AlertingSettings)
    return [
        Purge(
            "finished notifications",
            _PURGE_NOTIFICATIONS,
            timedelta(days=settings.notification_retention_days),
        ),
        Purge("resolved alerts", _PURGE_ALERTS, timedelta(days=settings.alert_retention_days)),
    ]


RETENTION: BackgroundJob = retention_job(purges)
"""The alerting service's background job `retention`."""
