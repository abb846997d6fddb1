"""The notification dispatcher: the runtime's `DeliveryWorker` over the `notifications` queue.

Each round claims due notifications of enabled channels ``FOR UPDATE SKIP LOCKED`` (several
alerting processes share the work; a crashed one's claims come back), sends each through its
channel (`channels`) outside any transaction and records the outcome: sent, tried again later
with backoff, or, after `notification_max_attempts`, ``failed`` with its last error. A
disabled channel's notifications wait until it is enabled again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.delivery import DeliveryTuning, DeliveryWorker, OutboundQueue, Outcome
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from alerting import metrics
from alerting.adapters.channels import build_channel, opened
from alerting.adapters.tables import alerts, channels, notifications
from alerting.config import AlertingSettings
from alerting.domain import Notification

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
class Outbound:
    """A notification on its way: through which kind of channel, configured how."""

    channel_kind: str
    channel_config: dict[str, Any]
    notification: Notification


def _outbound(row: Row[Any]) -> Outbound:
    return Outbound(
        channel_kind=row.kind,
        channel_config=dict(row.config),
        notification=Notification(
            alert_id=row.alert_id, **{name: row._mapping[name] for name in ALERT_FIELDS}
        ),
    )


def _sent(now: datetime) -> dict[str, object]:
    return {"status": "sent", "sent_at": now}


NOTIFICATIONS: OutboundQueue[Outbound] = OutboundQueue(
    table=notifications,
    claimable=select(
        notifications.c.id,
        notifications.c.attempts,
        channels.c.kind,
        channels.c.config,
        alerts.c.id.label("alert_id"),
        *(alerts.c[name] for name in ALERT_FIELDS),
    )
    .join(channels, channels.c.id == notifications.c.channel_id)
    .join(alerts, alerts.c.id == notifications.c.alert_id)
    .where(channels.c.enabled),
    to_item=_outbound,
    done=_sent,
)
"""Pending notifications of enabled channels, with their alert; done is ``sent``."""

OUTCOMES: dict[Outcome, str] = {"done": "sent", "retry": "retry", "failed": "failed"}
"""The worker's outcomes as the `NOTIFICATION_ATTEMPTS` metric names them."""


def _counted(item: Outbound, outcome: Outcome, seconds: float) -> None:
    metrics.NOTIFICATION_ATTEMPTS.labels(item.channel_kind, OUTCOMES[outcome]).inc()


def _describe(item: Outbound) -> str:
    return f"notification of alert {item.notification.alert_id} via {item.channel_kind}"


def notification_worker(
    session_factory: async_sessionmaker[AsyncSession],
    settings: AlertingSettings,
    http: httpx.AsyncClient,
) -> DeliveryWorker[Outbound]:
    """The worker sending alerting's notifications (`deliver_due` does one round)."""
    timeout = settings.notification_timeout_seconds
    guard = settings.outbound_guard
    box = settings.secret_box
    overrides = settings.notify_url_overrides

    async def send(item: Outbound) -> None:
        config = opened(item.channel_config, box)
        channel = build_channel(
            item.channel_kind,
            config,
            http=http,
            timeout=timeout,
            guard=guard,
            url_overrides=overrides,
        )
        await channel.send(item.notification)

    return DeliveryWorker(
        session_factory,
        NOTIFICATIONS,
        send,
        DeliveryTuning.from_settings(settings, "notification"),
        describe=_describe,
        on_outcome=_counted,
        on_pending=metrics.NOTIFICATIONS_PENDING.set,
    )


async def run_dispatcher(runtime: ServiceRuntime) -> None:
    """`BackgroundJob` entry point: send notifications until cancelled."""
    settings = runtime.settings
    assert isinstance(settings, AlertingSettings)
    async with httpx.AsyncClient(timeout=settings.notification_timeout_seconds) as http:
        await notification_worker(runtime.session_factory, settings, http).run()
