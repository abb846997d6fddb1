"""Idempotency keys: a retried request is answered, not redone; a reused key is refused."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any


class IdempotencyKeyReused(Exception):
    """An idempotency key was sent again with a different request."""


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
