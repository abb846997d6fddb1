"""The gateway's rules, free of I/O: API keys, idempotency, webhook signatures, retry schedule."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

API_KEY_PREFIX = "igw_"
ALL_SCOPES = "*"

Scope = Literal["orders:write", "master-data:write", "receipts:write", "subscriptions:admin"]
SCOPES: tuple[Scope, ...] = (
    "orders:write",
    "master-data:write",
    "receipts:write",
    "subscriptions:admin",
)


# --- API keys -------------------------------------------------------------------------------


def generate_api_key() -> str:
    """A new random API key (shown once; only its hash is stored)."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """The hex SHA-256 of `key`, as stored in the `api_clients` table."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiClient:
    """A system (CRM, ERP, connector) allowed to call the gateway."""

    id: str
    name: str
    scopes: tuple[str, ...]
    active: bool

    def may(self, scope: Scope) -> bool:
        """True when the client holds `scope` (or every scope)."""
        return self.active and (ALL_SCOPES in self.scopes or scope in self.scopes)


# --- idempotency ----------------------------------------------------------------------------


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """Hash of what a request asks for: method, path and the body as canonical JSON.

    The body is the validated document (e.g. quantities normalised), so `5` and `"5"` or a
    different key order count as the same request.
    """
    canonical = json.dumps(
        [method.upper(), path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    """The response given to the first request made with an idempotency key."""

    request_hash: str
    status_code: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Replay:
    """Same key, same request: answer with the stored response, do nothing else."""

    response: StoredResponse


@dataclass(frozen=True)
class KeyReused:
    """Same key, different request: a client bug, refused."""


def judge_repeat(stored: StoredResponse, request_hash: str) -> Replay | KeyReused:
    """Decide what a request whose idempotency key was already used gets."""
    return Replay(stored) if hmac.compare_digest(stored.request_hash, request_hash) else KeyReused()


def valid_idempotency_key(key: str) -> bool:
    """Keys are 1-255 printable ASCII characters (UUIDs are the usual choice)."""
    return 0 < len(key) <= 255 and all(33 <= ord(ch) <= 126 for ch in key)


# --- outbound webhooks ------------------------------------------------------------------------


def signature(body: bytes, secret: str) -> str:
    """The ``X-Signature`` header value: ``sha256=<hex HMAC-SHA256 of body with secret>``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_matches(body: bytes, secret: str, header: str) -> bool:
    """True when `header` is the signature of `body` with `secret` (constant-time compare)."""
    return hmac.compare_digest(signature(body, secret), header)


def subscribed(event_types: Sequence[str], event_type: str) -> bool:
    """True when a subscription to `event_types` wants events of `event_type`."""
    return event_type in event_types


@dataclass(frozen=True)
class WriteBack:
    """One consumed event to deliver to one subscription (queued at most once per pair)."""

    subscription_id: str
    event_id: str
    event_type: str
    payload: bytes


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for webhook deliveries, up to `max_attempts` tries."""

    max_attempts: int
    base_seconds: float
    cap_seconds: float

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds before the try after failed try number `attempt` (1 = the first try).

        The ceiling doubles per attempt up to the cap; the delay is drawn from
        [ceiling/2, ceiling] so receivers recovering from an outage aren't hit all at once.
        """
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** min(attempt - 1, 40))
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


@dataclass(frozen=True)
class RetryAt:
    """The delivery failed and is tried again at `due_at`."""

    due_at: datetime


@dataclass(frozen=True)
class GiveUp:
    """The delivery failed its last allowed try."""


def after_failure(
    policy: RetryPolicy, attempts: int, now: datetime, rng: random.Random | None = None
) -> RetryAt | GiveUp:
    """What becomes of a delivery whose try number `attempts` failed."""
    if attempts >= policy.max_attempts:
        return GiveUp()
    return RetryAt(now + timedelta(seconds=policy.delay(attempts, rng)))
