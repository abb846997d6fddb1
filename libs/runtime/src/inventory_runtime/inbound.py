"""Turning Kafka records into typed events, and dead-letter headers for those that can't be."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic

from aiokafka.structs import ConsumerRecord
from inventory_contracts.envelope import CloudEvent, decode
from inventory_contracts.errors import EventDecodeError, describe_validation_error
from inventory_contracts.events.base import Event
from pydantic import ValidationError
from typing_extensions import TypeVar

E = TypeVar("E", bound=Event, default=Event, covariant=True)

DLQ_HEADER_REASON = "dlq-reason"
DLQ_HEADER_CODE = "dlq-code"
DLQ_HEADER_TOPIC = "dlq-original-topic"
DLQ_HEADER_PARTITION = "dlq-original-partition"
DLQ_HEADER_OFFSET = "dlq-original-offset"
DLQ_HEADER_GROUP = "dlq-consumer-group"
HANDLER_ERROR_CODE = "handler_error"
EVENT_TYPE_HEADER = "event-type"
"""Kafka header the relay adds with the CloudEvent type, so a consumer can pass over types it
does not handle without parsing them. Only a hint: without it the value is read, and a record
whose type the consumer handles is always read and checked in full."""


@dataclass(frozen=True)
class InboundEvent(Generic[E]):
    """A consumed message: the CloudEvent, its typed `data`, and where it came from."""

    cloud_event: CloudEvent
    data: E
    topic: str
    partition: int
    offset: int
    key: str | None
    record: ConsumerRecord[Any, Any] = field(repr=False, compare=False)

    @property
    def id(self) -> str:
        """The CloudEvent id (the inbox dedupe key)."""
        return self.cloud_event.id

    @property
    def type(self) -> str:
        """The CloudEvent type, e.g. ``inventory.order.placed.v1``."""
        return self.cloud_event.type

    @property
    def correlation_id(self) -> str:
        """The incoming correlation id, or this event's id when it starts a conversation."""
        return self.cloud_event.correlationid or self.cloud_event.id

    def subject_keys(self) -> set[str]:
        """What identifies the message's subject: its Kafka key and its data's key."""
        keys = {self.data.key()}
        if self.key is not None:
            keys.add(self.key)
        return keys


@dataclass(frozen=True)
class Undecodable:
    """A record that is not an event we can read; it goes to the dead-letter topic."""

    code: str
    reason: str
    type: str = "unknown"


@dataclass(frozen=True)
class Ignored:
    """A well-formed event of a type this consumer does not handle."""

    type: str


def decode_record(
    record: ConsumerRecord[Any, Any], models: Mapping[str, type[Event]]
) -> InboundEvent | Undecodable | Ignored:
    """Decode `record` into one of the three outcomes, never raising for bad input.

    `models` maps the CloudEvent types the consumer handles to their models; other types are
    `Ignored`, so a topic can carry events for several consumers.
    """
    hinted = _hinted_type(record)
    if hinted is not None and hinted not in models:
        return Ignored(hinted)
    raw: bytes = record.value or b""
    try:
        cloud_event = decode(raw)
    except EventDecodeError as exc:
        return Undecodable(exc.code, exc.reason)
    model = models.get(cloud_event.type)
    if model is None:
        return Ignored(cloud_event.type)
    try:
        data = model.model_validate(cloud_event.data)
    except ValidationError as exc:
        reason = describe_validation_error(exc, prefix="data.")
        return Undecodable("invalid_data", reason, cloud_event.type)
    key = record.key.decode("utf-8", errors="replace") if record.key is not None else None
    return InboundEvent(
        cloud_event=cloud_event,
        data=data,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=key,
        record=record,
    )


def _hinted_type(record: ConsumerRecord[Any, Any]) -> str | None:
    for name, value in record.headers or ():
        if name == EVENT_TYPE_HEADER:
            return bytes(value).decode("utf-8", errors="replace")
    return None


def dlq_headers(
    record: ConsumerRecord[Any, Any], *, group_id: str, code: str, reason: str
) -> list[tuple[str, bytes]]:
    """The original record's headers plus the ``dlq-*`` headers saying why and from where."""
    ours = {
        DLQ_HEADER_REASON: reason,
        DLQ_HEADER_CODE: code,
        DLQ_HEADER_TOPIC: record.topic,
        DLQ_HEADER_PARTITION: str(record.partition),
        DLQ_HEADER_OFFSET: str(record.offset),
        DLQ_HEADER_GROUP: group_id,
    }
    kept = [(k, v) for k, v in (record.headers or ()) if k not in ours]
    return kept + [(k, v.encode("utf-8")) for k, v in ours.items()]
