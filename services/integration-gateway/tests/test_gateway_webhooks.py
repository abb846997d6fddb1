"""Unit tests of the webhook delivery's parts the gateway chooses: headers, retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from integration_gateway.adapters.webhooks import DueDelivery, WebhookSender, webhook_headers
from integration_gateway.config import IntegrationGatewaySettings
from inventory_runtime.delivery import DeliveryTuning
from inventory_runtime.outbound import Allowlist, OutboundGuard
from inventory_runtime.secret_box import SecretBox
from inventory_runtime.signing import signature, verify

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def test_signature_is_hmac_sha256_of_the_timestamp_and_the_exact_body() -> None:
    body = b'{"id":"e1","data":{"qty":"5"}}'
    stamp = str(int(NOW.timestamp()))
    expected = hmac.new(b"s3cret", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert signature(body, "s3cret", stamp) == f"sha256={expected}"
    assert verify(body, "s3cret", f"sha256={expected}", stamp, now=NOW)
    assert not verify(body + b" ", "s3cret", f"sha256={expected}", stamp, now=NOW)
    assert not verify(body, "other", f"sha256={expected}", stamp, now=NOW)
    assert not verify(body, "s3cret", f"sha256={expected}", stamp, now=NOW + timedelta(hours=1))


def test_a_webhook_post_names_the_event_and_signs_timestamp_and_body() -> None:
    delivery = DueDelivery("e1", "inventory.purchase-order.released.v1", b"{}", "http://erp", "s3")
    headers = webhook_headers(delivery, NOW)
    assert headers == {
        "Content-Type": "application/cloudevents+json",
        "X-Event-Id": "e1",
        "X-Event-Type": "inventory.purchase-order.released.v1",
        "X-Signature": signature(b"{}", "s3", int(NOW.timestamp())),
        "X-Signature-Timestamp": str(int(NOW.timestamp())),
        "User-Agent": "inventory-integration-gateway/1",
    }
    assert verify(b"{}", "s3", headers["X-Signature"], headers["X-Signature-Timestamp"], now=NOW)


def _policy(max_attempts: int, base: float, cap: float) -> IntegrationGatewaySettings:
    return IntegrationGatewaySettings(
        delivery_max_attempts=max_attempts,
        delivery_backoff_base_seconds=base,
        delivery_backoff_cap_seconds=cap,
    )


def test_retry_delays_grow_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = DeliveryTuning.from_settings(_policy(10, 2, 60), "delivery").retry
    rng = random.Random(7)
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (4, 16), (5, 32), (6, 60), (9, 60)]:
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt
        assert max(delays) - min(delays) > ceiling / 4  # jitter spreads the retries


def test_failure_schedules_a_retry_until_the_last_attempt_then_gives_up() -> None:
    policy = DeliveryTuning.from_settings(_policy(3, 1, 10), "delivery").retry
    first = policy.next_try(1, NOW)
    assert first is not None
    assert NOW + timedelta(seconds=0.5) <= first <= NOW + timedelta(seconds=1)
    assert policy.next_try(2, NOW) is not None
    assert policy.next_try(3, NOW) is None


def _readme_receiver() -> Callable[..., bool]:
    """The `verified` function of the README's "Verifying a webhook", as a receiver copies it."""
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme[readme.index("## Verifying a webhook") :]
    start = section.index("```python\n") + len("```python\n")
    code = section[start : section.index("\n```", start)]
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    verified: Callable[..., bool] = namespace["verified"]
    return verified


def test_the_readme_receiver_accepts_a_real_webhook_and_refuses_tampering() -> None:
    verified = _readme_receiver()
    delivery = DueDelivery("e1", "inventory.purchase-order.released.v1", b'{"a":1}', "u", "s3cr3t")
    headers = webhook_headers(delivery, datetime.now(UTC))
    assert verified(delivery.payload, headers, "s3cr3t")
    assert not verified(b'{"a":2}', headers, "s3cr3t")
    assert not verified(delivery.payload, headers, "other")
    stale = webhook_headers(delivery, datetime.now(UTC) - timedelta(minutes=10))
    assert not verified(delivery.payload, stale, "s3cr3t")
    assert not verified(
        delivery.payload,
        {**stale, "X-Signature-Timestamp": headers["X-Signature-Timestamp"]},
        "s3cr3t",
    )


async def test_the_sender_signs_with_the_decrypted_secret_never_the_stored_token() -> None:
    box = SecretBox.from_setting(base64.b64encode(os.urandom(32)).decode())
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        sender = WebhookSender(
            http, OutboundGuard(Allowlist.parse("203.0.113.0/24")), box, clock=lambda: NOW
        )
        stored = box.encrypt("s3cr3t-signing")
        await sender(DueDelivery("e1", "t", b'{"a":1}', "https://203.0.113.7/hook", stored))
        await sender(
            DueDelivery("e2", "t", b'{"a":1}', "https://203.0.113.7/hook", "s3cr3t-signing")
        )
    for request in seen:  # the encrypted one and a legacy plaintext one
        stamp = request.headers["X-Signature-Timestamp"]
        assert verify(b'{"a":1}', "s3cr3t-signing", request.headers["X-Signature"], stamp, now=NOW)
    assert len(seen) == 2
