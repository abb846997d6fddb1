"""The consumer's decisions per record, with an in-memory unit of work and DLQ.

These run the real `PartitionProcessor` (what `KafkaConsumerLoop` does with each partition's
records) without a broker; the integration tests run the same paths against Kafka and
PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from inventory_contracts.envelope import encode, new_event
from inventory_runtime.context import current_causation_id, current_correlation_id
from inventory_runtime.dead_letter import DeadLetterSender
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.processing import PartitionProcessor
from inventory_runtime.retry import TransientError
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import Subscription, WantedTypes, per_message

TOPIC = "test.logic"
TP = TopicPartition(TOPIC, 0)
Happened: Any = None
Failed: Any = None


@pytest.fixture(autouse=True)
def _events(thing_events: Any) -> None:
    global Happened, Failed
    Happened, Failed = thing_events(TOPIC)


class FakeDeadLetters(DeadLetterSender):
    def __init__(self) -> None:
        super().__init__(["unused:9092"], client_id="fake")
        self.sent: list[tuple[ConsumerRecord[Any, Any], str, str]] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(
        self, record: ConsumerRecord[Any, Any], *, group_id: str, code: str, reason: str
    ) -> None:
        self.sent.append((record, code, reason))


def record(offset: int, value: bytes, key: bytes | None = b"k") -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(TOPIC, 0, offset, 0, 0, key, value, None, 1, len(value), [])


def event_bytes(
    thing_id: str, *, event_id: str | None = None, correlation: str | None = None
) -> bytes:
    ce = new_event(Happened(thing_id=thing_id), source="/services/test", correlation_id=correlation)
    if event_id:
        ce = ce.model_copy(update={"id": event_id})
    return encode(ce)


class Echo:
    """Publishes one ThingFailed per handled event (a transactional, countable effect)."""

    def __init__(self, fail_on: dict[str, Exception | list[Exception]] | None = None) -> None:
        self.fail_on = fail_on or {}
        self.calls = 0
        self.seen_context: list[tuple[str | None, str | None]] = []
        self.on_call: Callable[[int], None] = lambda calls: None

    async def __call__(self, event: InboundEvent, uow: FakeUnitOfWork) -> None:
        self.calls += 1
        self.on_call(self.calls)
        self.seen_context.append((current_correlation_id(), current_causation_id()))
        failure = self.fail_on.get(event.data.thing_id)  # type: ignore[attr-defined]
        if isinstance(failure, list):
            if failure:
                raise failure.pop(0)
        elif failure is not None:
            raise failure
        uow.publish(Failed(thing_id=event.data.thing_id, note="applied"))  # type: ignore[attr-defined]


class Loop:
    """What the consumer loop gives the processor: revocation state and retry pauses."""

    def __init__(self) -> None:
        self.revoked: set[TopicPartition] = set()

    async def pause(self, tp: TopicPartition, delay: float) -> bool:
        await asyncio.sleep(delay)
        return tp not in self.revoked


def make_processor(
    handler: Echo,
    uow: FakeUnitOfWork,
    *,
    batch: bool = True,
    idempotent: bool = False,
    wanted_types: WantedTypes[FakeUnitOfWork] | None = None,
) -> tuple[PartitionProcessor[FakeUnitOfWork], FakeDeadLetters, Loop]:
    settings = ServiceSettings(
        service_name="test",
        consumer_retry_attempts=3,
        consumer_retry_backoff_base_seconds=0.001,
        consumer_retry_backoff_cap_seconds=0.005,
    )
    subscription = Subscription(
        "group-1",
        [Happened],
        per_message(handler),
        batch=batch,
        idempotent=[Happened] if idempotent else (),
        wanted_types=wanted_types,
    )
    dead_letters, loop = FakeDeadLetters(), Loop()
    processor = PartitionProcessor(
        subscription,
        settings=settings,
        uow_factory=lambda: uow,
        dead_letters=dead_letters,
        pause=loop.pause,
        is_revoked=loop.revoked.__contains__,
    )
    return processor, dead_letters, loop


def applied(uow: FakeUnitOfWork) -> list[str]:
    return [p.event.thing_id for p in uow.published]  # type: ignore[attr-defined]


async def process(
    processor: PartitionProcessor[FakeUnitOfWork], records: Sequence[ConsumerRecord[Any, Any]]
) -> int | None:
    return await processor.process(TP, records)


@pytest.mark.parametrize("batch", [True, False])
async def test_poison_record_is_dead_lettered_and_the_rest_applied_once(batch: bool) -> None:
    uow, handler = FakeUnitOfWork(), Echo(fail_on={"poison": ValueError("negative quantity")})
    processor, dead_letters, _ = make_processor(handler, uow, batch=batch)
    records = [
        record(10, event_bytes("a")),
        record(11, b"{not json"),
        record(12, event_bytes("poison")),
        record(13, event_bytes("b")),
    ]
    next_offset = await process(processor, records)
    assert next_offset == 14
    assert sorted(applied(uow)) == ["a", "b"]
    assert [(r.offset, code) for r, code, _ in dead_letters.sent] == [
        (11, "invalid_json"),
        (12, "handler_error"),
    ]
    assert "ValueError: negative quantity" in dead_letters.sent[1][2]


async def test_batch_failure_falls_back_to_one_transaction_per_message() -> None:
    uow, handler = FakeUnitOfWork(), Echo(fail_on={"poison": ValueError("bad")})
    processor, _, _ = make_processor(handler, uow)
    await process(processor, [record(0, event_bytes("a")), record(1, event_bytes("poison"))])
    # The failed batch transaction published nothing; "a" was applied in its own transaction.
    assert applied(uow) == ["a"]
    assert uow.commits == 1


async def test_transient_failure_is_retried_until_it_succeeds_without_dlq() -> None:
    flaky = [TransientError("db busy")] * 5  # more than consumer_retry_attempts
    uow, handler = FakeUnitOfWork(), Echo(fail_on={"a": list(flaky)})
    processor, dead_letters, _ = make_processor(handler, uow, batch=False)
    assert await process(processor, [record(0, event_bytes("a"))]) == 1
    assert applied(uow) == ["a"]
    assert dead_letters.sent == []
    assert handler.calls == 6


async def test_duplicate_event_id_is_applied_once() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, _, _ = make_processor(handler, uow)
    same = event_bytes("a", event_id="evt-1")
    assert await process(processor, [record(0, same), record(1, same)]) == 2
    assert await process(processor, [record(2, same)]) == 3  # redelivered later
    assert applied(uow) == ["a"]
    assert handler.calls == 1


async def test_idempotent_types_skip_the_inbox_so_a_redelivery_reaches_the_handler() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, _, _ = make_processor(handler, uow, idempotent=True)
    same = event_bytes("a", event_id="evt-1")
    assert await process(processor, [record(0, same), record(1, same)]) == 2
    assert handler.calls == 1  # twice in one batch: still applied once
    assert await process(processor, [record(2, same)]) == 3  # redelivered later
    assert handler.calls == 2  # the handler's own keys must make this harmless
    assert uow.processed == set()  # no inbox entries written


def test_idempotent_types_must_be_subscribed() -> None:
    with pytest.raises(ValueError, match="not in events"):
        Subscription("group-1", [Happened], per_message(Echo()), idempotent=[Failed])


async def test_unsubscribed_types_are_skipped_and_committed() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, dead_letters, _ = make_processor(handler, uow)
    other = encode(new_event(Failed(thing_id="x"), source="/services/test"))
    assert await process(processor, [record(0, other)]) == 1
    assert handler.calls == 0 and dead_letters.sent == []


async def test_invalid_data_names_the_field() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, dead_letters, _ = make_processor(handler, uow)
    bad = event_bytes("a").replace(b'"thing_id":"a"', b'"thing_id":5')
    await process(processor, [record(0, bad)])
    (_, code, reason), *_ = dead_letters.sent
    assert code == "invalid_data" and "data.thing_id" in reason


async def test_revoked_partition_abandons_retries_and_commits_only_what_was_done() -> None:
    uow = FakeUnitOfWork()
    handler = Echo(fail_on={"b": [TransientError("db down")] * 1000})
    processor, _, loop = make_processor(handler, uow, batch=False)
    records = [
        record(0, event_bytes("a")),
        record(1, event_bytes("b")),
        record(2, event_bytes("c")),
    ]

    def revoke_on_third_call(calls: int) -> None:
        if calls == 3:  # "a" once, then "b" twice: the rebalance arrives mid-retry
            loop.revoked.add(TP)

    handler.on_call = revoke_on_third_call
    next_offset = await asyncio.wait_for(process(processor, records), 5)
    assert next_offset == 1  # "a" done; "b" abandoned; "c" never attempted
    assert applied(uow) == ["a"]


async def test_handler_sees_correlation_and_causation_of_the_message() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, _, _ = make_processor(handler, uow)
    await process(processor, [record(0, event_bytes("a", event_id="e-1", correlation="flow-9"))])
    await process(processor, [record(1, event_bytes("b", event_id="e-2"))])
    assert handler.seen_context == [("flow-9", "e-1"), ("e-2", "e-2")]
    published = uow.published[0].cloud_event
    assert (published.correlationid, published.causationid) == ("flow-9", "e-1")
    assert uow.published[0].cloud_event.type == Failed.event_type


def on(partition: int, offset: int, value: bytes) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(TOPIC, partition, offset, 0, 0, b"k", value, None, 1, len(value), [])


async def test_a_poll_over_several_partitions_is_applied_in_one_transaction() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, _, _ = make_processor(handler, uow)
    other_type = encode(new_event(Failed(thing_id="x"), source="/services/test"))
    batches = {
        TopicPartition(TOPIC, 0): [on(0, 5, event_bytes("a")), on(0, 6, event_bytes("b"))],
        TopicPartition(TOPIC, 1): [on(1, 9, event_bytes("c")), on(1, 10, other_type)],
        TopicPartition(TOPIC, 2): [on(2, 3, other_type)],
    }

    offsets = await processor.process_poll(batches)

    assert uow.commits == 1
    assert applied(uow) == ["a", "b", "c"]  # partition order kept
    assert offsets == {
        TopicPartition(TOPIC, 0): 7,
        TopicPartition(TOPIC, 1): 11,
        TopicPartition(TOPIC, 2): 4,
    }


async def test_a_poll_with_an_unreadable_record_goes_partition_by_partition() -> None:
    uow, handler = FakeUnitOfWork(), Echo(fail_on={"poison": ValueError("bad")})
    processor, dead_letters, _ = make_processor(handler, uow)
    batches = {
        TopicPartition(TOPIC, 0): [on(0, 0, event_bytes("a")), on(0, 1, b"{not json")],
        TopicPartition(TOPIC, 1): [on(1, 0, event_bytes("poison")), on(1, 1, event_bytes("b"))],
    }

    offsets = await processor.process_poll(batches)

    assert sorted(applied(uow)) == ["a", "b"]
    assert [(r.partition, r.offset, code) for r, code, _ in dead_letters.sent] == [
        (0, 1, "invalid_json"),
        (1, 0, "handler_error"),
    ]
    assert offsets == {TopicPartition(TOPIC, 0): 2, TopicPartition(TOPIC, 1): 2}


async def test_a_failing_poll_transaction_falls_back_and_skips_revoked_partitions() -> None:
    uow, handler = FakeUnitOfWork(), Echo(fail_on={"poison": ValueError("bad")})
    processor, dead_letters, loop = make_processor(handler, uow)
    loop.revoked.add(TopicPartition(TOPIC, 2))
    batches = {
        TopicPartition(TOPIC, 0): [on(0, 0, event_bytes("a"))],
        TopicPartition(TOPIC, 1): [on(1, 0, event_bytes("poison"))],
        TopicPartition(TOPIC, 2): [on(2, 0, event_bytes("not ours any more"))],
    }

    offsets = await processor.process_poll(batches)

    assert applied(uow) == ["a"]  # the whole-poll transaction published nothing
    assert [(r.partition, code) for r, code, _ in dead_letters.sent] == [(1, "handler_error")]
    assert offsets == {TopicPartition(TOPIC, 0): 1, TopicPartition(TOPIC, 1): 1}


def hinted(offset: int, value: bytes, event_type: str) -> ConsumerRecord[bytes, bytes]:
    headers = [("event-type", event_type.encode())]
    return ConsumerRecord(TOPIC, 0, offset, 0, 0, b"k", value, None, 1, len(value), headers)


async def test_a_type_header_lets_unhandled_types_pass_unread_but_never_handled_ones() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, dead_letters, _ = make_processor(handler, uow)
    records = [
        hinted(0, b"not even json", "inventory.something.else.v1"),  # passed over, unread
        hinted(1, event_bytes("a"), Happened.event_type),
        hinted(2, b"{broken", Happened.event_type),  # a handled type is always read
    ]

    assert await process(processor, records) == 3
    assert applied(uow) == ["a"]
    assert [(r.offset, code) for r, code, _ in dead_letters.sent] == [(2, "invalid_json")]


class Wanted:
    """A `Subscription.wanted_types` whose answer the test sets (or makes fail)."""

    def __init__(self, types: set[str] | Exception) -> None:
        self.types = types
        self.asked = 0

    async def __call__(self, uow: FakeUnitOfWork) -> set[str]:
        self.asked += 1
        if isinstance(self.types, Exception):
            raise self.types
        return self.types


def two_partitions_of_happened() -> dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]:
    return {
        TopicPartition(TOPIC, 0): [
            hinted(0, event_bytes("a"), Happened.event_type),
            hinted(1, event_bytes("b"), Happened.event_type),
        ],
        TopicPartition(TOPIC, 1): [hinted(0, event_bytes("c"), Happened.event_type)],
    }


async def test_types_nobody_wants_now_are_passed_over_unread_and_committed() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    wanted = Wanted(set())
    processor, dead_letters, _ = make_processor(handler, uow, wanted_types=wanted)
    batches = two_partitions_of_happened()
    batches[TopicPartition(TOPIC, 1)].append(hinted(1, b"{broken", Happened.event_type))

    offsets = await processor.process_poll(batches)

    assert wanted.asked == 1  # once per poll, not per partition or record
    assert handler.calls == 0 and applied(uow) == []
    assert dead_letters.sent == []  # not read at all, so not judged
    assert offsets == {TopicPartition(TOPIC, 0): 2, TopicPartition(TOPIC, 1): 2}


async def test_wanted_types_are_read_and_applied_as_usual() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    processor, _, _ = make_processor(handler, uow, wanted_types=Wanted({Happened.event_type}))

    await processor.process_poll(two_partitions_of_happened())

    assert applied(uow) == ["a", "b", "c"]


async def test_when_the_wanted_types_are_unknown_the_poll_is_read_in_full() -> None:
    uow, handler = FakeUnitOfWork(), Echo()
    wanted = Wanted(ConnectionError("database unreachable"))
    processor, _, _ = make_processor(handler, uow, wanted_types=wanted)

    offsets = await processor.process_poll(two_partitions_of_happened())

    assert applied(uow) == ["a", "b", "c"]  # nothing skipped on a guess
    assert offsets == {TopicPartition(TOPIC, 0): 2, TopicPartition(TOPIC, 1): 1}
