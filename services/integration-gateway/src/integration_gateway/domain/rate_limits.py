"""Per-client rate limits: a token bucket for each API client, kept in this process.

A client may send `burst` requests at once and `per_second` on average; a request that finds
the bucket empty is refused with the seconds until a token is back. The time is a monotonic
clock passed in, so tests move it by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """`per_second` requests on average, up to `burst` at once."""

    per_second: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs per_second > 0 and burst >= 1")


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """One token bucket per client id. `admit` is O(1) and does no I/O: it runs on every
    request, the order intake included."""

    def __init__(self, default: RateLimit, monotonic: Callable[[], float]) -> None:
        self.default = default
        """The limit of a client without one of its own."""
        self._monotonic = monotonic
        self._buckets: dict[str, _Bucket] = {}

    def admit(self, client_id: str, limit: RateLimit) -> float:
        """Take a token of `client_id`'s bucket: 0.0 when admitted, otherwise the seconds
        until a token is back (nothing is taken). A changed `limit` applies at once."""
        now = self._monotonic()
        bucket = self._buckets.get(client_id)
        if bucket is None:
            bucket = self._buckets[client_id] = _Bucket(float(limit.burst), now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(float(limit.burst), bucket.tokens + elapsed * limit.per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / limit.per_second


def retry_after_seconds(wait: float) -> int:
    """The ``Retry-After`` value for a wait: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(wait))
