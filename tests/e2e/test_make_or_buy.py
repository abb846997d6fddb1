"""Make or buy on the running system: a make item below its threshold raises a production work
order proposal (never a purchase requisition), the production manager approves it in its own
flow, the released work order reaches the ERP/MES through the gateway's write-back, and its
completion receipts (stock-ledger receipts naming the work order) complete it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from inventory_gateway_client.api.inbound import place_order, upsert_item, upsert_location
from inventory_gateway_client.api.write_back import create_subscription
from inventory_gateway_client.models import (
    ItemBody,
    LocationBody,
    OrderLine,
    OrderPlaced,
    SubscriptionBody,
)
from inventory_testkit.kafka import KafkaWatcher
from inventory_testkit.platform import approval_in_inbox, gateway, http, poll, unique
from inventory_testkit.standins import WebhookReceiver

MES_SECRET = "mes-shared-secret"
PLANT = "WH-MAKE-E2E"
WORK_ORDER_RELEASED = "inventory.work-order.released.v1"


@pytest.fixture(scope="module")
def mes() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
async def plant(mes: WebhookReceiver) -> str:
    """The plant's location and an ERP/MES subscription to released work orders only."""
    async with gateway() as gw:
        subscription = SubscriptionBody(
            url=mes.url, secret=MES_SECRET, event_types=[WORK_ORDER_RELEASED]
        )
        created = await create_subscription.asyncio_detailed(client=gw, body=subscription)
        assert created.status_code in (200, 201), created.content
        location = LocationBody(name="E2E plant")
        accepted = await upsert_location.asyncio_detailed(PLANT, client=gw, body=location)
        assert accepted.status_code in (200, 202), accepted.content
    return PLANT


async def made_item(sku: str) -> None:
    item = ItemBody(
        name=f"Made {sku}",
        name_zh=f"自制件 {sku}",
        unit_of_measure="pcs",
        category="e2e",
        unit_cost="12.50",
        procurement_type="make",
        production_lead_time_days=2,
    )
    async with gateway() as gw:
        accepted = await upsert_item.asyncio_detailed(sku, client=gw, body=item)
    assert accepted.status_code in (200, 202), accepted.content


async def receipt(sku: str, quantity: int, work_order_id: str | None = None) -> None:
    """A goods receipt on stock-ledger; naming a work order makes it a completion receipt."""
    body: dict[str, Any] = {
        "lines": [{"sku": sku, "location": PLANT, "quantity": quantity, "unit_cost": "12.50"}]
    }
    if work_order_id is not None:
        body["purchase_order_id"] = work_order_id
    async with http("stock-ledger") as ledger:
        await poll(
            lambda: ledger.post("/v1/receipts", json=body),
            lambda r: r.status_code == 201,
            what=f"receipt of {quantity} {sku}",
        )


async def replenishment_get(path: str, **params: Any) -> Any:
    async with http("replenishment") as replenishment:
        response = await replenishment.get(path, params=params)
    return response.json() if response.status_code == 200 else None


async def position(sku: str) -> dict[str, Any]:
    return await replenishment_get(f"/v1/positions/{sku}/{PLANT}") or {}


async def stocked_made_item() -> str:
    """A make item with 30 on hand and a policy (reorder point 20, order quantity 100)."""
    sku = unique("MAKE")
    await made_item(sku)
    await receipt(sku, 30)
    await poll(
        lambda: position(sku),
        lambda p: Decimal(p.get("on_hand", -1)) == 30,
        what=f"replenishment to see 30 of {sku}",
    )
    # no supplier of that id exists: the policy is taken once replenishment knows the item is
    # made (a bought item would need its supplier)
    body = {"reorder_point": 20, "order_quantity": 100, "supplier_id": "SUP-NONE-E2E"}
    async with http("replenishment") as replenishment:
        response = await poll(
            lambda: replenishment.put(f"/v1/policies/{sku}/{PLANT}", json=body),
            lambda r: r.status_code == 200,
            what=f"the policy of {sku}",
        )
    assert response.json()["effective"]["procurement_type"] == "make"
    return sku


async def breach(watcher: KafkaWatcher, sku: str) -> dict[str, Any]:
    """An order of 12 takes the position to 18 <= 20: one work order proposal."""
    async with gateway() as gw:
        order_id = unique("ORD")
        order = OrderPlaced(
            order_id=order_id, lines=[OrderLine(sku=sku, location=PLANT, quantity=12)]
        )
        placed = await place_order.asyncio_detailed(client=gw, body=order, idempotency_key=order_id)
    assert placed.status_code == 202, placed.content
    seen = await watcher.wait_for(
        lambda s: (
            s.type == "inventory.approval.requested.v1"
            and s.event["data"]["details"].get("sku") == sku
        ),
        what=f"the work order proposal of {sku}",
    )
    request: dict[str, Any] = seen.event["data"]
    await approval_in_inbox(request["request_id"])
    return request


async def approve(request_id: str, login: str) -> Any:
    async with http("approval", login=login) as approval:
        return await approval.post(f"/v1/approvals/{request_id}/approve", json={})


async def released_to_mes(watcher: KafkaWatcher, mes: WebhookReceiver, sku: str) -> str:
    released = await watcher.wait_for(
        lambda s: s.type == WORK_ORDER_RELEASED and s.event["data"]["sku"] == sku,
        what=f"the work order of {sku}",
    )
    work_order: dict[str, Any] = released.event["data"]
    assert Decimal(work_order["quantity"]) == 100
    assert Decimal(work_order["total_amount"]) == Decimal("1250")
    delivered = await poll(
        lambda: [
            r
            for r in mes.received
            if r.json.get("data", {}).get("work_order_id") == work_order["work_order_id"]
        ],
        lambda found: any(r.signature_valid(MES_SECRET) for r in found),
        timeout=60,
        what="the work order at the ERP/MES with a valid signature",
    )
    assert delivered[-1].headers["x-event-type"] == WORK_ORDER_RELEASED
    return str(work_order["work_order_id"])


async def test_make_item_from_threshold_to_completed_work_order(
    watcher: KafkaWatcher, mes: WebhookReceiver, plant: str
) -> None:
    sku = await stocked_made_item()
    request = await breach(watcher, sku)
    assert request["subject_type"] == "production_work_order"
    assert Decimal(request["amount"]) == Decimal("1250")  # 100 at standard cost 12.50
    assert "supplier_id" not in request["details"]

    refused = await approve(request["request_id"], "wang.manager")  # not this flow's role
    assert refused.status_code == 403, refused.text
    approved = await approve(request["request_id"], "zhou.production")
    assert approved.status_code == 200, approved.text
    work_order_id = await released_to_mes(watcher, mes, sku)
    await poll(lambda: position(sku), lambda p: Decimal(p["on_order"]) == 100, what="on order")

    await receipt(sku, 40, work_order_id)  # a partial completion leaves it open
    partly = await poll(
        lambda: replenishment_get(f"/v1/work-orders/{work_order_id}"),
        lambda w: w is not None and w["status"] == "partially_completed",
        what=f"{work_order_id} partially completed",
    )
    assert Decimal(partly["open_quantity"]) == 60
    await receipt(sku, 60, work_order_id)
    done = await poll(
        lambda: replenishment_get(f"/v1/work-orders/{work_order_id}"),
        lambda w: w is not None and w["status"] == "completed",
        what=f"{work_order_id} completed",
    )
    assert Decimal(done["completed_quantity"]) == 100
    after = await poll(
        lambda: position(sku),
        lambda p: Decimal(p["on_hand"]) == 130 and Decimal(p["on_order"]) == 0,
        what="on hand up by the completed quantity",
    )
    assert after["below_threshold"] is False

    proposals = await replenishment_get("/v1/requisitions", sku=sku)
    assert [(p["procurement_type"], p["status"]) for p in proposals] == [("make", "ordered")]
    assert proposals[0]["supplier_id"] is None
    assert not watcher.events("inventory.replenishment.proposed.v1", sku=sku)
    assert not [
        s
        for s in watcher.events("inventory.purchase-order.released.v1")
        if s["data"]["lines"][0]["sku"] == sku
    ]
