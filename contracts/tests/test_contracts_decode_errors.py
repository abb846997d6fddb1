"""Whatever bytes arrive, decoding ends in a CloudEvent or an EventDecodeError with a reason."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inventory_contracts import (
    EventDecodeError,
    InvalidEventData,
    UnknownEventType,
    decode,
    decode_data,
    encode,
)
from inventory_contracts.errors import MAX_REASON_LENGTH
from inventory_contracts.examples import example_event

VALID = json.loads(encode(example_event("inventory.order.placed.v1")))


def _with(**changes: Any) -> bytes:
    return json.dumps({**VALID, **changes}).encode()


def _without(*names: str) -> bytes:
    return json.dumps({k: v for k, v in VALID.items() if k not in names}).encode()


def _data_with(**changes: Any) -> bytes:
    return _with(data={**VALID["data"], **changes})


def _nested(depth: int) -> Any:
    return [_nested(depth - 1)] if depth else []


ODD_ENVELOPES = [
    pytest.param(b"", "invalid_json", "empty", id="empty"),
    pytest.param(b"   \n", "invalid_json", "empty", id="blank"),
    pytest.param(b"\xff\xfe{}", "invalid_json", "UTF-8", id="not-utf8"),
    pytest.param(b'{"specversion": "1.0", ', "invalid_json", "line 1", id="truncated"),
    pytest.param(b"NaN", "invalid_json", "NaN", id="nan"),
    pytest.param(
        _data_with(lines=[{"sku": "A", "location": "L", "quantity": float("nan")}]),
        "invalid_json",
        "NaN",
        id="nan-inside-data",
    ),
    pytest.param(b"[" * 100_000, "invalid_json", "", id="deeply-nested"),
    pytest.param(b"1" * 10_000, "invalid_json", "", id="huge-integer"),
    pytest.param(b"[1, 2]", "not_a_cloudevent", "array", id="json-array"),
    pytest.param(b'"hello"', "not_a_cloudevent", "string", id="json-string"),
    pytest.param(b"null", "not_a_cloudevent", "null", id="json-null"),
    pytest.param(b"{}", "not_a_cloudevent", "specversion, id, source, type, data", id="empty-obj"),
    pytest.param(_without("id"), "not_a_cloudevent", "id", id="missing-id"),
    pytest.param(_without("data"), "not_a_cloudevent", "data", id="missing-data"),
    pytest.param(_with(specversion="0.3"), "unsupported_specversion", '"0.3"', id="spec-0.3"),
    pytest.param(_with(specversion=1.0), "unsupported_specversion", "1.0", id="spec-number"),
    pytest.param(_with(id=""), "not_a_cloudevent", "id:", id="empty-id"),
    pytest.param(_with(time="yesterday"), "not_a_cloudevent", "time:", id="bad-time"),
    pytest.param(_with(time="2025-03-03T08:00:00"), "not_a_cloudevent", "time:", id="naive-time"),
    pytest.param(
        _with(datacontenttype="text/xml"), "not_a_cloudevent", "datacontenttype", id="xml"
    ),
    pytest.param(_with(source=["/s"]), "not_a_cloudevent", "source:", id="source-list"),
    pytest.param(_with(data=[1, 2]), "invalid_data", "data:", id="data-array"),
    pytest.param(_with(data="SO-1"), "invalid_data", "data:", id="data-string"),
    pytest.param(_with(data=None), "invalid_data", "data:", id="data-null"),
    pytest.param(_with(data={"x": _nested(500)}), "invalid_data", "depth", id="data-too-deep"),
]


@pytest.mark.parametrize(("raw", "code", "named"), ODD_ENVELOPES)
def test_odd_messages_fail_with_a_code_and_a_reason_naming_the_problem(
    raw: bytes, code: str, named: str
) -> None:
    with pytest.raises(EventDecodeError) as caught:
        decode(raw)

    assert caught.value.code == code
    assert named in caught.value.reason
    assert len(caught.value.reason) <= MAX_REASON_LENGTH
    assert caught.value.reason.isprintable()


ODD_DATA = [
    pytest.param(
        _data_with(lines=[{"sku": "A", "location": "L", "quantity": 0}]),
        "data.lines.0.quantity: Input should be greater than 0",
        id="zero-quantity",
    ),
    pytest.param(
        _data_with(lines=[{"sku": "A", "location": "L", "quantity": "-3"}]),
        "data.lines.0.quantity: Input should be greater than 0",
        id="negative-quantity",
    ),
    pytest.param(
        _data_with(lines=[{"sku": "A", "location": "L", "quantity": "five"}]),
        "data.lines.0.quantity",
        id="quantity-not-a-number",
    ),
    pytest.param(
        _data_with(lines=[{"sku": "A", "location": "L", "quantity": "Infinity"}]),
        "data.lines.0.quantity",
        id="infinite-quantity",
    ),
    pytest.param(
        _data_with(lines=[]), "data.lines: Array should have at least 1 item", id="no-lines"
    ),
    pytest.param(_data_with(order_id=None), "data.order_id", id="null-order-id"),
    pytest.param(_data_with(allow_partal=True), "data.allow_partal: Extra inputs", id="typo"),
    pytest.param(_data_with(priority=2**40), "data.priority", id="priority-too-large"),
]


@pytest.mark.parametrize(("raw", "reason"), ODD_DATA)
def test_invalid_data_is_refused_with_the_path_of_the_field(raw: bytes, reason: str) -> None:
    ce = decode(raw)

    with pytest.raises(InvalidEventData) as caught:
        decode_data(ce)

    assert caught.value.code == "invalid_data"
    assert reason in caught.value.reason


def test_unknown_type_is_its_own_error() -> None:
    ce = decode(_with(type="inventory.order.placed.v9"))

    with pytest.raises(UnknownEventType) as caught:
        decode_data(ce)

    assert caught.value.code == "unknown_type"
    assert "inventory.order.placed.v9" in caught.value.reason


def test_a_newer_producers_extra_field_is_accepted_by_a_tolerant_reader() -> None:
    ce = decode(_data_with(gift_wrap=True))

    with pytest.raises(InvalidEventData):
        decode_data(ce)
    assert decode_data(ce, ignore_unknown_fields=True).key() == VALID["data"]["order_id"]


def test_reason_stays_short_however_many_fields_are_wrong() -> None:
    lines = [{"sku": "", "location": "", "quantity": -1, "x" * 500: 1} for _ in range(50)]
    ce = decode(_data_with(lines=lines))

    with pytest.raises(InvalidEventData) as caught:
        decode_data(ce)

    assert len(caught.value.reason) <= MAX_REASON_LENGTH
    assert caught.value.reason.startswith("data.lines.0.sku")


def test_error_message_shows_code_and_reason() -> None:
    with pytest.raises(EventDecodeError) as caught:
        decode(b"[]")

    assert str(caught.value) == "not_a_cloudevent: expected a JSON object, got an array"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
envelope_like = st.fixed_dictionaries(
    {},
    optional={name: json_values for name in [*VALID, "extra"]}
    | {"specversion": st.just("1.0"), "type": st.sampled_from(["inventory.order.placed.v1", "x"])},
)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_decode_or_fail_with_a_decode_error(raw: bytes) -> None:
    error = _decode_error(raw)

    assert error is None or _is_explained(error), error


@settings(max_examples=300, deadline=None)
@given(
    document=envelope_like, data=st.dictionaries(st.sampled_from(list(VALID["data"])), json_values)
)
def test_any_envelope_like_object_decodes_or_fails_with_a_decode_error(
    document: dict[str, Any], data: dict[str, Any]
) -> None:
    error = _decode_error(json.dumps({**document, "data": data}).encode())

    assert error is None or _is_explained(error), error


DECODE_ERROR_CODES = {
    "invalid_json",
    "not_a_cloudevent",
    "unsupported_specversion",
    "unknown_type",
    "invalid_data",
}


def _decode_error(raw: bytes) -> EventDecodeError | None:
    """Decode `raw` down to its typed data; the `EventDecodeError` if that fails (any other
    exception propagates and fails the test)."""
    try:
        decode_data(decode(raw))
    except EventDecodeError as exc:
        return exc
    return None


def _is_explained(error: EventDecodeError) -> bool:
    """A known code and a reason a dead-letter header can carry."""
    return error.code in DECODE_ERROR_CODES and 0 < len(error.reason) <= MAX_REASON_LENGTH


def test_an_event_decodes_the_same_with_a_byte_order_mark_or_pretty_printed() -> None:
    """A byte-order mark sends an event the careful way, the rest go the fast one: same event."""
    compact = _with()
    pretty = json.dumps(VALID, indent=2).encode()

    assert decode(b"\xef\xbb\xbf" + compact) == decode(compact) == decode(pretty)
