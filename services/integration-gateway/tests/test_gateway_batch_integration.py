"""A batch of consumed events on a real PostgreSQL: the deliveries of one by one, in two trips."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import uuid4

import pytest
from integration_gateway import consumer, handlers
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.domain import WebhookSubscription
from inventory_contracts.envelope import decode, new_event
from inventory_contracts.events.base import Event
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.events.reservations import ReservationRejected, StockReserved
from inventory_contracts.examples import EXAMPLES
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.testing import recorded_statements
from sqlalchemy import text

pytestmark = pytest.mark.integration

RELEASED = next(e for e in EXAMPLES if isinstance(e, PurchaseOrderReleased))
RESERVED = next(e for e in EXAMPLES if isinstance(e, StockReserved))
REJECTED = next(e for e in EXAMPLES if isinstance(e, ReservationRejected))


def inbound(data: Event) -> InboundEvent:
    cloud_event = new_event(data, source="/services/test", correlation_id=f"corr-{uuid4().hex}")
    return InboundEvent(cloud_event, data, data.topic, 0, 0, data.key(), record=None)


async def subscribe(runtime: ServiceRuntime, *event_types: str, active: bool = True) -> str:
    subscription_id = f"sub_{uuid4().hex}"
    subscription = WebhookSubscription(
        subscription_id, "http://127.0.0.1:9/erp", "s" * 20, event_types, active, "api"
    )
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        await uow.subscriptions.add(subscription)
        await uow.commit()
    return subscription_id


async def apply(runtime: ServiceRuntime, events: Sequence[InboundEvent]) -> None:
    """One transaction, as the consumer loop gives a batch."""
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        await handlers.queue_write_backs(events, uow)
        await uow.commit()


async def queued(runtime: ServiceRuntime) -> list[tuple[Any, ...]]:
    async with runtime.engine.connect() as connection:
        result = await connection.execute(
            text(
                "SELECT subscription_id, event_id, event_type, payload, status FROM deliveries "
                "ORDER BY id"
            )
        )
        return [tuple(row) for row in result]


async def test_a_batch_queues_the_deliveries_of_one_by_one_in_one_insert(
    runtime: ServiceRuntime,
) -> None:
    erp = await subscribe(runtime, RELEASED.event_type)
    crm = await subscribe(runtime, RESERVED.event_type, REJECTED.event_type)
    await subscribe(runtime, RESERVED.event_type, active=False)
    events = [inbound(data) for data in (RESERVED, RELEASED, REJECTED, RESERVED, RELEASED)]
    for one in events:
        await apply(runtime, [one])
    one_by_one = await queued(runtime)
    async with runtime.engine.begin() as connection:
        await connection.execute(text("TRUNCATE deliveries"))

    with recorded_statements(runtime.engine) as sent:
        await apply(runtime, events)
    await apply(runtime, events[1:3])  # redelivered: nothing new

    assert await queued(runtime) == one_by_one
    assert [(s, e, status) for s, e, _, _, status in one_by_one] == [
        (crm, events[0].id, "pending"),
        (erp, events[1].id, "pending"),
        (crm, events[2].id, "pending"),
        (crm, events[3].id, "pending"),
        (erp, events[4].id, "pending"),
    ]
    assert [sql.split()[0] for sql in sent] == ["SELECT", "INSERT"]
    for (_, event_id, event_type, payload, _), consumed in zip(one_by_one, events, strict=True):
        delivered = decode(payload)  # the consumed CloudEvent, correlation id included
        assert (delivered.id, delivered.type) == (event_id, event_type)
        assert (delivered.id, delivered.correlationid) == (consumed.id, consumed.correlation_id)


async def test_a_batch_nobody_subscribed_to_writes_nothing_after_one_look_up(
    runtime: ServiceRuntime,
) -> None:
    await subscribe(runtime, RELEASED.event_type)
    unwanted = [inbound(RESERVED if n % 3 else REJECTED) for n in range(300)]

    with recorded_statements(runtime.engine) as sent:
        await apply(runtime, unwanted)

    assert [sql.split()[0] for sql in sent] == ["SELECT"]
    assert await queued(runtime) == []


async def test_the_consumer_reads_only_the_types_an_active_subscription_wants(
    runtime: ServiceRuntime,
) -> None:
    """Asked once per poll: with no subscriber to `StockReserved`, the thousand a second that
    reservation publishes at full load pass by unread."""
    wanted_types = consumer.subscription().wanted_types
    assert wanted_types is not None

    async def wanted() -> set[str]:
        uow = runtime.uow_factory()
        assert isinstance(uow, GatewayUnitOfWork)
        async with uow:
            return set(await wanted_types(uow))

    assert await wanted() == set()
    await subscribe(runtime, RELEASED.event_type)
    await subscribe(runtime, RESERVED.event_type, active=False)
    assert await wanted() == {RELEASED.event_type}
    await subscribe(runtime, RELEASED.event_type, REJECTED.event_type)
    assert await wanted() == {RELEASED.event_type, REJECTED.event_type}
