"""The Kafka consumer loop: apply each message once, commit offsets after the database.

A service declares what it consumes with a `Subscription` and a handler::

    async def handle(messages: Sequence[InboundEvent], uow: ReservationUoW) -> None: ...

    Subscription(group_id="reservation", events=[OrderPlaced, StockMoved], handler=handle)

For each batch from `getmany` (all of it in one transaction when every record is a readable
event, else per partition), per partition in offset order, the loop

* sends records that are not readable events (bad JSON, bad envelope, bad data) to
  ``<topic>.dlq`` with ``dlq-*`` headers, and moves on;
* skips events of types the subscription does not list (outcome ``ignored``);
* applies the rest in one transaction with their inbox entries (duplicates are dropped there);
  if that transaction fails it goes one message per transaction to isolate the bad one;
* retries a message whose handler failed transiently (`is_transient`) with backoff, as long as
  it takes; a message that keeps failing otherwise goes to the DLQ after
  ``consumer_retry_attempts`` tries;
* commits ``offset + 1`` per partition only after the database commit or the acknowledged DLQ
  send, and never past a message that was not dealt with. The commit runs while the next poll
  is fetched and applied (one in flight at a time; stop and revocation wait for it).

On rebalance, revoked partitions are no longer processed: a message waiting for a retry is
abandoned (it is redelivered to the new owner), and the revocation waits for the batch in hand.
Offsets of work already committed to the database are still committed while the partition is
ours; if that fails the inbox makes the redelivery harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any, Generic

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

from inventory_runtime import metrics
from inventory_runtime.dead_letter import DeadLetterSender
from inventory_runtime.processing import PartitionProcessor
from inventory_runtime.retry import backoff_delay, summarize
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import Subscription, U

log = logging.getLogger(__name__)


# aiokafka ships no type hints, so its base class is Any to mypy (`unused-ignore`: a non-strict
# run does not flag the subclass).
class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc, unused-ignore]
    def __init__(self, loop: KafkaConsumerLoop[Any]) -> None:
        self._loop = loop

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        await self._loop._on_revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        self._loop._revoked.difference_update(assigned)
        self._loop._record_assignment()


class KafkaConsumerLoop(Generic[U]):
    """Runs one `Subscription` until `stop`; see the module docstring for the guarantees."""

    def __init__(
        self,
        subscription: Subscription[U],
        *,
        settings: ServiceSettings,
        uow_factory: Callable[[], U],
    ) -> None:
        self.subscription = subscription
        self._settings = settings
        self._lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._revoked: set[TopicPartition] = set()
        self._stopping = False
        self._running = False
        self._done = asyncio.Event()
        self._consumer: AIOKafkaConsumer | None = None
        self._commit: asyncio.Task[None] | None = None
        self._lag_recorded_at = 0.0
        self._dead_letters = DeadLetterSender(
            settings.bootstrap_servers,
            client_id=f"{settings.service_name}-{subscription.group_id}-dlq",
        )
        self._processor = PartitionProcessor(
            subscription,
            settings=settings,
            uow_factory=uow_factory,
            dead_letters=self._dead_letters,
            pause=self._pause,
            is_revoked=self._revoked.__contains__,
        )

    @property
    def group_id(self) -> str:
        """The Kafka consumer group, also the inbox `consumer` name."""
        return self.subscription.group_id

    def assignment(self) -> set[TopicPartition]:
        """Partitions currently assigned to this loop (empty before it joined the group)."""
        return set(self._consumer.assignment()) if self._consumer else set()

    async def run(self) -> None:
        """Consume until `stop` is called; connection trouble is retried, bugs propagate (and
        the supervisor runs it again: `inventory_runtime.supervise`)."""
        self._running = True
        self._done.clear()
        try:
            if await self._start():
                await self._poll_until_stopped()
                await self._committed()
        finally:
            if self._commit is not None:  # the loop failed: the commit in flight still ends
                with contextlib.suppress(Exception):
                    await self._commit
                self._commit = None
            await self._close()
            self._done.set()

    async def stop(self, grace_seconds: float = 30.0) -> None:
        """Finish the batch in hand, commit its offsets, leave the group and close."""
        self._stopping = True
        self._wakeup.set()
        if self._running:
            await asyncio.wait_for(self._done.wait(), grace_seconds)

    async def _start(self) -> bool:
        attempt = 0
        while not self._stopping:
            self._consumer = AIOKafkaConsumer(
                bootstrap_servers=self._settings.bootstrap_servers,
                group_id=self.group_id,
                client_id=f"{self._settings.service_name}-{self.group_id}",
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                fetch_min_bytes=self._settings.consumer_fetch_min_bytes,
                fetch_max_wait_ms=self._settings.consumer_fetch_max_wait_ms,
            )
            self._consumer.subscribe(self.subscription.topic_names(), listener=_Rebalance(self))
            self._record_assignment()  # every topic at 0 until the group assigns partitions
            try:
                await self._consumer.start()
                await self._dead_letters.start()
                return True
            except (KafkaError, OSError) as exc:
                attempt += 1
                log.warning("consumer %s cannot start: %s", self.group_id, summarize(exc))
                await self._close()
                await self._sleep(self._delay(attempt))
        return False

    async def _close(self) -> None:
        try:
            if self._consumer is not None:
                await self._consumer.stop()
            await self._dead_letters.stop()
        except Exception:  # closing must not hide the reason we are closing
            log.exception("error while closing the Kafka clients of %s", self.group_id)
        self._consumer = None
        self._record_assignment()

    def _record_assignment(self, leaving: set[TopicPartition] | None = None) -> None:
        """Set the assigned-partitions gauge of every subscribed topic (0: none of it here),
        not counting the partitions `leaving` (being revoked)."""
        assigned = self.assignment() - (leaving or set())
        for topic in self.subscription.topic_names():
            count = sum(1 for tp in assigned if tp.topic == topic)
            metrics.CONSUMER_ASSIGNED_PARTITIONS.labels(self.group_id, topic).set(count)

    async def _poll_until_stopped(self) -> None:
        assert self._consumer is not None
        attempt = 0
        while not self._stopping:
            if self._commit is not None and self._commit.done():
                await self._committed()  # a commit that failed with a bug stops the loop here
            try:
                batches = await self._consumer.getmany(
                    timeout_ms=self._settings.consumer_poll_timeout_ms,
                    max_records=self._settings.consumer_max_batch_size,
                )
                if batches and self._settings.consumer_fetch_top_up_ms:
                    await self._top_up(batches)
                attempt = 0
            except KafkaError as exc:
                if not exc.retriable:
                    raise
                attempt += 1
                log.warning("poll failed for %s: %s", self.group_id, summarize(exc))
                await self._sleep(self._delay(attempt))
                continue
            if batches:
                async with self._lock:
                    offsets = await self._processor.process_poll(batches)
                    await self._committed()
                    self._commit = asyncio.create_task(self._commit_offsets(offsets))
            await self._record_lag(busy=bool(batches))

    async def _top_up(self, batches: dict[TopicPartition, list[Any]]) -> None:
        """Add to `batches` what the fetch that taking them started brings back in time.

        The client fetches ahead: what `getmany` hands over was fetched while the previous poll
        was being processed, so it is up to a whole processing cycle old, and what arrived
        since waits a further cycle. Waiting a few ms for the fetch just sent takes those
        records into this poll, which cuts a cycle from the latency of a busy partition.
        """
        assert self._consumer is not None
        room = self._settings.consumer_max_batch_size - sum(map(len, batches.values()))
        if room <= 0:
            return
        more = await self._consumer.getmany(
            timeout_ms=self._settings.consumer_fetch_top_up_ms, max_records=room
        )
        for tp, records in more.items():  # later offsets of a partition follow its earlier
            batches[tp] = [*batches.get(tp, ()), *records]

    async def _committed(self) -> None:
        """Wait for the offset commit in flight, if any (raising what it failed with).

        The commit of a poll's offsets runs while the next poll is fetched and applied: its
        round trip to the broker is off the path of the next records. Only one is in flight at
        a time, so commits happen in order; revocation and stop wait for it, so the offsets of
        work already in the database are committed while the partitions are still ours.
        """
        commit, self._commit = self._commit, None
        if commit is not None:
            await commit

    async def _commit_offsets(self, offsets: dict[TopicPartition, int]) -> None:
        """Commit offsets of partitions still ours; a failed commit only means redelivery."""
        if self._consumer is None:
            return
        assigned = self._consumer.assignment()
        owned = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if not owned:
            return
        try:
            await self._consumer.commit(owned)
        except KafkaError as exc:
            log.warning("offset commit failed, messages will be redelivered: %s", summarize(exc))

    async def _on_revoked(self, revoked: set[TopicPartition]) -> None:
        self._revoked |= revoked
        self._wakeup.set()
        async with self._lock:  # let the batch in hand finish or abandon the revoked partitions
            await self._committed()
        for tp in revoked:
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_LAG.remove(tp.topic, str(tp.partition))
        self._record_assignment(revoked)

    async def _record_lag(self, *, busy: bool) -> None:
        """Update the lag gauges: after an idle poll, or once a second while busy."""
        now = asyncio.get_running_loop().time()
        if self._consumer is None or (busy and now - self._lag_recorded_at < 1.0):
            return
        self._lag_recorded_at = now
        consumer = self._consumer
        for tp in list(consumer.assignment()):
            # A rebalance may revoke tp while an earlier position() was awaited: aiokafka then
            # asserts in highwater(). Lag is only a gauge; it must never stop consumption.
            if tp not in consumer.assignment():
                continue
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            try:
                position = await asyncio.wait_for(consumer.position(tp), 1.0)
            except (KafkaError, TimeoutError, AssertionError):
                continue
            lag = max(highwater - position, 0)
            metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(lag)

    def _delay(self, attempt: int) -> float:
        return backoff_delay(
            attempt,
            base=self._settings.consumer_retry_backoff_base_seconds,
            cap=self._settings.consumer_retry_backoff_cap_seconds,
        )

    async def _pause(self, tp: TopicPartition, delay: float) -> bool:
        """Sleep before a retry; False if the partition was revoked or the loop is stopping."""
        if tp in self._revoked or self._stopping:
            return False
        await self._sleep(delay)
        return tp not in self._revoked and not self._stopping

    async def _sleep(self, delay: float) -> None:
        if self._stopping:
            return
        self._wakeup.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), delay)
