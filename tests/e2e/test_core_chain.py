"""The core chain on the running system: receipt, orders, threshold, approval, PO, receipt, alerts.

Every test makes its own SKUs, so the suite can run against a stack that has seen other runs.
Where a test shows that something did *not* happen, it waits for a sentinel (see
`inventory_testkit.sentinel`): a later event on the same key whose outcome, once seen, proves
that whatever the first one caused has been seen too.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from inventory_gateway_client.api.inbound import (
    cancel_order,
    receive_goods,
    ship_order,
    upsert_item,
    upsert_location,
    upsert_supplier,
)
from inventory_gateway_client.api.inbound import place_order as place_order_api
from inventory_gateway_client.api.write_back import create_subscription
from inventory_gateway_client.models import (
    CancelOrderBody,
    ErrorBody,
    ItemBody,
    LocationBody,
    OrderLine,
    OrderPlaced,
    ReceiptBody,
    ReceiptLine,
    ShipmentBody,
    SubscriptionBody,
    SupplierBody,
)
from inventory_testkit.kafka import KafkaWatcher, cloud_event, has_data, publish_raw
from inventory_testkit.platform import (
    approval_in_inbox,
    disable_alert_channels,
    gateway,
    http,
    poll,
    unique,
)
from inventory_testkit.sentinel import after_sentinel, orders_settled
from inventory_testkit.standins import SmtpServer, WebhookReceiver, body_of, subject_of

ERP_SECRET = "erp-shared-secret"
CHAT_SECRET = "chat-shared-secret"
WAREHOUSE = "WH-E2E"
SUPPLIER = "SUP-E2E"


@pytest.fixture(scope="module")
async def world(
    watcher: KafkaWatcher, erp: WebhookReceiver, chat_webhook: WebhookReceiver, smtp: SmtpServer
) -> dict[str, Any]:
    """Master data, an ERP subscription for purchase orders and the alert channels."""
    async with gateway() as gw:
        subscription = SubscriptionBody(
            url=erp.url, secret=ERP_SECRET, event_types=["inventory.purchase-order.released.v1"]
        )
        subscribed = await create_subscription.asyncio_detailed(client=gw, body=subscription)
        assert subscribed.status_code in (200, 201), subscribed.content
        location = LocationBody(name="E2E warehouse")
        accepted = await upsert_location.asyncio_detailed(WAREHOUSE, client=gw, body=location)
        assert accepted.status_code in (200, 202), accepted.content
        supplier = SupplierBody(name="E2E supplier", lead_time_days=7)
        accepted = await upsert_supplier.asyncio_detailed(SUPPLIER, client=gw, body=supplier)
        assert accepted.status_code in (200, 202), accepted.content
    async with http("alerting") as alerting:
        await disable_alert_channels()
        channels: list[dict[str, Any]] = [
            {
                "kind": "webhook",
                "name": unique("e2e chat"),
                "config": {"url": chat_webhook.url, "secret": CHAT_SECRET},
            },
            {
                "kind": "email",
                "name": unique("e2e mail"),
                "config": {
                    "host": "127.0.0.1",
                    "port": smtp.port,
                    "from_address": "inventory@example.com",
                    "to": ["buyer@example.com"],
                },
            },
        ]
        for channel in channels:
            response = await alerting.post("/v1/channels", json=channel)
            assert response.status_code in (200, 201), response.text
    return {"erp": erp, "chat": chat_webhook, "smtp": smtp}


async def add_item(sku: str, unit_cost: str) -> None:
    item = ItemBody(
        name=f"Item {sku}",
        name_zh=f"物料 {sku}",
        unit_of_measure="pcs",
        category="e2e",
        unit_cost=unit_cost,
    )
    async with gateway() as gw:
        response = await upsert_item.asyncio_detailed(sku, client=gw, body=item)
        assert response.status_code in (200, 202), response.content


async def receive(sku: str, quantity: int, unit_cost: str, **extra: Any) -> dict[str, Any]:
    """Post a receipt on stock-ledger, waiting until the item's master data has reached it."""
    body = {
        "lines": [
            {"sku": sku, "location": WAREHOUSE, "quantity": quantity, "unit_cost": unit_cost}
        ],
        **extra,
    }
    async with http("stock-ledger") as ledger:
        response = await poll(
            lambda: ledger.post("/v1/receipts", json=body),
            lambda r: r.status_code == 201,
            what=f"receipt of {sku} to be accepted",
        )
    document: dict[str, Any] = response.json()
    return document


async def availability(sku: str) -> dict[str, Any]:
    async with http("reservation") as reservation:
        response = await reservation.get(f"/v1/availability/{sku}/{WAREHOUSE}")
        return response.json() if response.status_code == 200 else {}


async def wait_available(sku: str, on_hand: int, reserved: int = 0) -> dict[str, Any]:
    return await poll(
        lambda: availability(sku),
        lambda a: Decimal(a["on_hand"]) == on_hand and Decimal(a["reserved"]) == reserved,
        what=f"{sku} on hand {on_hand}, reserved {reserved}",
    )


async def stocked_item(quantity: int, unit_cost: str = "10") -> str:
    sku = unique("SKU")
    await add_item(sku, unit_cost)
    await receive(sku, quantity, unit_cost)
    await wait_available(sku, quantity)
    await poll(  # replenishment learns on-hand from reservation's availability events
        lambda: position(sku),
        lambda p: Decimal(p["on_hand"]) == quantity,
        what=f"replenishment to see {quantity} of {sku} on hand",
    )
    return sku


async def place_order(sku: str, quantity: int | str, order_id: str | None = None) -> str:
    order_id = order_id or unique("ORD")
    order = OrderPlaced(
        order_id=order_id, lines=[OrderLine(sku=sku, location=WAREHOUSE, quantity=quantity)]
    )
    async with gateway() as gw:
        response = await place_order_api.asyncio_detailed(
            client=gw, body=order, idempotency_key=order_id
        )
    assert response.status_code == 202, response.content
    return order_id


async def outcome(watcher: KafkaWatcher, order_id: str) -> dict[str, Any]:
    seen = await watcher.wait_for(
        lambda s: (
            s.topic == "inventory.reservations"
            and s.type in ("inventory.stock.reserved.v1", "inventory.reservation.rejected.v1")
            and s.event["data"]["order_id"] == order_id
        ),
        what=f"the outcome of {order_id}",
    )
    return seen.event


def outcomes_of(watcher: KafkaWatcher, order_id: str) -> list[dict[str, Any]]:
    return [
        e
        for t in ("inventory.stock.reserved.v1", "inventory.reservation.rejected.v1")
        for e in watcher.events(t, order_id=order_id)
    ]


async def set_policy(sku: str, reorder_point: int, order_quantity: int, unit_cost: str) -> None:
    """Set the policy, waiting until the supplier's master data has reached replenishment."""
    body = {
        "reorder_point": reorder_point,
        "order_quantity": order_quantity,
        "supplier_id": SUPPLIER,
        "unit_cost": unit_cost,
    }
    async with http("replenishment") as replenishment:
        await poll(
            lambda: replenishment.put(f"/v1/policies/{sku}/{WAREHOUSE}", json=body),
            lambda r: r.status_code == 200,
            what=f"the policy of {sku} to be accepted",
        )


async def approve(request_id: str, approver: str) -> httpx.Response:
    """`approver` approves, signed in as themselves (the token says who decides)."""
    async with http("approval", login=approver) as approval:
        return await approval.post(f"/v1/approvals/{request_id}/approve", json={})


async def test_receipt_is_posted_and_reaches_available_to_promise(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = unique("SKU")
    await add_item(sku, "12.50")
    document = await receive(sku, 40, "12.50")
    moved = await watcher.wait_for_event("inventory.stock.moved.v1", sku=sku)
    assert Decimal(moved["data"]["quantity_delta"]) == 40
    assert moved["data"]["movement_type"] == "receipt"
    assert Decimal(moved["data"]["value"]) == Decimal("500")
    assert moved["data"]["document_id"] == document["document_id"]
    snapshot = await wait_available(sku, 40)
    assert Decimal(snapshot["available_to_promise"]) == 40


async def test_orders_are_reserved_or_rejected_never_oversold(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = await stocked_item(10)
    first = await place_order(sku, 6)
    reserved = await outcome(watcher, first)
    assert reserved["type"] == "inventory.stock.reserved.v1"
    assert Decimal(reserved["data"]["lines"][0]["reserved"]) == 6

    second = await place_order(sku, 5)  # only 4 left: all-or-nothing rejects it
    rejected = await outcome(watcher, second)
    assert rejected["type"] == "inventory.reservation.rejected.v1"
    assert rejected["data"]["reason"] == "insufficient_stock"
    short = rejected["data"]["short_lines"][0]
    assert short["sku"] == sku
    assert (Decimal(short["requested"]), Decimal(short["available"])) == (Decimal(5), Decimal(4))

    exact = await place_order(sku, 4)
    assert (await outcome(watcher, exact))["type"] == "inventory.stock.reserved.v1"
    await wait_available(sku, 10, reserved=10)
    await orders_settled(watcher, (first, second, exact), WAREHOUSE)
    for order_id in (first, second, exact):
        assert len(outcomes_of(watcher, order_id)) == 1


async def test_same_order_twice_gets_one_outcome(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = await stocked_item(5)
    order_id = unique("ORD")
    event = cloud_event(
        "inventory.order.placed.v1",
        {"order_id": order_id, "lines": [{"sku": sku, "location": WAREHOUSE, "quantity": 2}]},
    )
    for _ in range(2):  # two different events for one order: redelivery by an ERP
        event["id"] = unique("evt")
        await publish_raw(
            watcher.bootstrap, "inventory.orders", order_id, json.dumps(event).encode()
        )
    assert (await outcome(watcher, order_id))["type"] == "inventory.stock.reserved.v1"
    await wait_available(sku, 5, reserved=2)
    await after_sentinel(  # a cancellation on the order's own key: released after any 2nd outcome
        watcher,
        lambda: cancel(order_id),
        lambda s: has_data(s, "inventory.reservation.released.v1", {"order_id": order_id}),
        what=f"the release of {order_id}",
    )
    assert len(outcomes_of(watcher, order_id)) == 1


async def cancel(order_id: str) -> None:
    async with gateway() as gw:
        response = await cancel_order.asyncio_detailed(
            order_id, client=gw, body=CancelOrderBody(reason="e2e")
        )
    assert response.status_code == 202, response.content


async def requisitions(sku: str) -> list[dict[str, Any]]:
    async with http("replenishment") as replenishment:
        response = await replenishment.get("/v1/requisitions", params={"sku": sku})
    assert response.status_code == 200, response.text
    return list(response.json())


async def _approval_request(watcher: KafkaWatcher, sku: str) -> dict[str, Any]:
    seen = await watcher.wait_for(
        lambda s: (
            s.type == "inventory.approval.requested.v1"
            and s.event["data"]["details"].get("sku") == sku
        ),
        what=f"an approval request for {sku}",
    )
    await approval_in_inbox(seen.event["data"]["request_id"])
    return seen.event


async def position(sku: str) -> dict[str, Any]:
    async with http("replenishment") as replenishment:
        response = await replenishment.get(f"/v1/positions/{sku}/{WAREHOUSE}")
        return response.json() if response.status_code == 200 else {}


async def _one_requisition_while_open(watcher: KafkaWatcher, sku: str) -> dict[str, Any]:
    """A first order crosses the threshold: one requisition; a second finds it open."""
    order_id = await place_order(sku, 12)  # position 30 - 12 = 18 <= 20
    assert (await outcome(watcher, order_id))["type"] == "inventory.stock.reserved.v1"

    below = await watcher.wait_for_event("inventory.stock.below-threshold.v1", sku=sku)
    assert Decimal(below["data"]["inventory_position"]) == 18
    request = await _approval_request(watcher, sku)
    assert Decimal(request["data"]["amount"]) == Decimal("1000")  # 100 x 10: one step

    order_again = await place_order(sku, 1)  # still below: no second requisition while one is open
    await outcome(watcher, order_again)
    await poll(  # replenishment took its availability in the step that would raise a second one
        lambda: position(sku),
        lambda p: Decimal(p["reserved"]) == 13,
        what=f"replenishment to see {order_again}",
    )
    assert len(await requisitions(sku)) == 1
    assert (
        len(
            [
                e
                for e in watcher.events("inventory.approval.requested.v1")
                if e["data"]["details"].get("sku") == sku
            ]
        )
        == 1
    )
    return request


async def _alerted(sku: str, chat: WebhookReceiver, smtp: SmtpServer) -> None:
    """The alert reaches the chat webhook (signed) and the mailbox (bilingual)."""
    hook = await poll(
        lambda: [r for r in chat.received if sku in r.body.decode()],
        bool,
        what="the low-stock webhook",
    )
    assert hook[0].signature_valid(CHAT_SECRET)
    mails = await poll(
        lambda: [m for m in smtp.messages if sku in body_of(m)], bool, what="the low-stock email"
    )
    assert "再订货点" in body_of(mails[0]) and "reorder point" in body_of(mails[0]).lower()
    assert subject_of(mails[0])


async def _released_to_erp(
    watcher: KafkaWatcher, erp: WebhookReceiver, sku: str, request_id: str
) -> dict[str, Any]:
    """The manager approves; the purchase order is released and reaches the ERP, signed."""
    response = await approve(request_id, "wang.manager")
    assert response.status_code == 200, response.text
    granted = await watcher.wait_for_event("inventory.approval.granted.v1", request_id=request_id)
    assert [step["role"] for step in granted["data"]["steps"]] == ["department_manager"]

    released = await watcher.wait_for(
        lambda s: (
            s.type == "inventory.purchase-order.released.v1"
            and s.event["data"]["lines"][0]["sku"] == sku
        ),
        what=f"the purchase order for {sku}",
    )
    po: dict[str, Any] = released.event["data"]
    assert Decimal(po["lines"][0]["quantity"]) == 100 and po["supplier_id"] == SUPPLIER

    delivered = await poll(
        lambda: [
            r
            for r in erp.received
            if r.json.get("data", {}).get("purchase_order_id") == po["purchase_order_id"]
        ],
        lambda found: len(found) >= 1 and any(r.signature_valid(ERP_SECRET) for r in found),
        timeout=60,
        what="the purchase order at the ERP with a valid signature",
    )
    assert delivered[-1].headers["x-event-type"] == "inventory.purchase-order.released.v1"
    return po


async def test_threshold_to_approval_to_purchase_order_to_receipt(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    erp, chat, smtp = world["erp"], world["chat"], world["smtp"]
    sku = await stocked_item(30, unit_cost="10")
    await set_policy(sku, reorder_point=20, order_quantity=100, unit_cost="10")

    request = await _one_requisition_while_open(watcher, sku)
    await _alerted(sku, chat, smtp)
    po = await _released_to_erp(watcher, erp, sku, request["data"]["request_id"])

    on_order = await poll(
        lambda: position(sku), lambda p: Decimal(p["on_order"]) == 100, what="100 on order"
    )
    assert Decimal(on_order["inventory_position"]) == 30 - 13 + 100

    # the ERP reports the goods receipt through the gateway
    receipt = ReceiptBody(
        receipt_id=unique("GR"),
        purchase_order_id=po["purchase_order_id"],
        lines=[ReceiptLine(sku=sku, location=WAREHOUSE, quantity=100, unit_cost="10")],
        received_at=datetime(2026, 11, 26, 9, tzinfo=UTC),
    )
    async with gateway() as gw:
        response = await receive_goods.asyncio_detailed(client=gw, body=receipt)
        assert response.status_code == 202, response.content
    restored = await poll(
        lambda: position(sku),
        lambda p: Decimal(p["on_order"]) == 0 and Decimal(p["on_hand"]) == 130,
        what="the receipt to close the PO",
    )
    assert Decimal(restored["inventory_position"]) == 130 - 13
    assert restored["below_threshold"] is False
    await wait_available(sku, 130, reserved=13)
    assert len([r for r in chat.received if sku in r.body.decode()]) == 1
    assert len([m for m in smtp.messages if sku in body_of(m)]) == 1


async def test_requisition_above_50000_needs_manager_then_finance_director(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = await stocked_item(5, unit_cost="800")
    await set_policy(sku, reorder_point=10, order_quantity=100, unit_cost="800")  # 80,000
    request = await _approval_request(watcher, sku)
    request_id = request["data"]["request_id"]
    assert Decimal(request["data"]["amount"]) == Decimal("80000")

    refused = await approve(request_id, "li.finance")  # not the current step's role
    assert refused.status_code == 403, refused.text
    first = await approve(request_id, "wang.manager")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "pending"
    assert first.json()["current_step"]["role"] == "finance_director"
    # The finance director's decision is the sentinel: its grant is on the same key (the
    # requisition), after anything the manager's decision published.
    assert (await approve(request_id, "li.finance")).status_code == 200
    granted = await watcher.wait_for_event("inventory.approval.granted.v1", request_id=request_id)
    assert len(watcher.events("inventory.approval.granted.v1", request_id=request_id)) == 1
    assert [s["role"] for s in granted["data"]["steps"]] == [
        "department_manager",
        "finance_director",
    ]
    await watcher.wait_for(
        lambda s: (
            s.type == "inventory.purchase-order.released.v1"
            and s.event["data"]["lines"][0]["sku"] == sku
        ),
        what="the purchase order after two approvals",
    )


async def test_rejected_requisition_releases_no_purchase_order(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = await stocked_item(1, unit_cost="5")
    await set_policy(sku, reorder_point=3, order_quantity=10, unit_cost="5")
    request = (await _approval_request(watcher, sku))["data"]
    request_id, requisition_id = request["request_id"], request["subject_id"]
    async with http("approval", login="wang.manager") as approval:
        response = await approval.post(
            f"/v1/approvals/{request_id}/reject", json={"comment": "supplier on hold"}
        )
    assert response.status_code == 200, response.text
    rejected = await watcher.wait_for_event("inventory.approval.rejected.v1", request_id=request_id)
    assert "supplier on hold" in json.dumps(rejected["data"])
    # Replenishment closed the requisition in the step that would have released a PO.
    await poll(
        lambda: requisitions(sku),
        lambda found: [r["status"] for r in found] == ["rejected"],
        what=f"replenishment to close {requisition_id}",
    )
    async with http("replenishment") as replenishment:
        orders = (await replenishment.get("/v1/purchase-orders")).json()
    assert not [o for o in orders if o["requisition_id"] == requisition_id]
    assert not [
        s
        for s in watcher.events("inventory.purchase-order.released.v1")
        if s["data"]["lines"][0]["sku"] == sku
    ]


async def test_cancel_releases_and_shipment_is_issued_and_fulfilled(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = await stocked_item(20)
    cancelled, shipped = await place_order(sku, 5), await place_order(sku, 8)
    for order_id in (cancelled, shipped):
        assert (await outcome(watcher, order_id))["type"] == "inventory.stock.reserved.v1"
    async with gateway() as gw:
        reason = CancelOrderBody(reason="customer changed mind")
        response = await cancel_order.asyncio_detailed(cancelled, client=gw, body=reason)
        assert response.status_code == 202, response.content
        await watcher.wait_for_event("inventory.reservation.released.v1", order_id=cancelled)
        shipment = ShipmentBody(
            shipment_id=unique("SHP"), lines=[OrderLine(sku=sku, location=WAREHOUSE, quantity=8)]
        )
        response = await ship_order.asyncio_detailed(shipped, client=gw, body=shipment)
        assert response.status_code == 202, response.content
    issue = await watcher.wait_for_event("inventory.stock.moved.v1", sku=sku, order_id=shipped)
    assert (
        Decimal(issue["data"]["quantity_delta"]) == -8 and issue["data"]["movement_type"] == "issue"
    )
    await watcher.wait_for_event("inventory.reservation.fulfilled.v1", order_id=shipped)
    snapshot = await wait_available(sku, 12, reserved=0)
    assert Decimal(snapshot["available_to_promise"]) == 12


async def test_order_published_by_kafkas_own_java_console_producer(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = await stocked_item(3)
    order_id = unique("ORD-JAVA")
    event = cloud_event(
        "inventory.order.placed.v1",
        {"order_id": order_id, "lines": [{"sku": sku, "location": WAREHOUSE, "quantity": 3}]},
    )
    line = f"{order_id}|{json.dumps(event)}\n"
    process = await asyncio.create_subprocess_exec(
        "bash",
        "scripts/kafka.sh",
        "run-tool",
        "org.apache.kafka.tools.ConsoleProducer",
        "--bootstrap-server",
        watcher.bootstrap,
        "--topic",
        "inventory.orders",
        "--property",
        "parse.key=true",
        "--property",
        "key.separator=|",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(line.encode()), timeout=90)
    assert process.returncode == 0, output.decode()
    reserved = await outcome(watcher, order_id)
    assert reserved["type"] == "inventory.stock.reserved.v1"
    assert Decimal(reserved["data"]["lines"][0]["reserved"]) == 3


async def test_bad_input_is_rejected_clearly_and_stops_nothing(
    watcher: KafkaWatcher, world: dict[str, Any]
) -> None:
    sku = await stocked_item(4)
    unknown = await place_order(unique("NO-SUCH-SKU"), 1)
    rejected = await outcome(watcher, unknown)
    assert rejected["data"]["reason"] == "unknown_sku"

    negative_line = OrderLine(sku=sku, location=WAREHOUSE, quantity=-2)
    order = OrderPlaced(order_id=unique("ORD"), lines=[negative_line])
    async with gateway() as gw:
        negative = await place_order_api.asyncio_detailed(client=gw, body=order)
        assert negative.status_code == 422
        assert isinstance(negative.parsed, ErrorBody)
        assert negative.parsed.error == "validation_error"
        assert "lines.0.quantity" in negative.content.decode()
        broken = await gw.get_async_httpx_client().post(  # no typed client sends broken JSON
            "/v1/orders",
            content=b'{"order_id": "x", "lines": [',
            headers={"Content-Type": "application/json"},
        )
        assert broken.status_code == 400, broken.text
    async with gateway(api_key=None) as anonymous_client:
        anonymous = await place_order_api.asyncio_detailed(client=anonymous_client, body=order)
        assert anonymous.status_code == 401

    malformed_key = unique("BROKEN")
    await publish_raw(
        watcher.bootstrap, "inventory.orders", malformed_key, b'{"specversion": "1.0", "type": '
    )
    dead = await watcher.wait_for(
        lambda s: s.topic == "inventory.orders.dlq" and s.key == malformed_key,
        what="the malformed event in the DLQ",
    )
    assert dead.headers.get("dlq-code") == "invalid_json" and dead.headers.get("dlq-reason")

    after = await place_order(sku, 4)  # the consumer kept going
    assert (await outcome(watcher, after))["type"] == "inventory.stock.reserved.v1"
