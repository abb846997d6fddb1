"""The outbound delivery worker: sends queued items over HTTP (or any channel), with retries.

One worker serves every outbound queue of the platform (the gateway's webhook deliveries,
alerting's notifications). Each round claims due rows ``FOR UPDATE SKIP LOCKED`` and pushes
their due time out by a lease, so several processes share the work and a crashed one's claims
come back; then sends them outside any transaction and records each outcome: done, tried again
later with backoff (`RetryPolicy`), or given up into the dead-letter status ``failed``, which
keeps the last error for whoever looks. Delivery is at least once: receivers dedupe by the id
the sender puts in its headers.

A queue table has the columns ``id``, ``status`` (``pending`` while work is left), ``attempts``,
``next_attempt_at`` and ``last_error``; `OutboundQueue` says how to read an item of it and what
to write when it is done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import ColumnElement, Row, Select, Table, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from inventory_runtime.retry import RetryPolicy, summarize

log = logging.getLogger(__name__)

T = TypeVar("T")
PENDING = "pending"
FAILED = "failed"
MAX_ERROR_LENGTH = 500
Outcome = Literal["done", "retry", "failed"]


class DeliveryFailed(Exception):
    """The receiver did not take the item (`status_code` if it answered at all)."""

    def __init__(self, reason: str, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.status_code = status_code


@dataclass(frozen=True)
class Claimed(Generic[T]):
    """A claimed row: its id, which try this is, and the item to send."""

    id: int
    attempt: int
    item: T


@dataclass(frozen=True)
class OutboundQueue(Generic[T]):
    """One queue table: what to claim and how to read it, what to write once it is done."""

    table: Table
    claimable: Select[Any]
    """The rows that may be sent (joins and conditions); must select the table's ``id`` and
    ``attempts``. The worker adds the due time, the order, the limit and the lock."""
    to_item: Callable[[Row[Any]], T]
    done: Callable[[datetime], Mapping[str, object]]
    """The values of a sent row, e.g. ``{"status": "sent", "sent_at": now}``."""
    status_code_column: str | None = None
    """Where to keep the receiver's last HTTP status, if the table has such a column."""


@dataclass(frozen=True)
class DeliveryTuning:
    """How much a round takes, how often it polls, how long a send may take, how it retries."""

    batch_size: int
    poll_interval_seconds: float
    timeout_seconds: float
    retry: RetryPolicy

    @classmethod
    def from_settings(cls, settings: object, prefix: str) -> DeliveryTuning:
        """From a service's ``<prefix>_batch_size``, ``_poll_interval_seconds``,
        ``_timeout_seconds``, ``_max_attempts``, ``_backoff_base_seconds`` and
        ``_backoff_cap_seconds`` settings (``DELIVERY_*``, ``NOTIFICATION_*`` in the env)."""

        def setting(name: str) -> float:
            value = getattr(settings, f"{prefix}_{name}")
            if not isinstance(value, int | float):
                raise TypeError(f"{prefix}_{name} is not a number")
            return value

        return cls(
            batch_size=int(setting("batch_size")),
            poll_interval_seconds=setting("poll_interval_seconds"),
            timeout_seconds=setting("timeout_seconds"),
            retry=RetryPolicy(
                max_attempts=int(setting("max_attempts")),
                base_seconds=setting("backoff_base_seconds"),
                cap_seconds=setting("backoff_cap_seconds"),
            ),
        )


Send = Callable[[T], Awaitable[int | None]]
"""Sends one item; returns the receiver's HTTP status (None for other channels) or raises."""


def pending(table: Table) -> ColumnElement[bool]:
    """``<table>.status = 'pending'`` written literally: the predicate of the queue's partial
    index of due rows. With ``status = $1`` a generic plan of the prepared claim cannot use that
    index and scans every row ever queued."""
    return text(f"{table.name}.status = '{PENDING}'")  # type: ignore[return-value]


class DeliveryWorker(Generic[T]):
    """Sends due items until cancelled; `deliver_due` does one round (tests call it)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        queue: OutboundQueue[T],
        send: Send[T],
        tuning: DeliveryTuning,
        *,
        describe: Callable[[T], str] = repr,
        on_outcome: Callable[[T, Outcome, float], None] | None = None,
        on_pending: Callable[[int], None] | None = None,
    ) -> None:
        """`on_outcome(item, outcome, seconds)` and `on_pending(count)` feed the metrics."""
        self._session_factory = session_factory
        self._queue = queue
        self._send = send
        self._tuning = tuning
        self._describe = describe
        self._on_outcome = on_outcome
        self._on_pending = on_pending

    async def run(self) -> None:
        """Deliver rounds forever; database trouble is logged and waited out."""
        while True:
            try:
                tried = await self.deliver_due()
            except Exception as exc:
                log.warning("delivery round failed: %s", summarize(exc))
                tried = 0
            if tried < self._tuning.batch_size:
                await asyncio.sleep(self._tuning.poll_interval_seconds)

    async def deliver_due(self) -> int:
        """Claim, send and record one round of due items; return how many were tried."""
        claimed = await self._claim()
        if claimed:
            await asyncio.gather(*(self._deliver(one) for one in claimed))
        if self._on_pending is not None:
            self._on_pending(await self.pending_count())
        return len(claimed)

    async def pending_count(self) -> int:
        """Items still to be sent (due or waiting for a retry)."""
        table = self._queue.table
        async with self._session_factory() as session:
            count = await session.scalar(
                select(func.count()).select_from(table).where(pending(table))
            )
        return count or 0

    async def _claim(self) -> list[Claimed[T]]:
        table = self._queue.table
        now = datetime.now(UTC)
        lease = timedelta(seconds=self._tuning.timeout_seconds * 3 + 5)
        query = (
            self._queue.claimable.where(pending(table), table.c.next_attempt_at <= now)
            .order_by(table.c.next_attempt_at, table.c.id)
            .limit(self._tuning.batch_size)
            .with_for_update(of=table, skip_locked=True)
        )
        async with self._session_factory() as session, session.begin():
            rows = (await session.execute(query)).all()
            if rows:
                await session.execute(
                    update(table)
                    .where(table.c.id.in_([row.id for row in rows]))
                    .values(attempts=table.c.attempts + 1, next_attempt_at=now + lease)
                )
        return [Claimed(row.id, row.attempts + 1, self._queue.to_item(row)) for row in rows]

    async def _deliver(self, claimed: Claimed[T]) -> None:
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self._tuning.timeout_seconds):
                status_code = await self._send(claimed.item)
        except DeliveryFailed as exc:
            status_code, error = exc.status_code, str(exc)
        except Exception as exc:  # a channel's failure of any kind is recorded and retried
            error = summarize(exc)
        outcome = await self._record(claimed, status_code, error)
        if self._on_outcome is not None:
            self._on_outcome(claimed.item, outcome, time.perf_counter() - started)

    async def _record(
        self, claimed: Claimed[T], status_code: int | None, error: str | None
    ) -> Outcome:
        now = datetime.now(UTC)
        values: dict[str, object] = {}
        if self._queue.status_code_column is not None:
            values[self._queue.status_code_column] = status_code
        outcome: Outcome
        if error is None:
            values |= {**self._queue.done(now), "last_error": None}
            outcome = "done"
        else:
            values["last_error"] = error[:MAX_ERROR_LENGTH]
            retry_at = self._tuning.retry.next_try(claimed.attempt, now)
            if retry_at is None:
                values["status"] = FAILED
                outcome = "failed"
            else:
                values["next_attempt_at"] = retry_at
                outcome = "retry"
            log.warning(
                "delivery %s (%s) failed (try %d, %s): %s",
                claimed.id,
                self._describe(claimed.item),
                claimed.attempt,
                outcome,
                error,
            )
        table = self._queue.table
        async with self._session_factory() as session, session.begin():
            await session.execute(
                update(table)
                .where(table.c.id == claimed.id, table.c.status == PENDING)
                .values(**values)
            )
        return outcome
