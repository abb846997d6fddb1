"""Unit tests of the gateway's pure rules."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta

from integration_gateway import domain
from integration_gateway.domain import (
    ApiClient,
    GiveUp,
    KeyReused,
    Replay,
    RetryAt,
    RetryPolicy,
    StoredResponse,
)


def test_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = b'{"id":"e1","data":{"qty":"5"}}'
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert domain.signature(body, "s3cret") == f"sha256={expected}"
    assert domain.signature_matches(body, "s3cret", f"sha256={expected}")
    assert not domain.signature_matches(body + b" ", "s3cret", f"sha256={expected}")
    assert not domain.signature_matches(body, "other", f"sha256={expected}")


def test_api_keys_are_random_and_only_their_hash_is_kept() -> None:
    first, second = domain.generate_api_key(), domain.generate_api_key()
    assert first != second and first.startswith("igw_") and len(first) > 40
    assert domain.hash_api_key(first) == hashlib.sha256(first.encode()).hexdigest()
    assert first not in domain.hash_api_key(first)


def test_scopes_are_checked_and_inactive_clients_may_nothing() -> None:
    erp = ApiClient("c1", "erp", ("orders:write",), active=True)
    admin = ApiClient("c2", "ops", ("*",), active=True)
    retired = ApiClient("c3", "old", ("*",), active=False)
    assert erp.may("orders:write") and not erp.may("subscriptions:admin")
    assert admin.may("subscriptions:admin")
    assert not retired.may("orders:write")


def test_fingerprint_ignores_key_order_but_not_content_method_or_path() -> None:
    body = {"order_id": "SO-1", "lines": [{"sku": "A", "location": "W", "quantity": "5"}]}
    same = {"lines": [{"quantity": "5", "location": "W", "sku": "A"}], "order_id": "SO-1"}
    changed = {"order_id": "SO-1", "lines": [{"sku": "A", "location": "W", "quantity": "6"}]}
    base = domain.request_fingerprint("POST", "/v1/orders", body)
    assert domain.request_fingerprint("post", "/v1/orders", same) == base
    assert domain.request_fingerprint("POST", "/v1/orders", changed) != base
    assert domain.request_fingerprint("PUT", "/v1/orders", body) != base
    assert domain.request_fingerprint("POST", "/v1/receipts", body) != base


def test_repeat_with_same_request_replays_and_with_another_is_refused() -> None:
    stored = StoredResponse("abc", 202, {"event_id": "e1"})
    assert domain.judge_repeat(stored, "abc") == Replay(stored)
    assert domain.judge_repeat(stored, "abd") == KeyReused()


def test_idempotency_key_format() -> None:
    assert domain.valid_idempotency_key("3f2a9c1e-0000-4000-8000-000000000001")
    assert not domain.valid_idempotency_key("")
    assert not domain.valid_idempotency_key("has space")
    assert not domain.valid_idempotency_key("x" * 256)
    assert not domain.valid_idempotency_key("键")


def test_retry_delays_grow_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base_seconds=2, cap_seconds=60)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (4, 16), (5, 32), (6, 60), (9, 60)]:
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt
        assert max(delays) - min(delays) > ceiling / 4  # jitter spreads the retries


def test_failure_schedules_a_retry_until_the_last_attempt_then_gives_up() -> None:
    policy = RetryPolicy(max_attempts=3, base_seconds=1, cap_seconds=10)
    now = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    first = domain.after_failure(policy, 1, now)
    assert isinstance(first, RetryAt)
    assert now + timedelta(seconds=0.5) <= first.due_at <= now + timedelta(seconds=1)
    assert isinstance(domain.after_failure(policy, 2, now), RetryAt)
    assert domain.after_failure(policy, 3, now) == GiveUp()
