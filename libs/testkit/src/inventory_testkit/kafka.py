"""Watching the platform's topics, and publishing to them as an outside system would."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from inventory_testkit.platform import holds

WATCHED_TOPICS = (
    "inventory.orders.dlq",
    "inventory.stock-movements",
    "inventory.reservations",
    "inventory.availability",
    "inventory.replenishment",
    "inventory.approvals",
    "inventory.purchase-orders",
    "inventory.alerts",
    "inventory.people",
)


@dataclass
class Seen:
    """A message seen on a watched topic."""

    topic: str
    key: str | None
    value: bytes
    headers: dict[str, str]
    partition: int = 0
    offset: int = 0

    @property
    def event(self) -> dict[str, Any]:
        """The message as a CloudEvent (JSON object)."""
        event: dict[str, Any] = json.loads(self.value)
        return event

    @property
    def type(self) -> str | None:
        """The CloudEvent type, or None if the message is not one."""
        try:
            event_type = self.event.get("type")
        except (ValueError, AttributeError):
            return None
        return event_type if isinstance(event_type, str) else None


def has_data(seen: Seen, event_type: str, data: dict[str, Any]) -> bool:
    """True if `seen` is an `event_type` whose data has every given field value."""
    return seen.type == event_type and all(seen.event["data"].get(k) == v for k, v in data.items())


class KafkaWatcher:
    """Reads every watched topic from the offsets current at start and keeps what it sees."""

    def __init__(self, bootstrap: str, topics: Iterable[str] = WATCHED_TOPICS) -> None:
        self.bootstrap = bootstrap
        self.topics = list(topics)
        self.seen: list[Seen] = []
        self.partitions: dict[str, int] = {}
        """Partition count of each watched topic."""
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._new = asyncio.Event()

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await consumer.start()
        self.partitions = await partition_counts(self.bootstrap, self.topics)
        partitions = [
            TopicPartition(topic, partition)
            for topic, count in self.partitions.items()
            for partition in range(count)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:  # pin the start offsets now, before anything is published
            await consumer.position(tp)
        self._consumer = consumer
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
                    key = record.key.decode() if record.key else None
                    self.seen.append(
                        Seen(
                            record.topic,
                            key,
                            record.value or b"",
                            headers,
                            record.partition,
                            record.offset,
                        )
                    )
            if batches:
                self._new.set()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._consumer:
            # A fetch in flight while no event loop ran (a long synchronous test) times out
            # on the way out; the watcher is done either way.
            with contextlib.suppress(KafkaError, asyncio.CancelledError, TimeoutError):
                await self._consumer.stop()

    def matching(self, predicate: Callable[[Seen], object]) -> list[Seen]:
        """Every message seen so far for which `predicate` holds."""
        return [s for s in self.seen if holds(predicate, s)]

    async def wait_for(
        self, predicate: Callable[[Seen], object], *, timeout: float = 30, what: str = "a message"
    ) -> Seen:
        """The first message for which `predicate` holds, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.matching(predicate)
            if found:
                return found[0]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout=min(remaining, 1.0))

    async def wait_for_event(
        self, event_type: str, timeout: float = 30, **data: Any
    ) -> dict[str, Any]:
        """The first CloudEvent of `event_type` whose data has every given field value."""
        seen = await self.wait_for(
            lambda s: has_data(s, event_type, data),
            timeout=timeout,
            what=f"{event_type} with {data}",
        )
        return seen.event

    def events(self, event_type: str, **data: Any) -> list[dict[str, Any]]:
        """Every CloudEvent of `event_type` seen so far whose data has the given field values."""
        return [s.event for s in self.matching(lambda s: has_data(s, event_type, data))]


async def partition_counts(bootstrap: str, topics: Iterable[str]) -> dict[str, int]:
    """The partition count of each of `topics`."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    return {topic["topic"]: len(topic["partitions"]) for topic in described}


async def publish_raw(bootstrap: str, topic: str, key: str, value: bytes) -> None:
    """Publish bytes as they are (to send malformed input on purpose)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


def cloud_event(
    event_type: str, data: dict[str, Any], *, source: str = "/erp/e2e"
) -> dict[str, Any]:
    """A CloudEvent as an ERP would publish it, with a fresh id and the current time."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "type": event_type,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "datacontenttype": "application/json",
        "data": data,
    }
