"""Which failures the consumer retries, and how long it (or a delivery) waits."""

import random
from datetime import UTC, datetime, timedelta

import asyncpg.exceptions
import pytest
import sqlalchemy.exc
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    ProducerClosed,
    ProducerFenced,
    RecordTooLargeError,
)
from inventory_runtime.retry import (
    RetryPolicy,
    TransientError,
    backoff_delay,
    is_fatal_producer_error,
    is_transient,
    summarize,
)


def _wrapped(orig: Exception) -> sqlalchemy.exc.DBAPIError:
    """What SQLAlchemy raises around a driver error."""
    try:
        raise sqlalchemy.exc.DBAPIError("INSERT ...", {}, orig) from orig
    except sqlalchemy.exc.DBAPIError as exc:
        return exc


class _DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    "exc",
    [
        TransientError("downstream busy"),
        TimeoutError(),
        ConnectionRefusedError(),
        sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed")),
        sqlalchemy.exc.TimeoutError("QueuePool limit reached"),
        _wrapped(_DriverError("40001")),  # serialization failure
        _wrapped(_DriverError("40P01")),  # deadlock
        _wrapped(_DriverError("08006")),  # connection failure
        _wrapped(asyncpg.exceptions.SerializationError("could not serialize")),
        _wrapped(asyncpg.exceptions.DeadlockDetectedError("deadlock detected")),
        KafkaConnectionError(),
        KafkaTimeoutError(),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_retryable_failures_are_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("quantity must be positive"),
        KeyError("sku"),
        _wrapped(_DriverError("23505")),  # unique violation: retrying won't help
        sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("duplicate key")),
        RecordTooLargeError(),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_bad_input_and_bugs_are_not_transient(exc: BaseException) -> None:
    assert not is_transient(exc)


def test_explicit_cause_counts_but_implicit_context_does_not() -> None:
    class Unavailable(Exception):
        pass

    try:
        try:
            raise TimeoutError
        except TimeoutError as timeout:
            raise Unavailable("stock service") from timeout
    except Unavailable as exc:
        assert is_transient(exc)

    try:
        try:
            raise TimeoutError
        except TimeoutError:
            raise ValueError("bug in the except block") from None
    except ValueError as exc:
        assert not is_transient(exc)


def test_backoff_grows_stays_within_bounds_and_never_exceeds_cap() -> None:
    rng = random.Random(7)
    base, cap = 0.1, 5.0
    for attempt in range(1, 40):
        ceiling = min(cap, base * 2 ** (attempt - 1))
        for _ in range(50):
            delay = backoff_delay(attempt, base=base, cap=cap, rng=rng)
            assert ceiling / 2 <= delay <= ceiling <= cap
    assert backoff_delay(1000, base=base, cap=cap) <= cap
    with pytest.raises(ValueError):
        backoff_delay(0, base=base, cap=cap)


def test_backoff_is_jittered() -> None:
    rng = random.Random(1)
    delays = {backoff_delay(5, base=0.1, cap=30, rng=rng) for _ in range(20)}
    assert len(delays) > 1


def test_retry_policy_waits_the_backoff_of_each_failed_try() -> None:
    policy = RetryPolicy(max_attempts=10, base_seconds=30, cap_seconds=600)
    rng = random.Random(3)
    for attempt in range(1, 10):
        ceiling = min(600, 30 * 2 ** (attempt - 1))
        assert ceiling / 2 <= policy.delay(attempt, rng) <= ceiling


def test_retry_policy_gives_up_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3, base_seconds=30, cap_seconds=600)
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    after_first = policy.next_try(1, now)
    after_second = policy.next_try(2, now)
    assert after_first is not None and after_second is not None
    assert now + timedelta(seconds=15) <= after_first <= now + timedelta(seconds=30)
    assert now + timedelta(seconds=30) <= after_second <= now + timedelta(seconds=60)
    assert policy.next_try(3, now) is None
    assert policy.next_try(4, now) is None


def test_producer_recreated_only_after_fatal_errors() -> None:
    assert is_fatal_producer_error(ProducerFenced())
    assert is_fatal_producer_error(ProducerClosed())
    assert not is_fatal_producer_error(KafkaConnectionError())
    assert not is_fatal_producer_error(KafkaTimeoutError())
    assert not is_fatal_producer_error(ValueError())


def test_summary_fits_a_header() -> None:
    text = summarize(ValueError("line one\nline two " + "x" * 1000))
    assert text.startswith("ValueError: line one line two")
    assert len(text) <= 500
    assert "\n" not in text
