"""Applying the records of one partition: decode, dead-letter, dedupe, handle, retry.

`KafkaConsumerLoop` owns the Kafka side (polling, offsets, rebalances) and hands each
partition's records to a `PartitionProcessor`, which returns how far the partition may be
committed. See `inventory_runtime.consumer` for the guarantees.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from inventory_contracts.events.base import Event

from inventory_runtime import metrics
from inventory_runtime.dead_letter import DeadLetterSender
from inventory_runtime.inbound import (
    HANDLER_ERROR_CODE,
    Ignored,
    InboundEvent,
    Undecodable,
    decode_record,
)
from inventory_runtime.retry import backoff_delay, is_transient, summarize
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import Subscription, U, event_context

log = logging.getLogger(__name__)


class PartitionProcessor(Generic[U]):
    """Applies records in offset order and says up to where they were dealt with.

    `pause(tp, seconds)` waits before a retry and returns False to abandon the partition
    (revoked, or the loop stopping); `is_revoked(tp)` is checked before each message.
    """

    def __init__(
        self,
        subscription: Subscription[U],
        *,
        settings: ServiceSettings,
        uow_factory: Callable[[], U],
        dead_letters: DeadLetterSender,
        pause: Callable[[TopicPartition, float], Awaitable[bool]],
        is_revoked: Callable[[TopicPartition], bool],
    ) -> None:
        self._subscription = subscription
        self._group_id = subscription.group_id
        self._settings = settings
        self._uow_factory = uow_factory
        self._dead_letters = dead_letters
        self._pause = pause
        self._is_revoked = is_revoked
        self._models = {model.event_type: model for model in subscription.events}
        self._untracked = subscription.untracked_types()

    async def process_poll(
        self, batches: Mapping[TopicPartition, Sequence[ConsumerRecord[Any, Any]]]
    ) -> dict[TopicPartition, int]:
        """Deal with one poll's records; return the offset to commit per partition.

        When every record is a readable event (or one this group ignores) the whole poll is
        applied in one transaction, whatever partitions it spans: order only matters within a
        partition, and that order is kept. Otherwise, or if that transaction fails, partition
        by partition (`process`), which isolates what is bad.
        """
        models = await self._wanted_models()
        decoded = {
            tp: [decode_record(record, models) for record in records]
            for tp, records in batches.items()
            if records and not self._is_revoked(tp)
        }
        if self._subscription.batch and len(decoded) > 1 and await self._apply_poll(decoded):
            return {tp: batches[tp][-1].offset + 1 for tp in decoded}
        offsets: dict[TopicPartition, int] = {}
        for tp, polled in decoded.items():
            next_offset = await self.process(tp, batches[tp], polled)
            if next_offset is not None:
                offsets[tp] = next_offset
        return offsets

    async def _wanted_models(self) -> Mapping[str, type[Event]]:
        """The models of the types to read in this poll (`Subscription.wanted_types`)."""
        wanted_types = self._subscription.wanted_types
        if wanted_types is None:
            return self._models
        try:
            async with self._uow_factory() as uow:
                wanted = set(await wanted_types(uow))
        except Exception as exc:
            log.warning("could not tell which event types are wanted (%s)", summarize(exc))
            return self._models
        return {name: model for name, model in self._models.items() if name in wanted}

    async def _apply_poll(
        self, decoded: Mapping[TopicPartition, Sequence[InboundEvent | Undecodable | Ignored]]
    ) -> bool:
        """One transaction for all of `decoded`; False if a record is unreadable or it failed."""
        outcomes = [outcome for polled in decoded.values() for outcome in polled]
        if any(isinstance(outcome, Undecodable) for outcome in outcomes):
            return False
        events = [outcome for outcome in outcomes if isinstance(outcome, InboundEvent)]
        try:
            if events:
                await self._apply(events)
        except Exception as exc:
            log.warning(
                "poll of %d from %d partitions failed (%s); applying per partition",
                len(events),
                len(decoded),
                summarize(exc),
            )
            return False
        for tp, polled in decoded.items():
            for outcome in polled:
                if isinstance(outcome, Ignored):
                    _count_ignored(tp, outcome)
        return True

    async def process(
        self,
        tp: TopicPartition,
        records: Sequence[ConsumerRecord[Any, Any]],
        decoded: Sequence[InboundEvent | Undecodable | Ignored] | None = None,
    ) -> int | None:
        """Deal with `records` in order; return the offset to commit (None: nothing done).

        `decoded` is `records` already decoded, if the caller has done it.
        """
        next_offset: int | None = None
        run: list[InboundEvent] = []
        if decoded is None:
            decoded = [decode_record(record, self._models) for record in records]
        for record, outcome in zip(records, decoded, strict=True):
            if isinstance(outcome, InboundEvent):
                run.append(outcome)
                continue
            complete, next_offset = await self._flush(tp, run, next_offset)
            run = []
            if not complete:
                return next_offset
            if isinstance(outcome, Ignored):
                _count_ignored(tp, outcome)
            elif not await self._dead_letter(
                tp, record, outcome.code, outcome.reason, outcome.type
            ):
                return next_offset
            next_offset = record.offset + 1
        _, next_offset = await self._flush(tp, run, next_offset)
        return next_offset

    async def _flush(
        self, tp: TopicPartition, run: list[InboundEvent], next_offset: int | None
    ) -> tuple[bool, int | None]:
        """Apply a run of consecutive events; say if all were done, and the offset to commit."""
        if not run:
            return True, next_offset
        applied = await self._apply_run(tp, run)
        if applied:
            next_offset = run[applied - 1].offset + 1
        return applied == len(run), next_offset

    async def _apply_run(self, tp: TopicPartition, run: list[InboundEvent]) -> int:
        """Apply consecutive events; return how many (a prefix) were dealt with."""
        if self._is_revoked(tp):
            return 0
        if self._subscription.batch and len(run) > 1:
            try:
                await self._apply(run)
                return len(run)
            except Exception as exc:
                log.warning(
                    "batch of %d from %s failed (%s); applying one by one",
                    len(run),
                    tp,
                    summarize(exc),
                )
        for index, event in enumerate(run):
            if not await self._apply_with_retries(tp, event):
                return index
        return len(run)

    async def _apply(self, events: Sequence[InboundEvent]) -> None:
        """One transaction: inbox entries (of tracked types), the handler's effects and its
        outbox rows."""
        async with self._uow_factory() as uow:
            tracked = [e.id for e in events if e.type not in self._untracked]
            new_ids = await uow.mark_processed_many(self._group_id, tracked)
            fresh = []
            taken: set[str] = set()
            for event in events:  # the same message twice in one batch is applied once
                if event.id in taken:
                    continue
                if event.id in new_ids or event.type in self._untracked:
                    taken.add(event.id)
                    fresh.append(event)
            if fresh:
                started = time.perf_counter()
                try:
                    if len(fresh) == 1:
                        with event_context(fresh[0]):
                            await self._subscription.handler(fresh, uow)
                    else:
                        await self._subscription.handler(fresh, uow)
                finally:
                    metrics.HANDLER_DURATION.labels(events[0].topic).observe(
                        time.perf_counter() - started
                    )
            await uow.commit()
        fresh_ids = {id(e) for e in fresh}
        for event in events:
            outcome = "ok" if id(event) in fresh_ids else "duplicate"
            metrics.MESSAGES_CONSUMED.labels(event.topic, event.type, outcome).inc()

    async def _apply_with_retries(self, tp: TopicPartition, event: InboundEvent) -> bool:
        attempt = 0
        while not self._is_revoked(tp):
            try:
                await self._apply([event])
                return True
            except Exception as exc:
                attempt += 1
                transient = is_transient(exc)
                with event_context(event):
                    if not transient and attempt >= self._settings.consumer_retry_attempts:
                        log.error("giving up on %s after %d tries", event.id, attempt, exc_info=exc)
                        reason = summarize(exc)
                        return await self._dead_letter(
                            tp, event.record, HANDLER_ERROR_CODE, reason, event.type
                        )
                    log.warning(
                        "handling %s failed (try %d, %s): %s",
                        event.id,
                        attempt,
                        "transient" if transient else "will retry",
                        summarize(exc),
                    )
                metrics.MESSAGES_CONSUMED.labels(event.topic, event.type, "retry").inc()
                if not await self._pause(tp, self._delay(attempt)):
                    return False
        return False

    async def _dead_letter(
        self,
        tp: TopicPartition,
        record: ConsumerRecord[Any, Any],
        code: str,
        reason: str,
        event_type: str,
    ) -> bool:
        """Send `record` to ``<topic>.dlq``, retrying; False if abandoned before the ack."""

        async def keep_trying(attempt: int) -> bool:
            return await self._pause(tp, self._delay(attempt))

        return await self._dead_letters.deliver(
            record,
            group_id=self._group_id,
            code=code,
            reason=reason,
            event_type=event_type,
            keep_trying=keep_trying,
        )

    def _delay(self, attempt: int) -> float:
        return backoff_delay(
            attempt,
            base=self._settings.consumer_retry_backoff_base_seconds,
            cap=self._settings.consumer_retry_backoff_cap_seconds,
        )


def _count_ignored(tp: TopicPartition, outcome: Ignored) -> None:
    metrics.MESSAGES_CONSUMED.labels(tp.topic, outcome.type, "ignored").inc()
