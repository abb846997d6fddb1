"""The delivery worker: POSTs queued events to subscribed webhooks, signed, with retries.

Each round claims due deliveries ``FOR UPDATE SKIP LOCKED`` and pushes their due time out by a
lease (so several gateway processes share the work and a crashed one's claims come back), then
sends them outside any transaction and records each outcome. Delivery is at least once:
receivers dedupe by ``X-Event-Id``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.retry import summarize
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway import domain, metrics
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.db import PENDING_DELIVERY, deliveries, subscriptions
from integration_gateway.domain import GiveUp, RetryAt, RetryPolicy
from integration_gateway.repository import DeliveryRepository

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class DueDelivery:
    """A claimed delivery with what is needed to send it."""

    id: int
    event_id: str
    event_type: str
    payload: bytes
    attempts: int
    url: str
    secret: str


def signed_headers(delivery: DueDelivery, now: datetime) -> dict[str, str]:
    """The headers of a webhook POST; the signature covers the exact body bytes."""
    return {
        "Content-Type": "application/cloudevents+json",
        "X-Event-Id": delivery.event_id,
        "X-Event-Type": delivery.event_type,
        "X-Signature": domain.signature(delivery.payload, delivery.secret),
        "X-Signature-Timestamp": str(int(now.timestamp())),
        "User-Agent": "inventory-integration-gateway/1",
    }


class DeliveryWorker:
    """Sends due deliveries until cancelled; `deliver_due` does one round (for tests)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: IntegrationGatewaySettings,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._client = client or httpx.AsyncClient(timeout=settings.delivery_timeout_seconds)
        self._policy = RetryPolicy(
            settings.delivery_max_attempts,
            settings.delivery_backoff_base_seconds,
            settings.delivery_backoff_cap_seconds,
        )

    async def run(self) -> None:
        """Deliver rounds forever; database trouble is logged and waited out."""
        try:
            while True:
                try:
                    sent = await self.deliver_due()
                except Exception as exc:
                    log.warning("delivery round failed: %s", summarize(exc))
                    sent = 0
                if sent < self._settings.delivery_batch_size:
                    await asyncio.sleep(self._settings.delivery_poll_interval_seconds)
        finally:
            await self._client.aclose()

    async def deliver_due(self) -> int:
        """Claim, send and record one batch of due deliveries; return how many were tried."""
        claimed = await self._claim()
        if claimed:
            await asyncio.gather(*(self._send(delivery) for delivery in claimed))
        await self._update_gauge()
        return len(claimed)

    async def _claim(self) -> Sequence[DueDelivery]:
        lease = timedelta(seconds=self._settings.delivery_timeout_seconds * 3 + 5)
        async with self._session_factory() as session, session.begin():
            rows = (
                await session.execute(
                    select(
                        deliveries.c.id,
                        deliveries.c.event_id,
                        deliveries.c.event_type,
                        deliveries.c.payload,
                        deliveries.c.attempts,
                        subscriptions.c.url,
                        subscriptions.c.secret,
                    )
                    .join(subscriptions, subscriptions.c.id == deliveries.c.subscription_id)
                    .where(PENDING_DELIVERY)
                    .where(deliveries.c.next_attempt_at <= datetime.now(UTC))
                    .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
                    .limit(self._settings.delivery_batch_size)
                    .with_for_update(of=deliveries, skip_locked=True)
                )
            ).all()
            if rows:
                await session.execute(
                    update(deliveries)
                    .where(deliveries.c.id.in_([row.id for row in rows]))
                    .values(
                        attempts=deliveries.c.attempts + 1,
                        next_attempt_at=datetime.now(UTC) + lease,
                    )
                )
        return [
            DueDelivery(
                row.id,
                row.event_id,
                row.event_type,
                row.payload,
                row.attempts + 1,
                row.url,
                row.secret,
            )
            for row in rows
        ]

    async def _send(self, delivery: DueDelivery) -> None:
        started = time.perf_counter()
        status_code: int | None = None
        try:
            response = await self._client.post(
                delivery.url,
                content=delivery.payload,
                headers=signed_headers(delivery, datetime.now(UTC)),
            )
            status_code = response.status_code
            error = None if response.is_success else f"HTTP {status_code}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            error = summarize(exc)
        finally:
            metrics.DELIVERY_DURATION.observe(time.perf_counter() - started)
        await self._record(delivery, status_code, error)

    async def _record(
        self, delivery: DueDelivery, status_code: int | None, error: str | None
    ) -> None:
        now = datetime.now(UTC)
        values: dict[str, object] = {"last_status_code": status_code}
        if error is None:
            values |= {"status": "delivered", "delivered_at": now, "last_error": None}
            outcome = "delivered"
        else:
            values["last_error"] = error[:MAX_ERROR_LENGTH]
            match domain.after_failure(self._policy, delivery.attempts, now):
                case RetryAt(due_at):
                    values["next_attempt_at"] = due_at
                    outcome = "retry"
                case GiveUp():
                    values["status"] = "failed"
                    outcome = "failed"
            log.warning(
                "delivery %s of %s to %s failed (try %d, %s): %s",
                delivery.id,
                delivery.event_id,
                delivery.url,
                delivery.attempts,
                outcome,
                error,
            )
        metrics.DELIVERY_ATTEMPTS.labels(delivery.event_type, outcome).inc()
        async with self._session_factory() as session, session.begin():
            await session.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery.id, deliveries.c.status == "pending")
                .values(**values)
            )

    async def _update_gauge(self) -> None:
        async with self._session_factory() as session:
            metrics.DELIVERIES_PENDING.set(await DeliveryRepository(session).pending_count())


async def run_delivery_worker(runtime: ServiceRuntime) -> None:
    """`BackgroundJob` entry point."""
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    await DeliveryWorker(runtime.session_factory, settings).run()
