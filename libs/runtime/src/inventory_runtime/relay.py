"""The outbox relay: publishes committed outbox rows to Kafka, in order, without losing any.

Each round, in one transaction: take a transaction-level advisory lock (so one relay of a
service publishes at a time and rows of one key can't be published out of order by two relays
working on neighbouring batches) and, in the same statement, select the oldest unpublished
rows ``FOR UPDATE SKIP LOCKED``; send them in id order with an idempotent producer
(``acks=all``), wait for every ack, mark the acknowledged ones ``published_at`` and commit.
Other relay instances of the service find the lock taken and wait for the next round, so
running several is safe (and gives fail-over).

Between rounds the relay waits `relay_poll_interval_seconds`, or less when `notify` says rows
were committed (the service's units of work call it after such a commit); a relay that found
another one holding the lock looks again after `LOCK_RETRY_SECONDS`.

A row whose send failed stays unpublished, and so do the later rows of the same key in that
round, so the next round resends them in order. If the broker is down the rows simply wait and
the relay backs off; a producer that hit a fatal error is closed and recreated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, MessageSizeTooLargeError
from aiokafka.partitioner import DefaultPartitioner
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from inventory_runtime import metrics
from inventory_runtime.db import outbox_table as outbox
from inventory_runtime.inbound import EVENT_TYPE_HEADER
from inventory_runtime.relay_batches import PartitionBatches, key_hash, publishable_prefix
from inventory_runtime.relay_sql import DELETE_PUBLISHED, MARK_PUBLISHED, PURGE_INBOX, TAKE_ROUND
from inventory_runtime.retry import backoff_delay, is_fatal_producer_error, summarize
from inventory_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)

LOCK_RETRY_SECONDS = 0.02
"""How soon a relay that found another one publishing tries again: that round may have started
before this process's rows were committed, and only this relay is woken for them."""


class OutboxRelay:
    """Publishes a service's outbox until `stop`; run it as a background task."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: ServiceSettings
    ) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._stopped = asyncio.Event()
        self._work = asyncio.Event()
        self._partitioner = DefaultPartitioner()
        self._lock_was_taken = False
        self.consecutive_failures = 0
        self.last_error: str | None = None

    async def run(self) -> None:
        """Publish rounds until stopped; broker and database outages are waited out.

        Maintenance (gauges, purges) runs beside the rounds, never between them: its scans
        take longest exactly when the outbox is busy and bloated, and must not hold up events.
        """
        maintenance = asyncio.create_task(self._maintain_until_stopped())
        try:
            while not self._stopped.is_set():
                self._work.clear()  # rows committed from here on are this round's or wake the next
                try:
                    published = await self.publish_pending()
                    self.consecutive_failures, self.last_error = 0, None
                except Exception as exc:
                    self.consecutive_failures += 1
                    self.last_error = summarize(exc)
                    log.warning(
                        "outbox relay round failed (%d in a row): %s",
                        self.consecutive_failures,
                        self.last_error,
                    )
                    await self._sleep(self._backoff(self.consecutive_failures), on_work=False)
                    continue
                if self._lock_was_taken:  # another relay is publishing; ours may not be in it
                    await self._sleep(LOCK_RETRY_SECONDS, on_work=False)
                elif published < self._settings.relay_batch_size:
                    await self._sleep(self._settings.relay_poll_interval_seconds, on_work=True)
        finally:
            maintenance.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await maintenance
            await self._close_producer()

    async def stop(self) -> None:
        """Ask `run` to return after the round in hand (which it finishes)."""
        self._stopped.set()

    def notify(self) -> None:
        """Rows were committed: start the next round now instead of after the poll interval
        (a relay backing off from a failure keeps its pace)."""
        self._work.set()

    async def publish_pending(self) -> int:
        """Publish one round; return how many rows were published.

        Raises when nothing could be sent (e.g. broker unreachable) so the caller backs off;
        rows that failed stay unpublished either way.
        """
        async with self._session_factory() as session, session.begin():
            taken = (
                await session.execute(TAKE_ROUND, {"limit": self._settings.relay_batch_size})
            ).all()
            self._lock_was_taken = not taken[0].taken
            rows = [row for row in taken if row.id is not None]
            if not rows:
                return 0
            results = await self._send_all(rows)
            published = publishable_prefix(rows, results)
            if published:
                done = (
                    DELETE_PUBLISHED
                    if self._settings.relay_retention_hours == 0
                    else MARK_PUBLISHED
                )
                await session.execute(done, {"ids": [row.id for row in published]})
        for row in published:
            metrics.MESSAGES_PRODUCED.labels(row.topic, row.event_type).inc()
        failed = len(rows) - len(published)
        if failed:
            metrics.OUTBOX_PUBLISH_FAILURES.inc(failed)
            errors = [r for r in results if isinstance(r, BaseException)]
            if any(is_fatal_producer_error(e) for e in errors):
                await self._close_producer()
            if not published:
                raise errors[0] if errors else RuntimeError("outbox rows were not published")
        return len(published)

    async def _send_all(self, rows: Sequence[Row[Any]]) -> list[object]:
        """Send every row in id order; the result per row is its metadata or its exception.

        Rows are packed into record batches per partition (in id order within each), the
        partition chosen as the producer itself would (murmur2 of the key, as the Java client
        does), so a round of thousands of rows costs a few futures instead of one per message.
        """
        producer = await self._ensure_producer()
        results: list[object] = [None] * len(rows)
        partitions: dict[str, list[int] | BaseException] = {}
        batches = PartitionBatches(producer)
        for index, row in enumerate(rows):
            if row.topic not in partitions:
                try:  # e.g. no metadata for the topic: other topics go on
                    partitions[row.topic] = sorted(await producer.partitions_for(row.topic))
                except KafkaError as exc:
                    partitions[row.topic] = exc
            known = partitions[row.topic]
            if isinstance(known, BaseException):
                results[index] = known
                continue
            key = row.key.encode() if row.key is not None else None
            headers = [(k, str(v).encode()) for k, v in (row.headers or {}).items()]
            headers.append((EVENT_TYPE_HEADER, row.event_type.encode()))
            partition = (
                known[key_hash(key) % len(known)]
                if key is not None
                else self._partitioner(key, known, known)
            )
            if not await batches.add(index, row.topic, partition, key, row.payload, headers):
                results[index] = MessageSizeTooLargeError(
                    f"outbox row {row.id} does not fit in a record batch"
                )
        for outcome, members in await batches.flush():
            for index in members:
                results[index] = outcome
        return results

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self._settings.bootstrap_servers,
                client_id=f"{self._settings.service_name}-outbox-relay",
                enable_idempotence=True,
                acks="all",
                request_timeout_ms=self._settings.relay_send_timeout_ms,
                linger_ms=5,
            )
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await producer.stop()
            except Exception:
                log.exception("error while closing the outbox producer")

    async def _maintain_until_stopped(self) -> None:
        while not self._stopped.is_set():
            await self._maintain()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._stopped.wait(), self._settings.relay_stats_interval_seconds
                )

    async def _maintain(self) -> None:
        """Refresh the depth/age gauges; purge published outbox rows and inbox entries past
        their retention, a bounded slice each (cheap)."""
        try:
            async with self._session_factory() as session, session.begin():
                depth, oldest_age = (
                    await session.execute(
                        select(
                            func.count(),
                            func.extract("epoch", func.now() - func.min(outbox.c.created_at)),
                        ).where(outbox.c.published_at.is_(None))
                    )
                ).one()
                retention = timedelta(hours=self._settings.relay_retention_hours)
                expired = (
                    select(outbox.c.id)
                    .where(outbox.c.published_at < func.now() - retention)
                    .limit(10_000)
                    .scalar_subquery()
                )
                await session.execute(delete(outbox).where(outbox.c.id.in_(expired)))
                await session.execute(PURGE_INBOX, {"hours": self._settings.inbox_retention_hours})
        except Exception as exc:
            log.warning("outbox statistics failed: %s", summarize(exc))
            return
        metrics.OUTBOX_DEPTH.set(depth)
        metrics.OUTBOX_OLDEST_AGE.set(float(oldest_age or 0))

    def _backoff(self, failures: int) -> float:
        return backoff_delay(
            failures,
            base=self._settings.relay_poll_interval_seconds,
            cap=self._settings.consumer_retry_backoff_cap_seconds,
        )

    async def _sleep(self, delay: float, *, on_work: bool) -> None:
        """Wait `delay` seconds, less if stopped or (`on_work`) notified of new rows."""
        if self._stopped.is_set() or (on_work and self._work.is_set()):
            return
        waits = [asyncio.ensure_future(self._stopped.wait())]
        if on_work:
            waits.append(asyncio.ensure_future(self._work.wait()))
        try:
            await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
