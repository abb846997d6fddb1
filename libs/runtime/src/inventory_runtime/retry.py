"""Which failures are worth retrying, and how long to wait between tries."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy.exc
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError

# SQLSTATE classes and codes that mean "try again later", not "your input is wrong":
# 08 connection exception, 40001 serialization failure, 40P01 deadlock, 53300 too many
# connections, 55P03 lock not available, 57P01-57P03 server shutting down / starting up.
_TRANSIENT_SQLSTATE_PREFIXES = ("08",)
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "53300", "55P03", "57P01", "57P02", "57P03"})


class TransientError(Exception):
    """Raise (or subclass) this from a handler to say "retry me later, my input is fine"."""


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None), exc.__cause__):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__
    return seen


def is_transient(exc: BaseException) -> bool:
    """Tell whether `exc` is likely to go away on retry (database or broker trouble, timeouts).

    Follows explicit causes (``raise ... from ...``, which SQLAlchemy uses to wrap driver
    errors) but not implicit context, so a bug inside an ``except`` block stays a bug.
    """
    for err in _chain(exc):
        if isinstance(err, TransientError | TimeoutError | ConnectionError):
            return True
        if isinstance(err, sqlalchemy.exc.DBAPIError) and err.connection_invalidated:
            return True
        if isinstance(err, sqlalchemy.exc.OperationalError | sqlalchemy.exc.TimeoutError):
            return True
        if isinstance(err, sqlalchemy.exc.InterfaceError):
            return True
        if isinstance(err, KafkaError) and (err.retriable or isinstance(err, KafkaTimeoutError)):
            return True
        code = _sqlstate(err)
        if code is not None and (
            code in _TRANSIENT_SQLSTATES or code.startswith(_TRANSIENT_SQLSTATE_PREFIXES)
        ):
            return True
    return False


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait before retry number `attempt` (1 = first retry).

    Exponential with "equal jitter": the ceiling doubles per attempt up to `cap`, and the delay
    is drawn from [ceiling/2, ceiling], so concurrent consumers spread out but never retry
    in a hot loop.
    """
    if attempt < 1:
        raise ValueError("attempt starts at 1")
    ceiling = min(cap, base * 2.0 ** min(attempt - 1, 62))
    half = ceiling / 2
    jitter = rng.uniform(0, half) if rng is not None else random.uniform(0, half)
    return half + jitter


@dataclass(frozen=True)
class RetryPolicy:
    """Up to `max_attempts` tries, waiting `backoff_delay(base_seconds, cap_seconds)` between."""

    max_attempts: int
    base_seconds: float
    cap_seconds: float

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed try number `attempt` (1 = the first try)."""
        return backoff_delay(attempt, base=self.base_seconds, cap=self.cap_seconds, rng=rng)

    def next_try(
        self, attempts: int, now: datetime, rng: random.Random | None = None
    ) -> datetime | None:
        """When to try again after failed try number `attempts`; None: give up."""
        if attempts >= self.max_attempts:
            return None
        return now + timedelta(seconds=self.delay(attempts, rng))


def summarize(exc: BaseException, limit: int = 500) -> str:
    """One line naming the exception type and message, short enough for a Kafka header."""
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_fatal_producer_error(exc: BaseException) -> bool:
    """Tell whether a Kafka producer is unusable after `exc` and must be closed and recreated.

    Broker outages (connection errors, timeouts, retriable errors) are not fatal: the same
    producer recovers when the broker is back. Fencing, a closed producer, sequence errors and
    other non-retriable Kafka errors are.
    """
    if not isinstance(exc, KafkaError):
        return False
    return not (exc.retriable or isinstance(exc, KafkaTimeoutError | KafkaConnectionError))
