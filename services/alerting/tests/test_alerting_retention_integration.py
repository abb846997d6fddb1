"""Retention on the real PostgreSQL: old history goes, open alerts and pending work stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alerting.adapters.retention import purges
from alerting.adapters.tables import alerts, channels, notifications
from alerting.config import AlertingSettings
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.retention import purge_once
from sqlalchemy import insert, select

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

# alert id: (status, resolved days ago, its notification's status, queued days ago)
HISTORY = {
    "old-resolved": ("resolved", 400, "sent", 401),
    "old-resolved-still-sending": ("resolved", 400, "pending", 401),
    "recently-resolved": ("resolved", 10, "sent", 100),
    "open-for-long": ("raised", None, "failed", 500),
    "open-and-sending": ("acknowledged", None, "pending", 500),
    "recent": ("raised", None, "sent", 1),
}


@pytest.mark.parametrize(
    ("notification_days", "notified_after", "notifications_purged"),
    [
        (90, {"old-resolved-still-sending", "open-and-sending", "recent"}, 3),
        # Notifications kept longer than alerts: a purged alert takes its own along.
        (1000, set(HISTORY) - {"old-resolved"}, 0),
    ],
)
async def test_old_notifications_and_resolved_alerts_go_open_and_pending_stay(
    runtime: ServiceRuntime,
    notification_days: int,
    notified_after: set[str],
    notifications_purged: int,
) -> None:
    settings = AlertingSettings(
        notification_retention_days=notification_days, alert_retention_days=365
    )
    async with runtime.session_factory() as session, session.begin():
        await session.execute(
            insert(channels).values(id="ops", name="ops", kind="webhook", config={})
        )
        for alert_id, (status, resolved, sending, queued) in HISTORY.items():
            await session.execute(
                insert(alerts).values(
                    id=alert_id,
                    rule_id="low_stock",
                    subject=alert_id,
                    status=status,
                    severity="warning",
                    title_zh="标题",
                    title_en="title",
                    message_zh="消息",
                    message_en="message",
                    raised_at=NOW - timedelta(days=queued),
                    resolved_at=None if resolved is None else NOW - timedelta(days=resolved),
                )
            )
            await session.execute(
                insert(notifications).values(
                    alert_id=alert_id,
                    channel_id="ops",
                    status=sending,
                    created_at=NOW - timedelta(days=queued),
                )
            )

    purged = await purge_once(runtime.session_factory, purges(settings), NOW)

    async with runtime.session_factory() as session:
        alerts_left = set((await session.execute(select(alerts.c.id))).scalars())
        notified = set((await session.execute(select(notifications.c.alert_id))).scalars())
    assert alerts_left == set(HISTORY) - {"old-resolved"}
    # Finished and past their retention, or of a purged alert: gone; pending: kept.
    assert notified == notified_after
    assert purged == {"finished notifications": notifications_purged, "resolved alerts": 1}
