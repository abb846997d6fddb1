"""The consumer's batches on the real PostgreSQL, through the runtime's `PartitionProcessor`:
a batch leaves what one message per transaction leaves, in a fixed number of statements."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal as D
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from inventory_contracts.envelope import decode, encode, new_event
from inventory_contracts.events.approvals import ApprovalGranted
from inventory_contracts.events.availability import AvailabilityChanged, MovementReference
from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import ItemUpserted, SupplierUpserted
from inventory_contracts.events.orders import OrderLine, OrderPlaced
from inventory_runtime.db import outbox_table
from inventory_runtime.dead_letter import DeadLetterSender
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.processing import PartitionProcessor
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.testing import recorded_statements
from replenishment import consumer
from replenishment.adapters import tables as db
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.domain import Policy
from replenishment.ports import ReplenishmentUoW
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.integration

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
UowFactory = Callable[[], ReplenishmentUnitOfWork]
Sessions = async_sessionmaker[AsyncSession]
_offsets = itertools.count()


@pytest.fixture(autouse=True)
async def clean(session_factory: Sessions) -> AsyncIterator[None]:
    await _empty(session_factory)
    yield


async def _empty(session_factory: Sessions) -> None:
    async with session_factory() as session:
        for table in reversed(db.metadata.sorted_tables):
            if table is not db.audit_log:  # append-only: tests tell entries apart by their ids
                await session.execute(delete(table))
        await session.commit()


async def seed(make_uow: UowFactory) -> None:
    """SKU-1 (policy: 20 / 100) and SKU-2 (policy: 5 / 10) from SUP-1; SKU-3 has no policy."""
    items = [
        ItemUpserted(
            sku=sku, name=sku, unit_of_measure="pcs", category="parts", unit_cost=D("12.5")
        )
        for sku in ("SKU-1", "SKU-2", "SKU-3")
    ]
    supplier = SupplierUpserted(supplier_id="SUP-1", name="Acme", lead_time_days=7)
    await consume(make_uow, [record(e) for e in (*items, supplier)])
    async with make_uow() as uow:
        await uow.policies.save(Policy("SKU-1", "WH-1", D(20), D(100), "SUP-1"))
        await uow.policies.save(Policy("SKU-2", "WH-1", D(5), D(10), "SUP-1"))
        await uow.commit()


def record(data: Event, *, time: datetime = NOW) -> ConsumerRecord[bytes, bytes]:
    """A Kafka record of `data`, with a correlation id of its own."""
    cloud_event = new_event(
        data, source="/services/test", time=time, correlation_id=f"corr-{next(_offsets)}"
    )
    value = encode(cloud_event)
    key = data.key().encode()
    return ConsumerRecord(data.topic, 0, next(_offsets), 0, 0, key, value, None, 1, len(value), [])


def availability(
    sku: str, on_hand: int, reserved: int = 0, *, second: int, **movement: Any
) -> ConsumerRecord[bytes, bytes]:
    return record(
        AvailabilityChanged(
            sku=sku,
            location="WH-1",
            on_hand=D(on_hand),
            reserved=D(reserved),
            available_to_promise=D(on_hand - reserved),
            as_of=NOW + timedelta(seconds=second),
            movement=MovementReference(**movement) if movement else None,
        )
    )


def order(order_id: str, *lines: tuple[str, int], time: datetime = NOW) -> Any:
    placed = OrderPlaced(
        order_id=order_id,
        lines=tuple(OrderLine(sku=sku, location="WH-1", quantity=D(q)) for sku, q in lines),
    )
    return record(placed, time=time)


class NoDeadLetters(DeadLetterSender):
    def __init__(self) -> None:
        super().__init__(["unused:9092"], client_id="test")
        self.sent: list[ConsumerRecord[Any, Any]] = []

    async def send(self, record: ConsumerRecord[Any, Any], **_: Any) -> None:
        self.sent.append(record)


async def consume(
    make_uow: UowFactory, records: Sequence[ConsumerRecord[bytes, bytes]], *, batch: bool = True
) -> None:
    """What the consumer loop does with a poll of one partition; fails if the batch handler
    failed (the runtime would have fallen back to one message at a time)."""
    failures: list[Exception] = []
    handle = consumer.registry(lambda: NOW).dispatch

    async def watched(events: Sequence[InboundEvent], uow: ReplenishmentUoW) -> None:
        try:
            await handle(events, uow)
        except Exception as exc:
            failures.append(exc)
            raise

    subscription = dataclasses.replace(
        consumer.subscription(lambda: NOW), handler=watched, batch=batch
    )
    dead_letters = NoDeadLetters()

    async def pause(tp: TopicPartition, seconds: float) -> bool:
        return True

    processor = PartitionProcessor(
        subscription,
        settings=ServiceSettings(service_name="replenishment"),
        uow_factory=make_uow,
        dead_letters=dead_letters,
        pause=pause,
        is_revoked=lambda tp: False,
    )
    by_topic = itertools.groupby(records, key=lambda r: r.topic)
    for topic, run in by_topic:
        await processor.process(TopicPartition(topic, 0), list(run))
    assert (failures, dead_letters.sent) == ([], [])


async def state(session_factory: Sessions) -> dict[str, list[Any]]:
    """What a user sees: demand history, positions, requisitions and what was published."""
    r, sp = db.requisitions, db.stock_positions
    queries = {
        "demand_daily": select(db.demand_daily),
        "demand_order_lines": select(db.demand_order_lines),
        "positions": select(sp.c.sku, sp.c.location, sp.c.on_hand, sp.c.reserved)
        .add_columns(sp.c.on_order, sp.c.as_of)
        .order_by(sp.c.sku),
        "requisitions": select(r.c.sku, r.c.location, r.c.quantity, r.c.inventory_position)
        .add_columns(r.c.reason, r.c.status)
        .order_by(r.c.sku),
    }
    async with session_factory() as session:
        found: dict[str, list[Any]] = {
            name: sorted(await session.execute(q)) for name, q in queries.items()
        }
        published = await session.execute(select(outbox_table).order_by(outbox_table.c.id))
    found["published"] = [
        (row.event_type, ce.correlationid, ce.causationid)
        for row in published
        for ce in [decode(row.payload)]
    ]
    return found


async def test_a_batch_leaves_the_same_demand_positions_and_requisitions_as_one_by_one(
    make_uow: UowFactory, session_factory: Sessions
) -> None:
    beijing = timezone(timedelta(hours=8))
    records = [
        availability("SKU-1", 50, second=1),
        availability("SKU-2", 30, second=1),
        availability("SKU-3", 7, second=1),
        availability("SKU-1", 18, second=3),  # at/below 20: a requisition
        availability("SKU-1", 40, second=2),  # stale: ignored
        availability("SKU-2", 8, 4, second=2),  # position 4 <= 5: a requisition
        availability("SKU-1", 10, second=4),  # one is open already
        availability("SKU-2", 30, second=5),
        availability("SKU-3", 0, second=2),  # no policy
        order("SO-1", ("SKU-1", 2), ("SKU-2", 1)),
        order("SO-2", ("SKU-1", 3), ("SKU-1", 1)),
        order("SO-1", ("SKU-1", 2), ("SKU-2", 1)),  # placed twice
        order("SO-3", ("SKU-1", 5), time=datetime(2025, 3, 2, 7, 0, tzinfo=beijing)),
        order("SO-4", ("SKU-2", 6), time=datetime(2025, 3, 2, 9, 0, tzinfo=beijing)),
    ]
    outcomes = []
    for batch in (False, True):
        await _empty(session_factory)
        await seed(make_uow)
        await consume(make_uow, records, batch=batch)
        outcomes.append(await state(session_factory))
    one_by_one, batched = outcomes
    assert batched == one_by_one
    assert [(row.sku, row.quantity) for row in batched["requisitions"]] == [
        ("SKU-1", D(100)),
        ("SKU-2", D(10)),
    ]
    daily = [(r.sku, r.demand_date.day, r.quantity, r.order_count) for r in batched["demand_daily"]]
    assert daily == [
        ("SKU-1", 1, D(11), 3),  # SO-3 was placed on 2 March in Beijing, 1 March in UTC
        ("SKU-2", 1, D(1), 1),
        ("SKU-2", 2, D(6), 1),
    ]


async def test_an_order_counts_once_when_repeated_in_a_batch_and_in_a_later_one(
    make_uow: UowFactory,
) -> None:
    await consume(
        make_uow,
        [
            order("SO-1", ("SKU-1", 2), ("SKU-1", 3)),
            order("SO-1", ("SKU-1", 2), ("SKU-1", 3)),
            order("SO-2", ("SKU-1", 4)),
        ],
    )
    await consume(make_uow, [order("SO-2", ("SKU-1", 4)), order("SO-1", ("SKU-1", 5))])
    async with make_uow() as uow:
        assert await uow.demand.daily("SKU-1", "WH-1") == [(NOW.date(), D(9), 2)]


async def test_a_receipt_in_a_batch_closes_the_po_and_moves_the_position_once(
    make_uow: UowFactory, session_factory: Sessions
) -> None:
    await seed(make_uow)
    await consume(make_uow, [availability("SKU-1", 10, second=1)])
    async with make_uow() as uow:
        (requisition,) = await uow.requisitions.find(status=None, sku="SKU-1")
    granted = ApprovalGranted(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
    )
    await consume(make_uow, [record(granted)])
    async with make_uow() as uow:
        (po,) = await uow.purchase_orders.find(status="open")
    receipt: dict[str, Any] = {
        "movement_id": "MV-1",
        "movement_type": "receipt",
        "quantity_delta": D(100),
        "purchase_order_id": po.purchase_order_id,
    }
    await consume(
        make_uow,
        [
            availability("SKU-1", 12, second=2),
            availability("SKU-1", 112, second=3, **receipt),
            availability("SKU-1", 112, second=3, **receipt),  # the same movement again
            availability("SKU-1", 105, 5, second=4),
        ],
    )
    async with make_uow() as uow:
        closed = await uow.purchase_orders.get(po.purchase_order_id)
        position = await uow.positions.get("SKU-1", "WH-1")
    assert closed is not None
    assert (closed.status, closed.received_quantity) == ("closed", D(100))
    assert closed.closed_at == NOW + timedelta(seconds=3)
    assert position is not None
    assert (position.on_hand, position.reserved, position.on_order) == (D(105), D(5), D(0))
    types = [row[0] for row in (await state(session_factory))["published"]]
    assert types.count("inventory.approval.requested.v1") == 1  # no false requisition


async def test_a_crossing_in_a_batch_raises_one_requisition_answering_its_event(
    make_uow: UowFactory, session_factory: Sessions
) -> None:
    await seed(make_uow)
    records = [
        availability("SKU-1", 50, second=1),
        availability("SKU-2", 3, second=1),  # crosses 5
        availability("SKU-1", 15, second=2),  # crosses 20
        availability("SKU-1", 10, second=3),
        availability("SKU-1", 60, second=0),  # stale
        availability("SKU-1", 5, second=4),
    ]
    await consume(make_uow, records)
    found = await state(session_factory)
    assert [(r.sku, r.inventory_position) for r in found["requisitions"]] == [
        ("SKU-1", D(15)),
        ("SKU-2", D(3)),
    ]
    causes = [decode(records[i].value or b"") for i in (1, 2)]
    answers = [(ce.correlationid, ce.id) for ce in causes for _ in range(3)]
    assert [(corr, cause) for _, corr, cause in found["published"]] == answers
    assert [event_type for event_type, _, _ in found["published"]][:3] == [
        "inventory.stock.below-threshold.v1",
        "inventory.replenishment.proposed.v1",
        "inventory.approval.requested.v1",
    ]


async def test_a_batch_takes_as_many_statements_as_a_single_message(
    make_uow: UowFactory, session_factory: Sessions
) -> None:
    """The point of batching: statements per run do not grow with its length."""
    await seed(make_uow)
    engine = session_factory.kw["bind"]

    async def statements_for(records: list[ConsumerRecord[bytes, bytes]]) -> int:
        with recorded_statements(engine) as sent:
            await consume(make_uow, records)
        return len(sent)

    one_order = await statements_for([order("SO-0", ("SKU-1", 1), ("SKU-2", 1))])
    orders = [order(f"SO-{n}", ("SKU-1", 1), ("SKU-2", 1)) for n in range(1, 51)]
    many_orders = await statements_for(orders)
    one_change = await statements_for([availability("SKU-1", 500, second=1)])
    changes = [availability(f"SKU-{n % 3 + 1}", 500 + n, second=n + 2) for n in range(50)]
    many_changes = await statements_for(changes)
    assert (one_order, one_change) == (many_orders, many_changes)
    assert many_orders == 1  # both types skip the inbox (idempotent)
    assert many_changes == 6  # lock, create the new positions, lock them, policies, POs, save
    known = [availability(f"SKU-{n % 3 + 1}", 600 + n, second=n + 60) for n in range(50)]
    assert await statements_for(known) == 4  # every position there: no insert at all


async def test_concurrent_batches_on_the_same_stock_points_all_apply(
    make_uow: UowFactory,
) -> None:
    """Four partitions' batches name the same stock points in different orders at once: rows
    are locked in one order, so none deadlocks (and falls back), and no demand is lost."""
    points = [f"SKU-C{n}" for n in range(8)]

    def batch(partition: int) -> list[ConsumerRecord[bytes, bytes]]:
        mine = points[partition:] + points[:partition]
        if partition % 2:
            mine.reverse()
        orders = [order(f"SO-{partition}-{n}", *((p, 1) for p in mine)) for n in range(10)]
        changes = [availability(p, 100 + partition, second=partition) for p in mine]
        return orders + changes

    await asyncio.gather(*(consume(make_uow, batch(partition)) for partition in range(4)))
    async with make_uow() as uow:
        for point in points:
            assert await uow.demand.daily(point, "WH-1") == [(NOW.date(), D(40), 40)]
            position = await uow.positions.get(point, "WH-1")
            assert position is not None and position.on_hand == D(103)
