"""The notification dispatcher: sends queued notifications through their channels, with retries.

Each round claims due notifications ``FOR UPDATE SKIP LOCKED`` and pushes their due time out
by a lease (several alerting processes share the work; a crashed one's claims come back), then
sends outside any transaction and records each outcome. Only enabled channels are served: a
disabled channel's notifications wait until it is enabled again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.retry import summarize
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerting import metrics
from alerting.channels import build_channel
from alerting.config import AlertingSettings
from alerting.db import PENDING_NOTIFICATION, alerts, channels, notifications
from alerting.domain import Notification, RetryPolicy

log = logging.getLogger(__name__)

ALERT_FIELDS = (
    "rule_id",
    "severity",
    "subject",
    "title_zh",
    "title_en",
    "message_zh",
    "message_en",
    "details",
    "raised_at",
)


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    channel_kind: str
    channel_config: dict[str, object]
    notification: Notification


class Dispatcher:
    """Sends due notifications until cancelled; `dispatch_due` does one round (for tests)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: AlertingSettings,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._http = http or httpx.AsyncClient(timeout=settings.notification_timeout_seconds)
        self._policy = RetryPolicy(
            settings.notification_max_attempts,
            settings.notification_backoff_base_seconds,
            settings.notification_backoff_cap_seconds,
        )

    async def run(self) -> None:
        """Dispatch rounds forever; database trouble is logged and waited out."""
        try:
            while True:
                try:
                    sent = await self.dispatch_due()
                except Exception as exc:
                    log.warning("notification round failed: %s", summarize(exc))
                    sent = 0
                if sent < self._settings.notification_batch_size:
                    await asyncio.sleep(self._settings.notification_poll_interval_seconds)
        finally:
            await self._http.aclose()

    async def dispatch_due(self) -> int:
        """Claim, send and record one batch; return how many were tried."""
        claimed = await self._claim()
        if claimed:
            await asyncio.gather(*(self._send(item) for item in claimed))
        async with self._session_factory() as session:
            pending = await session.scalar(
                select(func.count()).select_from(notifications).where(PENDING_NOTIFICATION)
            )
        metrics.NOTIFICATIONS_PENDING.set(pending or 0)
        return len(claimed)

    async def _claim(self) -> list[Claimed]:
        lease = timedelta(seconds=self._settings.notification_timeout_seconds * 3 + 5)
        now = datetime.now(UTC)
        async with self._session_factory() as session, session.begin():
            rows = (
                await session.execute(
                    select(
                        notifications.c.id.label("notification_id"),
                        notifications.c.attempts,
                        channels.c.kind,
                        channels.c.config,
                        alerts.c.id.label("alert_id"),
                        *(alerts.c[name] for name in ALERT_FIELDS),
                    )
                    .join(channels, channels.c.id == notifications.c.channel_id)
                    .join(alerts, alerts.c.id == notifications.c.alert_id)
                    .where(PENDING_NOTIFICATION, channels.c.enabled)
                    .where(notifications.c.next_attempt_at <= now)
                    .order_by(notifications.c.next_attempt_at, notifications.c.id)
                    .limit(self._settings.notification_batch_size)
                    .with_for_update(of=notifications, skip_locked=True)
                )
            ).all()
            if rows:
                await session.execute(
                    update(notifications)
                    .where(notifications.c.id.in_([row.notification_id for row in rows]))
                    .values(attempts=notifications.c.attempts + 1, next_attempt_at=now + lease)
                )
        return [
            Claimed(
                id=row.notification_id,
                attempts=row.attempts + 1,
                channel_kind=row.kind,
                channel_config=row.config,
                notification=Notification(
                    alert_id=row.alert_id, **{name: row._mapping[name] for name in ALERT_FIELDS}
                ),
            )
            for row in rows
        ]

    async def _send(self, item: Claimed) -> None:
        timeout = self._settings.notification_timeout_seconds
        try:
            channel = build_channel(
                item.channel_kind, dict(item.channel_config), http=self._http, timeout=timeout
            )
            await channel.send(item.notification)
            error = None
        except Exception as exc:  # a channel's failure of any kind is recorded and retried
            error = summarize(exc)
        await self._record(item, error)

    async def _record(self, item: Claimed, error: str | None) -> None:
        now = datetime.now(UTC)
        values: dict[str, object]
        if error is None:
            values = {"status": "sent", "sent_at": now, "last_error": None}
            outcome = "sent"
        else:
            retry_at = self._policy.next_try(item.attempts, now)
            values = {"last_error": error[:500]}
            if retry_at is None:
                values["status"] = "failed"
                outcome = "failed"
            else:
                values["next_attempt_at"] = retry_at
                outcome = "retry"
            log.warning(
                "notification %s of alert %s via %s failed (try %d, %s): %s",
                item.id,
                item.notification.alert_id,
                item.channel_kind,
                item.attempts,
                outcome,
                error,
            )
        metrics.NOTIFICATION_ATTEMPTS.labels(item.channel_kind, outcome).inc()
        async with self._session_factory() as session, session.begin():
            await session.execute(
                update(notifications)
                .where(notifications.c.id == item.id, notifications.c.status == "pending")
                .values(**values)
            )


async def run_dispatcher(runtime: ServiceRuntime) -> None:
    """`BackgroundJob` entry point."""
    settings = runtime.settings
    assert isinstance(settings, AlertingSettings)
    await Dispatcher(runtime.session_factory, settings).run()
