"""The notification dispatcher: the runtime's `DeliveryWorker` over `approval_notifications`.

Each round claims due messages ``FOR UPDATE SKIP LOCKED`` (several processes share the work; a
crashed one's claims come back after their lease), sends each through apprise
(`inventory_runtime.notify`) outside any transaction and records the outcome: ``sent``, tried
again later with backoff, or ``failed`` with its last error after
``NOTIFICATION_MAX_ATTEMPTS``. Delivery is at least once: a crash between a send and its record
sends that message again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from inventory_runtime.app import BackgroundJob, ServiceRuntime
from inventory_runtime.delivery import DeliveryTuning, DeliveryWorker, OutboundQueue
from inventory_runtime.notify import ChannelKind, Notifier
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from approval.adapters.tables import approval_notifications as messages
from approval.config import ApprovalSettings

JOB_NAME: Final = "approval-notifications"


@dataclass(frozen=True)
class Outgoing:
    """A message on its way: to which address on which channel, saying what."""

    message_id: int
    channel: ChannelKind
    address: str
    title: str
    body: str


def _outgoing(row: Row[Any]) -> Outgoing:
    return Outgoing(row.id, row.channel, row.address, row.title, row.body)


def _sent(now: datetime) -> dict[str, object]:
    return {"status": "sent", "sent_at": now}


QUEUE: OutboundQueue[Outgoing] = OutboundQueue(
    table=messages,
    claimable=select(
        messages.c.id,
        messages.c.attempts,
        messages.c.channel,
        messages.c.address,
        messages.c.title,
        messages.c.body,
    ).where(messages.c.channel.is_not(None)),
    to_item=_outgoing,
    done=_sent,
)


def notification_worker(
    session_factory: async_sessionmaker[AsyncSession],
    settings: ApprovalSettings,
    notifier: Notifier | None = None,
) -> DeliveryWorker[Outgoing]:
    """The worker sending approval's messages (`deliver_due` does one round)."""
    sender = notifier or Notifier.from_settings(settings)

    async def send(item: Outgoing) -> None:
        await sender.send(item.channel, item.address, item.title, item.body)

    return DeliveryWorker(
        session_factory,
        QUEUE,
        send,
        DeliveryTuning.from_settings(settings, "notification"),
        describe=lambda item: f"message {item.message_id} via {item.channel}",
    )


def notification_job(settings: ApprovalSettings) -> BackgroundJob:
    """The supervised dispatcher loop."""

    async def run(runtime: ServiceRuntime) -> None:
        await notification_worker(runtime.session_factory, settings).run()

    return BackgroundJob(name=JOB_NAME, run=run)
