"""Small pure pieces: the fake unit of work, outbox key ordering, DLQ headers, JSON logs."""

from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace
from typing import Any

from aiokafka.structs import ConsumerRecord
from inventory_runtime.context import message_context
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.inbound import dlq_headers
from inventory_runtime.logging import configure_logging
from inventory_runtime.relay_batches import publishable_prefix


async def test_fake_unit_of_work_keeps_only_committed_events(thing_events: Any) -> None:
    happened, _ = thing_events("test.units")
    uow = FakeUnitOfWork()
    async with uow:
        uow.publish(happened(thing_id="rolled-back"))
    async with uow:
        with message_context(correlation_id="flow-1", causation_id="evt-0"):
            uow.publish(happened(thing_id="kept"))
        await uow.commit()
    assert [p.key for p in uow.published] == ["kept"]
    assert uow.published[0].topic == "test.units"
    assert uow.published[0].cloud_event.correlationid == "flow-1"
    assert uow.published[0].cloud_event.causationid == "evt-0"


def _rows(*keys: str | None) -> list[Any]:
    return [SimpleNamespace(id=i, key=key) for i, key in enumerate(keys)]


def test_relay_never_marks_a_row_after_a_failed_row_of_the_same_key() -> None:
    rows = _rows("a", "b", "a", "a", "b", None, None)
    results = ["ok", "ok", TimeoutError(), "ok", "ok", TimeoutError(), "ok"]
    published = publishable_prefix(rows, results)
    # key "a": row 2 failed, so row 3 (acked) must wait and be resent after row 2.
    assert [row.id for row in published] == [0, 1, 4, 6]


def test_dlq_headers_keep_the_original_headers_and_say_where_from() -> None:
    record = ConsumerRecord(
        "inventory.orders",
        4,
        1234,
        0,
        0,
        b"o-1",
        b"{",
        None,
        3,
        1,
        [("traceparent", b"00-abc"), ("dlq-reason", b"old")],
    )
    headers = dict(
        dlq_headers(record, group_id="reservation", code="invalid_json", reason="Expecting value")
    )
    assert headers == {
        "traceparent": b"00-abc",
        "dlq-reason": b"Expecting value",
        "dlq-code": b"invalid_json",
        "dlq-original-topic": b"inventory.orders",
        "dlq-original-partition": b"4",
        "dlq-original-offset": b"1234",
        "dlq-consumer-group": b"reservation",
    }


def test_logs_are_json_with_service_and_correlation_ids() -> None:
    stream = io.StringIO()
    configure_logging("reservation", "INFO", stream=stream)
    try:
        with message_context(correlation_id="flow-7", causation_id="evt-3"):
            logging.getLogger("reservation.handlers").info(
                "reserved %s", "o-1", extra={"order_id": "o-1"}
            )
        logging.getLogger("reservation.handlers").debug("not shown at INFO")
    finally:
        configure_logging("reservation", "INFO")
    lines = stream.getvalue().strip().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["message"] == "reserved o-1"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "reservation.handlers"
    assert entry["service"] == "reservation"
    assert (entry["correlation_id"], entry["causation_id"]) == ("flow-7", "evt-3")
    assert entry["order_id"] == "o-1"
    assert "timestamp" in entry
