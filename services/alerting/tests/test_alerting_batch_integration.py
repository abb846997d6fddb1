"""A batch of consumed events on a real PostgreSQL: the same alerts as one by one, fewer trips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.consumer import subscription
from inventory_contracts.envelope import decode, decode_data, new_event
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected, ShortLine
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.testing import recorded_statements
from sqlalchemy import text

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def inbound(data: Event, at: timedelta = timedelta(0)) -> InboundEvent:
    cloud_event = new_event(
        data, source="/services/test", time=T0 + at, correlation_id=f"corr-{uuid4().hex}"
    )
    return InboundEvent(cloud_event, data, data.topic, 0, 0, data.key(), record=None)


def breach(sku: str, at: timedelta) -> InboundEvent:
    return inbound(
        StockBelowThreshold(
            sku=sku, location="WH1", inventory_position=Decimal("3"), on_hand=Decimal("3"),
            reserved=Decimal("0"), on_order=Decimal("0"), reorder_point=Decimal("5"),
        ),
        at,
    )  # fmt: skip


def short_of(sku: str, order_id: str, requested: str = "4") -> InboundEvent:
    line = ShortLine(sku=sku, location="WH1", requested=Decimal(requested), available=Decimal("1"))
    rejected = ReservationRejected(
        order_id=order_id, reason="insufficient_stock", message="short", short_lines=(line,)
    )
    return inbound(rejected)


def availability(sku: str, atp: str, as_of: timedelta) -> InboundEvent:
    return inbound(
        AvailabilityChanged(
            sku=sku, location="WH1", on_hand=Decimal(atp), reserved=Decimal("0"),
            available_to_promise=Decimal(atp), as_of=T0 + as_of,
        )
    )  # fmt: skip


def story() -> list[InboundEvent]:
    """Breaches, rejections and availability, recovering and not, in one partition's order."""
    second = timedelta(seconds=1)
    unknown = ReservationRejected(order_id="SO-3", reason="unknown_sku", message="unknown SKU")
    return [
        breach("SKU-1", 0 * second),
        short_of("SKU-2", "SO-1"),
        short_of("SKU-2", "SO-2"),  # same shortage still open: no second alert
        inbound(unknown),
        availability("SKU-1", "5", 1 * second),  # not above the reorder point
        availability("SKU-2", "3", 1 * second),  # less than was asked for
        availability("SKU-1", "8", 2 * second),  # resolves the low-stock alert
        availability("SKU-1", "9", 3 * second),  # already resolved by the event before
        availability("SKU-2", "4", -1 * second),  # older than the rejection
        availability("SKU-2", "4", 3 * second),  # resolves the shortage alert
        breach("SKU-1", 4 * second),  # a new breach raises a new alert...
        availability("SKU-1", "20", 5 * second),  # ...which this resolves
        availability("SKU-3", "1", 5 * second),  # nobody watches SKU-3
    ]


async def apply(runtime: ServiceRuntime, events: Sequence[InboundEvent]) -> None:
    """One transaction, as the consumer loop gives a batch."""
    uow = runtime.uow_factory()
    assert isinstance(uow, AlertingUnitOfWork)
    async with uow:
        await subscription().handler(events, uow)
        await uow.commit()


async def rows(runtime: ServiceRuntime, sql: str) -> list[Any]:
    async with runtime.engine.connect() as connection:
        return list(await connection.execute(text(sql)))


async def outcome(runtime: ServiceRuntime) -> dict[str, list[Any]]:
    """What a batch leaves behind, without the generated ids and clocks."""
    published = []
    for row in await rows(runtime, "SELECT payload FROM outbox ORDER BY id"):
        cloud_event = decode(row.payload)
        data = decode_data(cloud_event)
        published.append(
            (cloud_event.type, data.rule_id, data.subject, cloud_event.correlationid)  # type: ignore[attr-defined]
        )
    alerts = await rows(
        runtime, "SELECT rule_id, subject, status, resolution FROM alerts ORDER BY raised_at, id"
    )
    notified = await rows(
        runtime,
        "SELECT a.rule_id, a.subject, n.channel_id FROM notifications n "
        "JOIN alerts a ON a.id = n.alert_id ORDER BY a.raised_at, a.id",
    )
    return {
        "published": published,
        "alerts": [tuple(row) for row in alerts],
        "notified": [tuple(row) for row in notified],
    }


async def forget_alerts(runtime: ServiceRuntime) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(text("TRUNCATE outbox, inbox, notifications, alerts"))


async def test_a_batch_raises_notifies_resolves_and_publishes_as_one_by_one(
    runtime: ServiceRuntime,
) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO channels (id, name, kind, config) "
                "VALUES ('chn_hook', 'ops hook', 'webhook', '{\"url\": \"http://127.0.0.1:9/\"}')"
            )
        )
    events = story()
    for one in events:
        await apply(runtime, [one])
    one_by_one = await outcome(runtime)
    await forget_alerts(runtime)

    await apply(runtime, events)

    assert await outcome(runtime) == one_by_one
    assert [(status, resolution) for _, _, status, resolution in one_by_one["alerts"]] == [
        ("resolved", "availability_recovered"),  # SKU-1, first breach
        ("resolved", "availability_recovered"),  # SKU-2 shortage
        ("raised", None),  # SO-3, unknown SKU
        ("resolved", "availability_recovered"),  # SKU-1, second breach
    ]
    assert len(one_by_one["notified"]) == 4


async def test_two_recovering_events_in_one_batch_resolve_the_alert_once(
    runtime: ServiceRuntime,
) -> None:
    await apply(runtime, [breach("SKU-1", timedelta(0))])
    first = availability("SKU-1", "8", timedelta(seconds=1))
    await apply(runtime, [first, availability("SKU-1", "9", timedelta(seconds=2))])

    [alert] = await rows(runtime, "SELECT status, resolution FROM alerts")
    assert (alert.status, alert.resolution) == ("resolved", "availability_recovered")
    published = [decode(row.payload) for row in await rows(runtime, "SELECT payload FROM outbox")]
    assert [e.type for e in published] == [
        "inventory.alert.raised.v1",
        "inventory.alert.resolved.v1",
    ]
    assert published[1].causationid == first.id


async def test_a_batch_with_no_open_alert_writes_nothing_and_only_reads_twice(
    runtime: ServiceRuntime,
) -> None:
    quiet = [availability(f"SKU-{n % 40}", str(n), timedelta(seconds=n)) for n in range(1, 201)]
    with recorded_statements(runtime.engine) as sent:
        await apply(runtime, quiet)

    assert len(sent) == 2  # the rules, then the open alerts of all 40 stock points
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in sent)
    assert await rows(runtime, "SELECT 1 FROM outbox UNION ALL SELECT 1 FROM alerts") == []


async def test_what_each_event_publishes_carries_that_events_correlation_id(
    runtime: ServiceRuntime,
) -> None:
    low, short = breach("SKU-1", timedelta(0)), short_of("SKU-2", "SO-1")
    recovered = availability("SKU-1", "8", timedelta(seconds=1))
    await apply(runtime, [low, short, recovered])

    published = [decode(row.payload) for row in await rows(runtime, "SELECT payload FROM outbox")]
    assert [(e.type, e.correlationid, e.causationid) for e in published] == [
        ("inventory.alert.raised.v1", low.correlation_id, low.id),
        ("inventory.alert.raised.v1", short.correlation_id, short.id),
        ("inventory.alert.resolved.v1", recovered.correlation_id, recovered.id),
    ]


async def test_availability_delivered_again_later_resolves_and_publishes_nothing_more(
    runtime: ServiceRuntime,
) -> None:
    """Why `AvailabilityChanged` may skip the inbox: a redelivery, even after newer alerts
    were raised, changes nothing."""
    events = story()
    await apply(runtime, events)
    before = await outcome(runtime)
    later_breach = breach("SKU-2", timedelta(seconds=10))  # observed after every snapshot
    await apply(runtime, [later_breach])
    after_breach = await outcome(runtime)

    again = [event for event in events if isinstance(event.data, AvailabilityChanged)]
    await apply(runtime, again)

    assert await outcome(runtime) == after_breach
    assert len(after_breach["alerts"]) == len(before["alerts"]) + 1
    assert after_breach["alerts"][-1][2] == "raised"  # the newer alert stays open
