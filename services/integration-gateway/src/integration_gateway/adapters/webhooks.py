"""Webhook write-back: the deliveries queue, sent by the runtime's `DeliveryWorker`, and the
signed POST that sends one.

The worker claims due deliveries ``FOR UPDATE SKIP LOCKED`` (so several gateway processes share
the work and a crashed one's claims come back), POSTs each outside any transaction and records
the outcome: delivered, tried again with backoff, or ``failed`` after the last allowed try,
keeping the last error and HTTP status. Delivery is at least once: receivers dedupe by
``X-Event-Id`` and check ``X-Signature`` (HMAC-SHA256 of ``<X-Signature-Timestamp>.<body>``,
runtime `signing`; `signing.verify` with its replay window). Before each POST the URL passes the
runtime's outbound guard again (its name may resolve inside the network by now); a refusal is a
failed attempt like any other.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.delivery import (
    DeliveryFailed,
    DeliveryTuning,
    DeliveryWorker,
    OutboundQueue,
    Outcome,
)
from inventory_runtime.outbound import OutboundGuard, OutboundRefused
from inventory_runtime.secret_box import SecretBox, SecretBoxError
from inventory_runtime.signing import signed_headers
from sqlalchemy import Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway import metrics
from integration_gateway.adapters.circuit import CircuitBreaker
from integration_gateway.adapters.tables import deliveries, subscriptions
from integration_gateway.config import IntegrationGatewaySettings

CONTENT_TYPE = "application/cloudevents+json"
USER_AGENT = "inventory-integration-gateway/1"
OUTCOME_LABELS: dict[Outcome, str] = {"done": "delivered", "retry": "retry", "failed": "failed"}
"""The worker's outcomes as `DELIVERY_ATTEMPTS` has always labelled them."""


@dataclass(frozen=True)
class DueDelivery:
    """A claimed delivery with what is needed to send it."""

    event_id: str
    event_type: str
    payload: bytes
    url: str
    secret: str
    """As stored (encrypted, or a legacy plaintext) until `WebhookSender` decrypts it."""
    subscription_id: str = ""


def _due(row: Row[Any]) -> DueDelivery:
    return DueDelivery(
        row.event_id, row.event_type, row.payload, row.url, row.secret, row.subscription_id
    )


def _delivered(now: datetime) -> Mapping[str, object]:
    return {"status": "delivered", "delivered_at": now}


DELIVERIES = OutboundQueue(
    table=deliveries,
    claimable=select(
        deliveries.c.id,
        deliveries.c.attempts,
        deliveries.c.event_id,
        deliveries.c.event_type,
        deliveries.c.payload,
        subscriptions.c.url,
        subscriptions.c.secret,
        deliveries.c.subscription_id,
    )
    .join(subscriptions, subscriptions.c.id == deliveries.c.subscription_id)
    # A receiver paused by the circuit breaker waits; its deliveries keep their tries.
    .where(or_(subscriptions.c.paused_until.is_(None), subscriptions.c.paused_until <= func.now())),
    to_item=_due,
    done=_delivered,
    status_code_column="last_status_code",
)
"""The `deliveries` table as the worker's queue, each row with its subscription's URL and
secret."""


def webhook_headers(delivery: DueDelivery, now: datetime) -> dict[str, str]:
    """The headers of a webhook POST; the signature covers the timestamp and the exact body.

    `delivery.secret` is the plaintext secret (`WebhookSender` decrypts the stored one)."""
    return {
        "Content-Type": CONTENT_TYPE,
        "X-Event-Id": delivery.event_id,
        "X-Event-Type": delivery.event_type,
        **signed_headers(delivery.payload, delivery.secret, now),
        "User-Agent": USER_AGENT,
    }


class WebhookSender:
    """POSTs one delivery; a non-2xx answer or a refused address raises `DeliveryFailed`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        guard: OutboundGuard,
        box: SecretBox,
        clock: Clock = utc_now,
        circuit: CircuitBreaker | None = None,
    ) -> None:
        self._client = client
        self._guard = guard
        self._box = box
        self._clock = clock
        self._circuit = circuit

    async def __call__(self, delivery: DueDelivery) -> int:
        """POST the delivery; the circuit breaker counts its outcome per subscription."""
        try:
            status_code = await self._post(delivery)
        except DeliveryFailed:
            if self._circuit is not None:
                await self._circuit.failed(delivery.subscription_id)
            raise
        if self._circuit is not None:
            await self._circuit.succeeded(delivery.subscription_id)
        return status_code

    async def _post(self, delivery: DueDelivery) -> int:
        try:
            await self._guard.check_url(delivery.url)
        except OutboundRefused as exc:
            raise DeliveryFailed(f"outbound address refused: {exc}") from None
        try:
            delivery = replace(delivery, secret=self._box.decrypt(delivery.secret))
        except SecretBoxError as exc:
            raise DeliveryFailed(f"subscription secret unreadable: {exc}") from None
        started = time.perf_counter()
        try:
            response = await self._client.post(
                delivery.url,
                content=delivery.payload,
                headers=webhook_headers(delivery, self._clock()),
            )
        finally:
            metrics.DELIVERY_DURATION.observe(time.perf_counter() - started)
        if not response.is_success:
            raise DeliveryFailed(
                f"HTTP {response.status_code}: {response.text[:200]}", response.status_code
            )
        return response.status_code


def _count_attempt(delivery: DueDelivery, outcome: Outcome, seconds: float) -> None:
    metrics.DELIVERY_ATTEMPTS.labels(delivery.event_type, OUTCOME_LABELS[outcome]).inc()


def _describe(delivery: DueDelivery) -> str:
    return f"{delivery.event_id} to {delivery.url}"


def delivery_worker(
    session_factory: async_sessionmaker[AsyncSession],
    settings: IntegrationGatewaySettings,
    client: httpx.AsyncClient,
) -> DeliveryWorker[DueDelivery]:
    """The webhook delivery worker over the `deliveries` table, POSTing with `client`."""
    return DeliveryWorker(
        session_factory,
        DELIVERIES,
        WebhookSender(
            client,
            settings.outbound_guard,
            settings.secret_box,
            circuit=CircuitBreaker(
                session_factory,
                settings.circuit_failure_threshold,
                timedelta(seconds=settings.circuit_pause_seconds),
            ),
        ),
        DeliveryTuning.from_settings(settings, "delivery"),
        describe=_describe,
        on_outcome=_count_attempt,
        on_pending=metrics.DELIVERIES_PENDING.set,
    )
