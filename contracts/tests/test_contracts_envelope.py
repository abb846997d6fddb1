"""The CloudEvents envelope: what producers write and what consumers read back."""

from __future__ import annotations

import json
import multiprocessing
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from inventory_contracts import (
    EVENT_TYPES,
    CloudEvent,
    OrderLine,
    OrderPlaced,
    StockReserved,
    decode,
    decode_data,
    encode,
    new_event,
)
from inventory_contracts.examples import EXAMPLES, example_event
from pydantic import ValidationError


def test_there_is_one_example_per_event_type() -> None:
    assert sorted(e.event_type for e in EXAMPLES) == sorted(EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_event_type_survives_encode_and_decode(event_type: str) -> None:
    ce = example_event(event_type)

    decoded = decode(encode(ce))

    assert decoded == ce
    assert decode_data(decoded) == ce_data_model(ce)
    assert type(decode_data(decoded)) is EVENT_TYPES[event_type]


def ce_data_model(ce: CloudEvent) -> object:
    return EVENT_TYPES[ce.type].model_validate(ce.data)


def test_new_event_takes_type_from_the_model_and_fills_id_and_time() -> None:
    order = OrderPlaced(order_id="SO-1", lines=[OrderLine(sku="A", location="L", quantity=1)])

    first = new_event(order, source="/services/integration-gateway", subject=order.key())
    second = new_event(order, source="/services/integration-gateway")

    assert first.type == "inventory.order.placed.v1"
    assert first.specversion == "1.0" and first.datacontenttype == "application/json"
    assert first.subject == "SO-1" and second.subject is None
    assert first.id != second.id
    assert first.time.tzinfo is not None
    assert abs((datetime.now(UTC) - first.time).total_seconds()) < 60


def test_event_ids_are_distinct_version_4_uuids_even_across_a_fork() -> None:
    """Ids come from `random` (fast), so they must still look like and be as unique as uuid4,
    and a forked worker must not repeat its parent's sequence."""
    order = OrderPlaced(order_id="SO-1", lines=[OrderLine(sku="A", location="L", quantity=1)])
    ids = [new_event(order, source="/t").id for _ in range(10_000)]

    assert len(set(ids)) == len(ids)
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert {(uuid.UUID(i).version, uuid.UUID(i).variant) for i in ids} == {(4, uuid.RFC_4122)}

    with multiprocessing.get_context("fork").Pool(1) as pool:
        in_child = pool.apply(_next_event_id)
    assert in_child != _next_event_id()


def _next_event_id() -> str:
    order = OrderPlaced(order_id="SO-1", lines=[OrderLine(sku="A", location="L", quantity=1)])
    return new_event(order, source="/t").id


def test_follow_up_event_carries_correlation_and_causation() -> None:
    placed = example_event("inventory.order.placed.v1")
    reserved_data = decode_data(example_event("inventory.stock.reserved.v1"))
    assert isinstance(reserved_data, StockReserved)

    reply = new_event(reserved_data, source="/services/reservation", caused_by=placed)
    first_in_flow = placed.model_copy(update={"correlationid": None})
    reply_to_first = new_event(
        reserved_data, source="/services/reservation", caused_by=first_in_flow
    )

    assert reply.correlationid == placed.correlationid
    assert reply.causationid == placed.id
    assert reply_to_first.correlationid == placed.id


def test_encoded_event_is_plain_json_with_decimals_as_strings_and_no_nulls_in_envelope() -> None:
    ce = new_event(
        OrderPlaced(order_id="SO-2", lines=[OrderLine(sku="RICE", location="L", quantity="2.50")]),
        source="/services/integration-gateway",
    )

    wire = json.loads(encode(ce))

    assert wire["data"]["lines"][0]["quantity"] == "2.50"
    assert "subject" not in wire and "correlationid" not in wire and "causationid" not in wire
    assert wire["time"].endswith("Z")


def test_decimals_are_written_fixed_point_never_in_exponent_form() -> None:
    order = OrderPlaced(order_id="SO-3", lines=[OrderLine(sku="A", location="L", quantity="1e3")])

    wire = json.loads(encode(new_event(order, source="/s")))

    assert wire["data"]["lines"][0]["quantity"] == "1000"


def test_a_message_typed_by_hand_for_kcat_decodes_into_order_placed() -> None:
    typed_by_a_person = b"""
    {"specversion": "1.0", "id": "manual-001", "source": "/ops/kcat",
     "type": "inventory.order.placed.v1",
     "data": {"order_id": "SO-42",
              "lines": [{"sku": "TEA-LJ-250G", "location": "SH-01", "quantity": 5},
                        {"sku": "RICE-5KG", "location": "SH-01", "quantity": 2.5}]}}
    """

    order = decode_data(decode(typed_by_a_person))

    assert isinstance(order, OrderPlaced)
    assert order.order_id == "SO-42"
    assert [line.quantity for line in order.lines] == [Decimal(5), Decimal("2.5")]
    assert order.priority == 0 and order.allow_partial is False


def test_envelope_ignores_unknown_extension_attributes() -> None:
    wire = json.loads(encode(example_event("inventory.order.placed.v1")))
    wire["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    ce = decode(json.dumps(wire).encode())

    assert isinstance(decode_data(ce), OrderPlaced)


def test_envelope_and_events_cannot_be_changed_after_creation() -> None:
    ce = example_event("inventory.order.placed.v1")
    order = decode_data(ce)
    assert isinstance(order, OrderPlaced)

    with pytest.raises(ValidationError):
        ce.type = "inventory.order.cancelled.v1"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        order.order_id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        order.lines[0].quantity = Decimal(1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        order.lines.append(order.lines[0])  # type: ignore[attr-defined]


def test_new_event_refuses_what_is_not_a_concrete_event() -> None:
    with pytest.raises(TypeError):
        new_event(OrderLine(sku="A", location="L", quantity=1), source="/s")  # type: ignore[arg-type]


def test_event_without_time_decodes_with_the_time_of_decoding() -> None:
    wire = json.loads(encode(example_event("inventory.order.placed.v1")))
    del wire["time"]

    ce = decode(json.dumps(wire).encode())

    assert abs((datetime.now(UTC) - ce.time).total_seconds()) < 60
