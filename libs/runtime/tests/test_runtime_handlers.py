"""The handler registry: order of runs, ids on recorded events.

Unit tests with an in-memory unit of work, and one behind the real consumer loop, broker and
database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from itertools import count

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from inventory_contracts.envelope import decode, encode, new_event
from inventory_contracts.events.base import Event, OrderEvent, StockPointEvent
from inventory_runtime.consumer import KafkaConsumerLoop
from inventory_runtime.db import outbox_table
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.testing import (
    committed_offsets,
    create_test_topics,
    produce,
    unique_name,
    wait_until,
)
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typing_extensions import TypeVar

TOPIC = "test.handlers"
E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class OrderEvents:
    """Event classes made per test (a concrete event class made at import time would count as
    one of the platform's own in the contracts tests)."""

    placed: type[OrderEvent]
    cancelled: type[OrderEvent]
    accepted: type[OrderEvent]
    released: type[OrderEvent]
    stock_changed: type[StockPointEvent]


def make_order_events(topic: str) -> OrderEvents:
    """Concrete order events, and a stock event, all on `topic`."""

    def order(name: str, verb: str) -> type[OrderEvent]:
        namespace = {"topic": topic, "event_type": f"inventory.order.{verb}.v1"}
        return type(name, (OrderEvent,), {**namespace, "__module__": __name__})

    stock_namespace = {"topic": topic, "event_type": "inventory.stock.changed.v1"}
    return OrderEvents(
        placed=order("OrderPlaced", "placed"),
        cancelled=order("OrderCancelled", "cancelled"),
        accepted=order("OrderAccepted", "accepted"),
        released=order("OrderReleased", "released"),
        stock_changed=type(
            "StockChanged", (StockPointEvent,), {**stock_namespace, "__module__": __name__}
        ),
    )


@pytest.fixture
def kinds() -> OrderEvents:
    return make_order_events(TOPIC)


@dataclass
class Order:
    """A tiny aggregate: it records the events its changes cause."""

    order_id: str
    kinds: OrderEvents
    status: str = "accepted"
    events: list[Event] = field(default_factory=list)

    @classmethod
    def accept(cls, order_id: str, kinds: OrderEvents) -> Order:
        order = cls(order_id, kinds)
        order.events.append(kinds.accepted(order_id=order_id))
        order.events.append(kinds.stock_changed(sku="TEA", location="WH-1"))
        return order

    def cancel(self) -> None:
        self.status = "cancelled"
        self.events.append(self.kinds.released(order_id=self.order_id))


class OrdersUnitOfWork(FakeUnitOfWork):
    """The fake with an in-memory order repository that tracks the orders it hands out."""

    def __init__(self, kinds: OrderEvents) -> None:
        super().__init__(source="/services/test-orders")
        self.kinds = kinds
        self.orders: dict[str, Order] = {}
        self.calls: list[tuple[str, list[str]]] = []

    def add(self, order: Order) -> None:
        self.orders[order.order_id] = order
        self.track(order)

    def get(self, order_id: str) -> Order:
        order = self.orders[order_id]
        self.track(order)
        return order


async def place_orders(messages: Sequence[InboundEvent[OrderEvent]], uow: OrdersUnitOfWork) -> None:
    uow.calls.append(("place", [message.data.order_id for message in messages]))
    for message in messages:
        uow.add(Order.accept(message.data.order_id, uow.kinds))


async def cancel_order(message: InboundEvent[OrderEvent], uow: OrdersUnitOfWork) -> None:
    uow.calls.append(("cancel", [message.data.order_id]))
    uow.get(message.data.order_id).cancel()


_offsets = count()


def inbound(data: E, *, correlation_id: str | None = None) -> InboundEvent[E]:
    """`data` as the consumer loop hands it over: consumed from partition 0 of `TOPIC`."""
    cloud_event = new_event(data, source="/services/test-producer", correlation_id=correlation_id)
    value, key, offset = encode(cloud_event), data.key(), next(_offsets)
    record = ConsumerRecord(
        TOPIC, 0, offset, 0, 0, key.encode(), value, None, len(key), len(value), []
    )
    return InboundEvent(
        cloud_event=cloud_event,
        data=data,
        topic=TOPIC,
        partition=0,
        offset=offset,
        key=key,
        record=record,
    )


def ids_by_type_and_key(uow: FakeUnitOfWork) -> dict[tuple[str, str], tuple[str | None, ...]]:
    """(correlation id, causation id) of each committed event, by its class name and key."""
    return {
        (type(published.event).__name__, published.key): (
            published.cloud_event.correlationid,
            published.cloud_event.causationid,
        )
        for published in uow.published
    }


def registry_of(kinds: OrderEvents) -> HandlerRegistry[OrdersUnitOfWork]:
    return (
        HandlerRegistry[OrdersUnitOfWork]()
        .on_batch(kinds.placed, place_orders)
        .on(kinds.cancelled, cancel_order)
    )


async def test_runs_are_applied_in_partition_order_so_a_cancel_follows_its_order(
    kinds: OrderEvents,
) -> None:
    uow = OrdersUnitOfWork(kinds)
    batch = [
        inbound(kinds.placed(order_id="o-1")),
        inbound(kinds.placed(order_id="o-2")),
        inbound(kinds.cancelled(order_id="o-1")),
        inbound(kinds.placed(order_id="o-3")),
    ]
    async with uow:
        await registry_of(kinds).dispatch(batch, uow)
        await uow.commit()

    assert uow.calls == [("place", ["o-1", "o-2"]), ("cancel", ["o-1"]), ("place", ["o-3"])]
    assert {order.order_id: order.status for order in uow.orders.values()} == {
        "o-1": "cancelled",
        "o-2": "accepted",
        "o-3": "accepted",
    }
    order_events = [
        (type(p.event).__name__, p.key) for p in uow.published if isinstance(p.event, OrderEvent)
    ]
    assert order_events == [
        ("OrderAccepted", "o-1"),
        ("OrderAccepted", "o-2"),
        ("OrderReleased", "o-1"),
        ("OrderAccepted", "o-3"),
    ]


async def test_a_message_handlers_events_carry_its_correlation_id_and_it_as_cause(
    kinds: OrderEvents,
) -> None:
    uow = OrdersUnitOfWork(kinds)
    uow.orders = {"o-1": Order("o-1", kinds), "o-2": Order("o-2", kinds)}
    first = inbound(kinds.cancelled(order_id="o-1"), correlation_id="flow-1")
    second = inbound(kinds.cancelled(order_id="o-2"))  # starts a conversation of its own
    async with uow:
        await registry_of(kinds).dispatch([first, second], uow)
        # Committed outside any message: the ids were stamped right after each message.
        await uow.commit()

    assert ids_by_type_and_key(uow) == {
        ("OrderReleased", "o-1"): ("flow-1", first.id),
        ("OrderReleased", "o-2"): (second.id, second.id),
    }
    assert len(uow.published) == 2, "o-1 stays tracked while o-2 is handled, yet goes out once"


async def test_a_batch_handlers_events_take_the_ids_of_the_message_with_their_key(
    kinds: OrderEvents,
) -> None:
    uow = OrdersUnitOfWork(kinds)
    first = inbound(kinds.placed(order_id="o-1"), correlation_id="flow-1")
    second = inbound(kinds.placed(order_id="o-2"), correlation_id="flow-2")
    async with uow:
        await registry_of(kinds).dispatch([first, second], uow)
        await uow.commit()

    assert ids_by_type_and_key(uow) == {
        ("OrderAccepted", "o-1"): ("flow-1", first.id),
        ("OrderAccepted", "o-2"): ("flow-2", second.id),
        ("StockChanged", "TEA@WH-1"): (None, None),  # no message has that key
    }
    assert len(uow.published) == 4


async def test_a_message_of_a_type_without_handler_fails_the_batch(kinds: OrderEvents) -> None:
    uow = OrdersUnitOfWork(kinds)
    async with uow:
        with pytest.raises(LookupError, match="no handler for OrderReleased"):
            await registry_of(kinds).dispatch([inbound(kinds.released(order_id="o-1"))], uow)


def test_a_type_gets_one_handler_only(kinds: OrderEvents) -> None:
    registry = HandlerRegistry[OrdersUnitOfWork]().on(kinds.cancelled, cancel_order)
    with pytest.raises(ValueError, match="OrderCancelled already has a handler"):
        registry.on_batch(kinds.cancelled, place_orders)
    with pytest.raises(ValueError, match="OrderCancelled already has a handler"):
        registry.on(kinds.cancelled, cancel_order)


async def test_subscription_lists_the_registered_types_and_passes_the_options(
    kinds: OrderEvents,
) -> None:
    async def wanted(uow: OrdersUnitOfWork) -> Collection[str]:
        return {kinds.placed.event_type}

    registry = registry_of(kinds)
    subscription = registry.subscription(
        "orders", batch=False, topics=["extra"], idempotent=[kinds.placed], wanted_types=wanted
    )

    assert subscription.group_id == "orders"
    assert list(subscription.events) == [kinds.placed, kinds.cancelled]
    assert registry.event_classes == [kinds.placed, kinds.cancelled]
    assert subscription.untracked_types() == {kinds.placed.event_type}
    assert subscription.wanted_types is wanted
    assert subscription.batch is False
    assert subscription.topic_names() == ["extra", TOPIC]
    uow = OrdersUnitOfWork(kinds)
    async with uow:
        await subscription.handler([inbound(kinds.placed(order_id="o-9"))], uow)
    assert uow.calls == [("place", ["o-9"])]


@pytest.mark.integration
async def test_behind_the_kafka_consumer_the_outbox_rows_carry_the_ids_of_their_messages(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "registry")
    kinds = make_order_events(topic)
    orders: dict[str, Order] = {}

    async def place(messages: Sequence[InboundEvent[OrderEvent]], uow: UnitOfWork) -> None:
        for message in messages:
            order = orders[message.data.order_id] = Order.accept(message.data.order_id, kinds)
            uow.track(order)

    async def cancel(message: InboundEvent[OrderEvent], uow: UnitOfWork) -> None:
        order = orders[message.data.order_id]
        uow.track(order)
        order.cancel()

    registry = (
        HandlerRegistry[UnitOfWork]().on_batch(kinds.placed, place).on(kinds.cancelled, cancel)
    )
    source = "/services/test-producer"
    sent = [
        new_event(kinds.placed(order_id="o-1"), source=source, correlation_id="flow-1"),
        new_event(kinds.placed(order_id="o-2"), source=source),
        new_event(kinds.cancelled(order_id="o-1"), source=source, correlation_id="flow-1"),
    ]
    await produce(
        kafka_bootstrap, topic, [(str(e.data["order_id"]).encode(), encode(e)) for e in sent]
    )
    group = unique_name("group")
    settings = make_settings()
    loop = KafkaConsumerLoop(
        registry.subscription(group),
        settings=settings,
        uow_factory=lambda: UnitOfWork(session_factory, source=settings.event_source),
    )
    task = asyncio.create_task(loop.run())
    try:
        assert await wait_until(lambda: _committed_all(kafka_bootstrap, group, topic, len(sent)))
    finally:
        await loop.stop()
        await task

    query = select(outbox_table.c.key, outbox_table.c.payload).where(outbox_table.c.topic == topic)
    async with session_factory() as session:
        rows = (await session.execute(query.order_by(outbox_table.c.id))).all()
    order_types = (kinds.accepted.event_type, kinds.released.event_type)
    decoded = [(row.key, decode(row.payload)) for row in rows]
    ids = {
        (event.type, key): (event.correlationid, event.causationid)
        for key, event in decoded
        if event.type in order_types
    }
    placed_first, placed_second, cancelled = sent
    assert ids == {
        (kinds.accepted.event_type, "o-1"): ("flow-1", placed_first.id),
        (kinds.accepted.event_type, "o-2"): (placed_second.id, placed_second.id),
        (kinds.released.event_type, "o-1"): ("flow-1", cancelled.id),
    }


async def _committed_all(kafka_bootstrap: str, group: str, topic: str, offset: int) -> bool:
    offsets = await committed_offsets(kafka_bootstrap, group)
    return offsets.get(TopicPartition(topic, 0), 0) >= offset
