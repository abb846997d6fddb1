"""The CloudEvents 1.0 envelope (structured JSON mode) every Kafka message is wrapped in.

    {"specversion": "1.0", "id": "...", "source": "/services/reservation",
     "type": "inventory.stock.reserved.v1", "time": "2025-03-01T08:00:00Z",
     "subject": "SO-1001", "datacontenttype": "application/json",
     "correlationid": "...", "causationid": "...", "data": {...}}

`decode` reads any bytes and either returns a `CloudEvent` or raises an `EventDecodeError`
subclass, never anything else. It requires `specversion`, `id`, `source`, `type` and `data`
(an object); a missing `time` defaults to the time of decoding, and unknown extension attributes
are accepted and dropped. `decode_data` then validates `data` against the model of `type`.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue, ValidationError

from inventory_contracts.errors import (
    InvalidEventData,
    InvalidJson,
    NotACloudEvent,
    UnsupportedSpecVersion,
    bounded,
    describe_validation_error,
)
from inventory_contracts.events.base import Event
from inventory_contracts.registry import model_for

SPEC_VERSION: Final = "1.0"
CONTENT_TYPE: Final = "application/json"
STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json"
"""Kafka `content-type` header value of a structured-mode CloudEvent."""

REQUIRED_ATTRIBUTES: Final = ("specversion", "id", "source", "type", "data")


_VERSION_4 = 0x4000 << 64
_VARIANT_RFC_4122 = 0x8000 << 48
_VERSION_AND_VARIANT_BITS = (0xF000 << 64) | (0xC000 << 48)


_ID_BITS = random.Random()
"""The event ids' own generator: nothing else in the process can seed it (a library or a test
framework calling ``random.seed`` would otherwise make ids repeat); seeded again in a forked
child so parent and child never share a sequence."""
os.register_at_fork(after_in_child=_ID_BITS.seed)


def _new_id() -> str:
    """A random (version 4) UUID, from a `random.Random` of its own rather than `uuid.uuid4`.

    An event id must be unique, not unpredictable: 122 random bits from a generator seeded by
    the operating system at start-up (and again in a forked child) make a clash as unlikely as
    `uuid4` does, at a third of the cost (no system call per id; a service under load makes
    thousands a second).
    """
    bits = _ID_BITS.getrandbits(128) & ~_VERSION_AND_VARIANT_BITS | _VERSION_4 | _VARIANT_RFC_4122
    digits = f"{bits:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _now() -> datetime:
    return datetime.now(UTC)


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event whose `data` is a JSON object (the fields of an `Event`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = SPEC_VERSION
    id: str = Field(default_factory=_new_id, min_length=1, description="Unique per event.")
    source: str = Field(
        min_length=1, pattern=r"^\S+$", description='URI-reference, e.g. "/services/reservation".'
    )
    type: str = Field(min_length=1, description='e.g. "inventory.order.placed.v1".')
    time: AwareDatetime = Field(default_factory=_now)
    subject: str | None = None
    datacontenttype: Literal["application/json"] = CONTENT_TYPE
    correlationid: str | None = Field(
        None, min_length=1, description="Id shared by all events of one business flow."
    )
    causationid: str | None = Field(
        None, min_length=1, description="Id of the event that caused this one."
    )
    data: dict[str, JsonValue]


def new_event(
    data_model: Event,
    *,
    source: str,
    subject: str | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    caused_by: CloudEvent | None = None,
    event_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    """Wrap `data_model` in a CloudEvent whose `type` is the model's `event_type`.

    `caused_by` is the event being handled: the new event takes its correlation id (or its id,
    when it has none) and its id as causation id, unless they are given explicitly. `event_id`
    and `time` default to a fresh random UUID and now (UTC).
    """
    if not isinstance(data_model, Event) or not hasattr(data_model, "event_type"):
        raise TypeError(f"not a concrete event model: {type(data_model).__name__}")
    if caused_by is not None:
        correlation_id = correlation_id or caused_by.correlationid or caused_by.id
        causation_id = causation_id or caused_by.id
    extra: dict[str, Any] = {}
    if event_id is not None:
        extra["id"] = event_id
    if time is not None:
        extra["time"] = time
    return CloudEvent(
        source=source,
        type=data_model.event_type,
        subject=subject,
        correlationid=correlation_id,
        causationid=causation_id,
        data=data_model.model_dump(mode="json"),
        **extra,
    )


def encode(ce: CloudEvent) -> bytes:
    """The event as compact UTF-8 JSON; absent optional attributes are left out, not null."""
    unset = {
        name for name in ("subject", "correlationid", "causationid") if getattr(ce, name) is None
    }
    return ce.model_dump_json(exclude=unset).encode()


def decode(raw: bytes) -> CloudEvent:
    """Parse a Kafka message value into a CloudEvent.

    Raises `InvalidJson`, `NotACloudEvent`, `UnsupportedSpecVersion` or `InvalidEventData`
    (data not an object), all `EventDecodeError`, and nothing else, whatever the bytes.
    """
    well_formed = _decode_well_formed(raw)
    if well_formed is not None:
        return well_formed
    document = _parse_json(raw)
    if not isinstance(document, dict):
        raise NotACloudEvent(f"expected a JSON object, got {_json_kind(document)}")
    missing = [name for name in REQUIRED_ATTRIBUTES if name not in document]
    if missing:
        raise NotACloudEvent(f"missing required attribute(s): {', '.join(missing)}")
    version = document["specversion"]
    if version != SPEC_VERSION:
        shown = bounded(json.dumps(version), 40)
        raise UnsupportedSpecVersion(f'specversion is {shown}, only the string "1.0" is supported')
    try:
        return CloudEvent.model_validate(document)
    except ValidationError as exc:
        reason = describe_validation_error(exc)
        if all(err["loc"][:1] == ("data",) for err in exc.errors()):
            raise InvalidEventData(reason) from None
        raise NotACloudEvent(reason) from None


def _decode_well_formed(raw: bytes) -> CloudEvent | None:
    """The common case, parsed and validated in one pass of pydantic's JSON reader (about 3x
    faster than `json` plus validation); None for anything else, which the careful path then
    explains. That reader takes NaN and Infinity, which JSON has not, so those go the careful
    way too, as do events that rely on a default for a required attribute."""
    if not isinstance(raw, bytes) or b"NaN" in raw or b"Infinity" in raw:
        return None
    try:
        ce = CloudEvent.model_validate_json(raw)
    except ValueError:
        return None
    return ce if ce.model_fields_set.issuperset(REQUIRED_ATTRIBUTES) else None


def decode_data(ce: CloudEvent, *, ignore_unknown_fields: bool = False) -> Event:
    """Validate `ce.data` against the model registered for `ce.type`.

    Raises `UnknownEventType` or `InvalidEventData` (whose reason names the fields at fault,
    e.g. "data.lines.0.quantity: Input should be greater than 0"). Unknown fields in `data` are
    refused unless `ignore_unknown_fields` (a tolerant reader of newer producers).
    """
    model = model_for(ce.type)
    try:
        return model.model_validate(ce.data, extra="ignore" if ignore_unknown_fields else None)
    except ValidationError as exc:
        raise InvalidEventData(describe_validation_error(exc, prefix="data.")) from None


def _parse_json(raw: bytes) -> Any:
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise InvalidJson(f"expected bytes, got {type(raw).__name__}")
    try:
        text = bytes(raw).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidJson(f"not UTF-8: byte {exc.object[exc.start]:#04x} at {exc.start}") from None
    if not text.strip():
        raise InvalidJson("empty message")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        # ValueError: NaN/Infinity or an integer too long to convert; RecursionError: nesting.
        raise InvalidJson(f"unreadable JSON: {type(exc).__name__}: {exc}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
