"""Replenishment on the real PostgreSQL: migrations, outbox rows, the unique open requisition,
the approval -> purchase order -> receipt path, and the HTTP API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest
from aiokafka.structs import ConsumerRecord
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from inventory_contracts.envelope import decode, encode, new_event
from inventory_contracts.events.approvals import ApprovalGranted
from inventory_contracts.events.availability import AvailabilityChanged, MovementReference
from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import ItemUpserted, SupplierUpserted
from inventory_contracts.events.orders import OrderLine, OrderPlaced
from inventory_runtime.db import outbox_table
from inventory_runtime.inbound import InboundEvent
from replenishment import consumer
from replenishment.adapters import tables as db
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.domain import Policy
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from .conftest import ClientOf

pytestmark = pytest.mark.integration

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
UowFactory = Callable[[], ReplenishmentUnitOfWork]
E = TypeVar("E", bound=Event)


@pytest.fixture(autouse=True)
async def clean(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """Each test starts from empty business tables, with SKU-1 and SUP-1 known."""
    async with session_factory() as session:
        for table in reversed(db.metadata.sorted_tables):
            if table is not db.audit_log:  # append-only: tests tell entries apart by their ids
                await session.execute(delete(table))
        await session.commit()
    yield


async def seed(make_uow: UowFactory, *, with_policy: bool = True) -> None:
    item = ItemUpserted(
        sku="SKU-1", name="Widget", unit_of_measure="pcs", category="parts", unit_cost=D("12.5")
    )
    supplier = SupplierUpserted(supplier_id="SUP-1", name="Acme", lead_time_days=7)
    await consume(make_uow, item, supplier)
    async with make_uow() as uow:
        if with_policy:
            await uow.policies.save(Policy("SKU-1", "WH-1", D(20), D(100), "SUP-1"))
        await uow.commit()


def availability(
    on_hand: int, reserved: int = 0, *, seconds: int = 1, **movement: Any
) -> AvailabilityChanged:
    return AvailabilityChanged(
        sku="SKU-1",
        location="WH-1",
        on_hand=D(on_hand),
        reserved=D(reserved),
        available_to_promise=D(on_hand - reserved),
        as_of=NOW + timedelta(seconds=seconds),
        movement=MovementReference(**movement) if movement else None,
    )


def inbound(data: E, *, time: datetime = NOW) -> InboundEvent[E]:
    """`data` as the consumer hands it to a handler."""
    cloud_event = new_event(data, source="/services/test", time=time)
    value = encode(cloud_event)
    key = data.key()
    record = ConsumerRecord(data.topic, 0, 0, 0, 0, key.encode(), value, None, 1, len(value), [])
    return InboundEvent(cloud_event, data, data.topic, 0, 0, key, record=record)


async def consume(make_uow: UowFactory, *events: Event, time: datetime = NOW) -> None:
    """Apply events in one transaction, as the consumer loop does."""
    async with make_uow() as uow:
        await consumer.registry(lambda: NOW).dispatch([inbound(e, time=time) for e in events], uow)
        await uow.commit()


async def outbox(session_factory: async_sessionmaker[AsyncSession]) -> list[Any]:
    async with session_factory() as session:
        rows = await session.execute(select(outbox_table).order_by(outbox_table.c.id))
        return list(rows)


async def test_migrations_match_the_table_definitions(replenishment_db: str) -> None:
    engine = create_async_engine(replenishment_db)

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, db.metadata))

    async with engine.connect() as connection:
        found = await connection.run_sync(differences)
    await engine.dispose()
    assert found == []


async def test_breach_writes_exactly_three_outbox_rows_with_the_requisition(
    make_uow: UowFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(make_uow)
    await consume(make_uow, availability(25, 5))
    rows = await outbox(session_factory)
    assert [r.event_type for r in rows] == [
        "inventory.stock.below-threshold.v1",
        "inventory.replenishment.proposed.v1",
        "inventory.approval.requested.v1",
    ]
    assert [r.topic for r in rows] == [
        "inventory.replenishment",
        "inventory.replenishment",
        "inventory.approvals",
    ]
    requested = decode(rows[2].payload)
    async with make_uow() as uow:
        (requisition,) = await uow.requisitions.find(status="pending_approval", sku="SKU-1")
    assert requested.data["subject_id"] == requisition.requisition_id
    assert requested.data["amount"] == "1250.00"
    assert rows[0].key == "SKU-1@WH-1"


async def test_concurrent_breaches_of_one_stock_point_raise_one_requisition(
    make_uow: UowFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(make_uow)
    events = [availability(10 - i, seconds=i + 1) for i in range(6)]
    await asyncio.gather(*(consume(make_uow, e) for e in events))
    async with make_uow() as uow:
        assert len(await uow.requisitions.find(status=None, sku="SKU-1")) == 1
    types = [r.event_type for r in await outbox(session_factory)]
    assert types.count("inventory.approval.requested.v1") == 1
    assert len(types) == 3


async def test_unique_index_refuses_a_second_open_requisition_without_error(
    make_uow: UowFactory,
) -> None:
    await seed(make_uow)
    await consume(make_uow, availability(10))
    async with make_uow() as uow:
        (first,) = await uow.requisitions.find(status=None, sku="SKU-1")
        second = first.__class__(**{**first.__dict__, "requisition_id": "REQ-2"})
        second.approval_request_id = "APR-REQ-2"
        assert await uow.requisitions.add_if_none_open(second) is False
        await uow.commit()
    async with make_uow() as uow:
        assert await uow.requisitions.get("REQ-2") is None


async def test_concurrent_inserts_of_open_requisitions_leave_one(make_uow: UowFactory) -> None:
    """Bypassing the position lock: the second insert waits for the first, then does nothing."""
    await seed(make_uow)
    await consume(make_uow, availability(10))
    async with make_uow() as uow:
        (template,) = await uow.requisitions.find(status=None, sku="SKU-1")
        await uow.session.execute(delete(db.requisitions))
        await uow.commit()

    def copy(n: int) -> Any:
        return template.__class__(
            **{**template.__dict__, "requisition_id": f"REQ-{n}", "approval_request_id": f"A-{n}"}
        )

    async with make_uow() as first:
        assert await first.requisitions.add_if_none_open(copy(1))

        async def second_insert() -> bool:
            async with make_uow() as second:
                inserted = await second.requisitions.add_if_none_open(copy(2))
                await second.commit()
                return inserted

        racing = asyncio.create_task(second_insert())
        await asyncio.sleep(0.3)
        assert not racing.done()  # blocked on the first transaction's index entry
        await first.commit()
    assert await racing is False
    async with make_uow() as uow:
        assert [r.requisition_id for r in await uow.requisitions.find(status=None, sku=None)] == [
            "REQ-1"
        ]


async def test_grant_then_receipt_closes_po_with_position_never_dipping(
    make_uow: UowFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(make_uow)
    await consume(make_uow, availability(10))
    async with make_uow() as uow:
        (requisition,) = await uow.requisitions.find(status=None, sku="SKU-1")
    granted = ApprovalGranted(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
    )
    await consume(make_uow, granted)
    await consume(make_uow, granted)  # duplicate: ignored
    async with make_uow() as uow:
        (order,) = await uow.purchase_orders.find(status="open")
        position = await uow.positions.get("SKU-1", "WH-1")
        of_item = await uow.purchase_orders.find(
            status=None, sku="SKU-1", supplier_id=order.supplier_id
        )  # an item's recent prices from its supplier (the approval page's "why")
        other_item = await uow.purchase_orders.find(status=None, sku="SKU-2")
        other_supplier = await uow.purchase_orders.find(status=None, supplier_id="SUP-OTHER")
    assert [o.purchase_order_id for o in of_item] == [order.purchase_order_id]
    assert other_item == [] and other_supplier == []
    assert position is not None and position.on_order == D(100)
    assert position.inventory_position == D(110)
    receipt = availability(
        110,
        seconds=5,
        movement_id="MV-1",
        movement_type="receipt",
        quantity_delta=D(100),
        purchase_order_id=order.purchase_order_id,
    )
    await consume(make_uow, receipt)
    async with make_uow() as uow:
        closed = await uow.purchase_orders.get(order.purchase_order_id)
        position = await uow.positions.get("SKU-1", "WH-1")
        stored = await uow.requisitions.get(requisition.requisition_id)
    assert closed is not None and closed.status == "closed"
    assert closed.closed_at == receipt.as_of
    assert position is not None and (position.on_hand, position.on_order) == (D(110), D(0))
    assert stored is not None and stored.status == "ordered"
    types = [r.event_type for r in await outbox(session_factory)]
    assert types.count("inventory.purchase-order.released.v1") == 1
    assert types.count("inventory.approval.requested.v1") == 1  # no false requisition


async def test_demand_history_counts_an_order_once(
    make_uow: UowFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    order = OrderPlaced(
        order_id="SO-1", lines=(OrderLine(sku="SKU-1", location="WH-1", quantity=D(4)),)
    )
    for _ in range(2):
        await consume(make_uow, order)
    async with make_uow() as uow:
        assert await uow.demand.daily("SKU-1", "WH-1") == [(NOW.date(), D(4), 1)]


# --- the HTTP API on the test database ---


@pytest.fixture
async def client(api_app: FastAPI, client_of: ClientOf) -> AsyncIterator[httpx.AsyncClient]:
    app = api_app
    async with client_of(app) as http:
        yield http


async def test_api_policy_position_and_requisitions(
    client: httpx.AsyncClient, make_uow: UowFactory
) -> None:
    await seed(make_uow, with_policy=False)
    await consume(make_uow, availability(8))  # SKU-1: no policy
    refused = await client.put(
        "/v1/policies/SKU-1/WH-1",
        json={"reorder_point": 10, "order_quantity": 50, "supplier_id": "SUP-X"},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "body.supplier_id"
    response = await client.put(
        "/v1/policies/SKU-1/WH-1",
        json={"reorder_point": "10", "order_quantity": 50, "supplier_id": "SUP-1"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["effective"]["unit_cost"] == "12.5"
    assert body["effective"]["lead_time_days"] == 7
    assert body["position"]["below_threshold"] is True
    raised = body["requisition_raised"]
    assert raised and raised.startswith("REQ-")
    position = (await client.get("/v1/positions/SKU-1/WH-1")).json()
    assert position["inventory_position"] == "8"
    assert position["open_requisition_id"] == raised
    listed = (await client.get("/v1/requisitions", params={"status": "pending_approval"})).json()
    assert [r["requisition_id"] for r in listed] == [raised]
    one = (await client.get(f"/v1/requisitions/{raised}")).json()
    assert (one["quantity"], one["amount"]) == ("50", "625.00")
    assert (await client.get("/v1/requisitions/REQ-NOPE")).status_code == 404
    assert (await client.get("/v1/purchase-orders/PO-NOPE")).status_code == 404
    assert (await client.get("/v1/positions/NOPE/WH-1")).status_code == 404
    policy = (await client.get("/v1/policies/SKU-1/WH-1")).json()
    assert policy["department"] == "purchasing" and policy["unit_cost"] is None


async def test_api_rejects_bad_input_with_4xx(client: httpx.AsyncClient) -> None:
    bad = await client.put(
        "/v1/policies/SKU-1/WH-1",
        json={"reorder_point": -1, "order_quantity": 0, "supplier_id": ""},
    )
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["detail"]}
    assert fields == {"body.reorder_point", "body.order_quantity", "body.supplier_id"}
    malformed = await client.put(
        "/v1/policies/SKU-1/WH-1", content=b"{", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert (await client.get("/v1/purchase-orders", params={"status": "x"})).status_code == 422


async def test_open_requisition_index_exists(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        count = await session.scalar(select(func.count()).select_from(db.requisitions))
        indexes = await session.scalar(
            text(
                "SELECT count(*) FROM pg_indexes"
                " WHERE indexname = 'uq_requisitions_open_stock_point'"
            )
        )
    assert (count, indexes) == (0, 1)
