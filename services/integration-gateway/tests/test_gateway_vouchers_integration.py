"""Vouchers queued from consumed ledger movements on PostgreSQL: one per movement and voucher
subscription, with the item's ERP unit from the imported items, once per movement."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal as D
from uuid import uuid4

import httpx
import pytest
from integration_gateway import consumer, handlers
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.domain import WebhookSubscription
from integration_gateway.domain.vouchers import Posting
from inventory_contracts.envelope import new_event
from inventory_contracts.events.stock import StockMoved
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.inbound import InboundEvent
from sqlalchemy import text

pytestmark = pytest.mark.integration
POSTED = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)


def movement(movement_id: str, movement_type: str, quantity: int, value: str) -> InboundEvent:
    data = StockMoved(
        movement_id=movement_id, sku="TEA-1", location="SH-01", quantity_delta=D(quantity),
        movement_type=movement_type, unit_cost=D("8.50"), value=D(value),
        on_hand_after=D(100), document_id=f"DOC-{movement_id}", document_type="receipt",
        posted_at=POSTED, posted_by="zhao.op",
    )  # fmt: skip
    cloud_event = new_event(data, source="/services/stock-ledger", correlation_id="corr-1")
    return InboundEvent(cloud_event, data, data.topic, 0, 0, data.key(), record=None)


async def subscribe(runtime: ServiceRuntime, *event_types: str) -> str:
    subscription_id = f"sub_{uuid4().hex}"
    subscription = WebhookSubscription(
        subscription_id, "http://127.0.0.1:9/erp", "s" * 20, event_types, True, "api"
    )
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        await uow.subscriptions.add(subscription)
        await uow.commit()
    return subscription_id


async def dispatch(
    runtime: ServiceRuntime, events: list[InboundEvent], **postings: Posting
) -> None:
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        await consumer.build_registry(postings).dispatch(events, uow)
        await uow.commit()


async def vouchers(runtime: ServiceRuntime) -> list[dict]:  # type: ignore[type-arg]
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT payload FROM deliveries WHERE event_type = :t ORDER BY id"),
            {"t": "inventory.stock.voucher.v1"},
        )
        return [json.loads(row.payload) for row in rows]


async def test_each_movement_becomes_a_voucher_with_its_ledger_values_once(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    units = '{"unit": "case", "name": "Case", "base_unit": "pcs", "factor": 12}\n'
    item = "sku,name,unit_of_measure,category,unit_cost,purchase_unit\nTEA-1,Tea,pcs,tea,8.5,case\n"
    for kind, body, fmt in (("units", units, "jsonl"), ("items", item, "csv")):
        response = await client.post(
            "/v1/imports", params={"kind": kind, "format": fmt, "wait": "true"},
            content=body.encode(),
        )  # fmt: skip
        assert response.json()["applied"] == 1, response.text
    await subscribe(runtime, "inventory.purchase-order.released.v1")  # wants no vouchers
    erp = await subscribe(runtime, "inventory.stock.voucher.v1")
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        assert "inventory.stock.moved.v1" in await handlers.subscribed_types(uow)
    events = [
        movement("LE-1", "receipt", 24, "204.00"),
        movement("LE-2", "issue", -12, "-102.00"),
        movement("LE-3", "count_adjustment", -1, "-8.50"),
    ]
    await dispatch(runtime, events)
    await dispatch(runtime, events[:1])  # a redelivery queues nothing new
    receipt, issue, count = await vouchers(runtime)
    assert receipt["type"] == "inventory.stock.voucher.v1" and receipt["subject"] == "LE-1"
    data = receipt["data"]
    assert (data["document_reference"], data["posting_date"]) == ("receipt/DOC-LE-1", "2026-03-31")
    assert data["quantity_erp"] == {"quantity": "2", "unit": "case"}
    assert data["value"] == "204.00" and data["unit_cost"] == "8.50"
    assert [(line["side"], line["role"], line["amount"]) for line in data["lines"]] == [
        ("debit", "inventory", "204.00"), ("credit", "gr_ir", "204.00"),
    ]  # fmt: skip
    assert [line["role"] for line in issue["data"]["lines"]] == ["cogs", "inventory"]
    assert [line["role"] for line in count["data"]["lines"]] == [
        "inventory_difference",
        "inventory",
    ]
    async with runtime.engine.connect() as connection:
        targets = await connection.scalars(text("SELECT DISTINCT subscription_id FROM deliveries"))
        assert list(targets) == [erp]


async def test_a_subscription_limited_to_locations_gets_only_their_vouchers(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    body = {
        "url": "http://127.0.0.1:9/erp", "secret": "s" * 20,
        "event_types": ["inventory.stock.voucher.v1"], "locations": ["BJ-01"],
    }  # fmt: skip
    created = await client.post("/v1/subscriptions", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["locations"] == ["BJ-01"]
    everywhere = await subscribe(runtime, "inventory.stock.voucher.v1")
    shanghai = movement("LE-7", "receipt", 1, "8.50")  # at SH-01
    await dispatch(runtime, [shanghai])
    async with runtime.engine.connect() as connection:
        targets = await connection.scalars(text("SELECT subscription_id FROM deliveries"))
        assert list(targets) == [everywhere]
    bad = await client.post("/v1/subscriptions", json={**body, "locations": []})
    assert bad.status_code == 422 and "body.locations" in bad.text
