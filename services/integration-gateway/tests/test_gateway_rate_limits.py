"""Per-client token buckets, without I/O: bursts, refill, one client never slowing another."""

from __future__ import annotations

import pytest
from integration_gateway.domain import ApiClient, RateLimit, RateLimiter, retry_after_seconds


class ManualClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_admitted_then_refused_with_the_wait_for_the_next_token() -> None:
    clock = ManualClock()
    limiter = RateLimiter(RateLimit(2.0, 3), clock)
    assert [limiter.admit("erp", limiter.default) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.admit("erp", limiter.default) == pytest.approx(0.5)
    clock.now += 0.25
    assert limiter.admit("erp", limiter.default) == pytest.approx(0.25)  # refusals take nothing
    clock.now += 0.25
    assert limiter.admit("erp", limiter.default) == 0.0
    assert limiter.admit("erp", limiter.default) > 0


def test_a_bucket_refills_at_the_rate_up_to_the_burst_only() -> None:
    clock = ManualClock()
    limiter = RateLimiter(RateLimit(1.0, 2), clock)
    for _ in range(2):
        limiter.admit("erp", limiter.default)
    clock.now += 3600  # an hour idle earns the burst, not 3,600 requests
    admitted = [limiter.admit("erp", limiter.default) == 0.0 for _ in range(4)]
    assert admitted == [True, True, False, False]


def test_one_noisy_client_does_not_slow_another() -> None:
    limiter = RateLimiter(RateLimit(1.0, 1), ManualClock())
    assert limiter.admit("noisy", limiter.default) == 0.0
    assert limiter.admit("noisy", limiter.default) > 0
    assert limiter.admit("quiet", limiter.default) == 0.0


def test_a_client_limit_overrides_the_default_field_by_field() -> None:
    default = RateLimit(50.0, 100)
    assert ApiClient("c1", "erp", ("*",), True).rate_limit(default) == default
    assert ApiClient("c1", "erp", ("*",), True, 5.0, None).rate_limit(default) == RateLimit(5, 100)
    assert ApiClient("c1", "erp", ("*",), True, None, 7).rate_limit(default) == RateLimit(50, 7)


def test_a_lowered_limit_applies_at_once() -> None:
    limiter = RateLimiter(RateLimit(100.0, 100), ManualClock())
    assert limiter.admit("erp", limiter.default) == 0.0  # 99 tokens left
    lowered = RateLimit(1.0, 1)
    assert limiter.admit("erp", lowered) == 0.0  # capped at the new burst of 1, and taken
    assert limiter.admit("erp", lowered) == pytest.approx(1.0)


def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one() -> None:
    assert [retry_after_seconds(w) for w in (0.001, 0.5, 1.0, 1.01, 2.5)] == [1, 1, 1, 2, 3]


def test_a_limit_must_admit_something() -> None:
    with pytest.raises(ValueError):
        RateLimit(0, 10)
    with pytest.raises(ValueError):
        RateLimit(1, 0)
