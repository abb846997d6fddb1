"""`make demo`: play the core story against the running platform and say what happened.

Receipt -> orders (one reserved, one rejected) -> stock falls below its reorder point ->
requisition -> approval -> purchase order delivered to a stand-in ERP -> goods receipt -> stock
restored; alerts arrive by webhook and email. Run `make up` first.
"""

from __future__ import annotations

import asyncio
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.platform import (  # noqa: E402 (after the path is set)
    PORTS,
    KafkaWatcher,
    SmtpServer,
    WebhookReceiver,
    approval_in_inbox,
    base_url,
    body_of,
    disable_alert_channels,
    gateway,
    http,
    poll,
    subject_of,
    unique,
)

WAREHOUSE, SUPPLIER, ERP_SECRET = "WH-DEMO", "SUP-DEMO", "demo-erp-secret"


def step(number: int, text: str) -> None:
    print(f"\n\033[1m{number}. {text}\033[0m")


def fact(text: str) -> None:
    print(f"   - {text}")


async def checked(response: Any, *ok: int) -> Any:
    if response.status_code not in ok:
        raise SystemExit(
            f"   ! {response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text}"
        )
    return response.json() if response.content else {}


async def main(bootstrap: str) -> None:
    watcher, erp, chat, smtp = (
        KafkaWatcher(bootstrap),
        WebhookReceiver(),
        WebhookReceiver(),
        SmtpServer(),
    )
    await watcher.start()
    erp.start()
    chat.start()
    smtp.start()
    sku = unique("DEMO-SKU")
    try:
        step(1, "Master data, an ERP webhook and alert channels (integration gateway, alerting)")
        async with gateway() as gw:
            await checked(
                await gw.post(
                    "/v1/subscriptions",
                    json={
                        "url": erp.url,
                        "secret": ERP_SECRET,
                        "event_types": ["inventory.purchase-order.released.v1"],
                    },
                ),
                200,
                201,
            )
            await checked(
                await gw.put(f"/v1/locations/{WAREHOUSE}", json={"name": "Demo warehouse"}),
                200,
                202,
            )
            await checked(
                await gw.put(
                    f"/v1/suppliers/{SUPPLIER}", json={"name": "Demo supplier", "lead_time_days": 5}
                ),
                200,
                202,
            )
            await checked(
                await gw.put(
                    f"/v1/items/{sku}",
                    json={
                        "name": "Brake pad",
                        "name_zh": "刹车片",
                        "unit_of_measure": "pcs",
                        "category": "demo",
                        "unit_cost": "120",
                    },
                ),
                200,
                202,
            )
        async with http("alerting") as alerting:
            await disable_alert_channels()
            await checked(
                await alerting.post(
                    "/v1/channels",
                    json={
                        "kind": "webhook",
                        "name": unique("demo chat"),
                        "config": {"url": chat.url},
                    },
                ),
                200,
                201,
            )
            await checked(
                await alerting.post(
                    "/v1/channels",
                    json={
                        "kind": "email",
                        "name": unique("demo mail"),
                        "config": {
                            "host": "127.0.0.1",
                            "port": smtp.port,
                            "from_address": "inventory@example.com",
                            "to": ["buyer@example.com"],
                        },
                    },
                ),
                200,
                201,
            )
        fact(f"item {sku} (刹车片) at {WAREHOUSE}, supplier {SUPPLIER}; ERP webhook at {erp.url}")

        step(2, "Goods receipt of 100 units at 120.00 (stock-ledger)")
        async with http("stock-ledger") as ledger:
            document = (
                await poll(
                    lambda: ledger.post(
                        "/v1/receipts",
                        json={
                            "lines": [
                                {
                                    "sku": sku,
                                    "location": WAREHOUSE,
                                    "quantity": 100,
                                    "unit_cost": "120",
                                }
                            ]
                        },
                    ),
                    lambda r: r.status_code == 201,
                    what="the receipt",
                )
            ).json()
        moved = await watcher.wait_for_event("inventory.stock.moved.v1", sku=sku)
        fact(
            f"document {document['document_id']} posted; StockMoved "
            f"+{moved['data']['quantity_delta']} value {moved['data']['value']}"
        )

        step(3, "Reorder point 40, order quantity 500 (replenishment)")
        async with http("replenishment") as replenishment:
            await poll(  # replenishment learns on-hand from reservation's availability events
                lambda: replenishment.get(f"/v1/positions/{sku}/{WAREHOUSE}"),
                lambda r: Decimal(r.json()["on_hand"]) == 100,
                what="replenishment to see the receipt",
            )
            policy = {
                "reorder_point": 40,
                "order_quantity": 500,
                "supplier_id": SUPPLIER,
                "unit_cost": "120",
            }
            await poll(  # until the supplier's master data has reached replenishment
                lambda: replenishment.put(f"/v1/policies/{sku}/{WAREHOUSE}", json=policy),
                lambda r: r.status_code == 200,
                what="the policy",
            )
        fact("500 x 120.00 = 60,000.00 > 50,000: the department manager, then the finance director")

        step(4, "Two orders through the gateway: 70 units (fits) and 50 units (does not)")
        for quantity in (70, 50):
            order_id = unique("ORD")
            async with gateway() as gw:
                await checked(
                    await gw.post(
                        "/v1/orders",
                        json={
                            "order_id": order_id,
                            "lines": [{"sku": sku, "location": WAREHOUSE, "quantity": quantity}],
                        },
                    ),
                    202,
                )
            seen = await watcher.wait_for(
                lambda s, o=order_id: (
                    s.topic == "inventory.reservations" and s.event["data"]["order_id"] == o
                ),
                what="the outcome",
            )
            data = seen.event["data"]
            fact(
                f"{order_id} x{quantity}: {seen.type}"
                + (f" ({data['reason']}: {data['message']})" if "reason" in data else "")
            )

        step(5, "Position 100 - 70 = 30 <= 40: threshold crossed")
        below = await watcher.wait_for_event("inventory.stock.below-threshold.v1", sku=sku)
        fact(f"StockBelowThreshold, inventory position {below['data']['inventory_position']}")
        request = (
            await watcher.wait_for(
                lambda s: (
                    s.type == "inventory.approval.requested.v1"
                    and s.event["data"]["details"].get("sku") == sku
                ),
                what="the approval request",
            )
        ).event
        request_id = request["data"]["request_id"]
        await approval_in_inbox(request_id)
        fact(
            f"requisition {request['data']['subject_id']} for {request['data']['amount']} "
            f"awaits approval: {base_url('approval')}/v1/approvals/{request_id}"
        )
        await poll(lambda: [m for m in smtp.messages if sku in body_of(m)], bool, what="the email")
        fact(f"alert email: {subject_of(next(m for m in smtp.messages if sku in body_of(m)))}")
        fact(f"alert webhook: {len([r for r in chat.received if sku in r.body.decode()])} call")

        step(6, "Approvals: department manager, then finance director")
        async with http("approval") as approval:
            for approver in ("wang.manager", "li.finance"):
                await checked(
                    await approval.post(
                        f"/v1/approvals/{request_id}/approve", json={"approver": approver}
                    ),
                    200,
                )
                fact(f"{approver} approved")
        await watcher.wait_for_event("inventory.approval.granted.v1", request_id=request_id)

        step(7, "Purchase order released and delivered to the ERP (HMAC-signed)")
        po = (
            await watcher.wait_for(
                lambda s: (
                    s.type == "inventory.purchase-order.released.v1"
                    and s.event["data"]["lines"][0]["sku"] == sku
                ),
                what="the purchase order",
            )
        ).event["data"]
        hits = await poll(
            lambda: [r for r in erp.received if po["purchase_order_id"] in r.body.decode()],
            bool,
            timeout=60,
            what="the ERP delivery",
        )
        fact(
            f"{po['purchase_order_id']}: {po['lines'][0]['quantity']} units, {po['total_amount']} "
            f"{po['currency']}; ERP got it, signature valid: {hits[0].signature_valid(ERP_SECRET)}"
        )

        step(8, "The ERP reports the goods receipt; the PO closes and stock is restored")
        async with gateway() as gw:
            await checked(
                await gw.post(
                    "/v1/receipts",
                    json={
                        "receipt_id": unique("GR"),
                        "purchase_order_id": po["purchase_order_id"],
                        "received_at": "2026-11-26T09:00:00Z",
                        "lines": [
                            {"sku": sku, "location": WAREHOUSE, "quantity": 500, "unit_cost": "120"}
                        ],
                    },
                ),
                202,
            )
        async with http("replenishment") as replenishment:
            final = await poll(
                lambda: replenishment.get(f"/v1/positions/{sku}/{WAREHOUSE}"),
                lambda r: (
                    Decimal(r.json()["on_order"]) == 0 and Decimal(r.json()["on_hand"]) == 600
                ),
                what="the position after the receipt",
            )
        position = final.json()
        fact(
            f"on hand {position['on_hand']}, reserved {position['reserved']}, on order "
            f"{position['on_order']}: position {position['inventory_position']} > reorder point 40"
        )

        print("\nWhere to look:")
        for service in PORTS:
            print(f"  {service:<20} {base_url(service)}/docs   metrics {base_url(service)}/metrics")
    finally:
        await watcher.stop()
        erp.stop()
        chat.stop()
        smtp.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"))
