"""`make demo`: play the core story against the running platform and say what happened.

Receipt -> orders (one reserved, one rejected) -> stock falls below its reorder point ->
requisition -> approval -> purchase order delivered to a stand-in ERP -> goods receipt -> stock
restored; alerts arrive by webhook and email; last, the seed's alert rule (seed_rule_demo).
The approvers' messages reach the stand-ins the demo starts (IM webhook, SMTP;
scripts/services.sh): shown with their links, then approved in the approvers' place, or, with
DEMO_APPROVE_BY_HAND=1, by you from the links. Run `make up` first.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import httpx
from inventory_gateway_client.api.inbound import (
    place_order,
    receive_goods,
    upsert_item,
    upsert_location,
    upsert_supplier,
)
from inventory_gateway_client.api.write_back import create_subscription
from inventory_gateway_client.models import (
    ItemBody,
    LocationBody,
    OrderLine,
    OrderPlaced,
    ReceiptBody,
    ReceiptLine,
    SubscriptionBody,
    SupplierBody,
)
from inventory_gateway_client.types import Response as GatewayResponse
from inventory_testkit import approver_channels as channels
from inventory_testkit.demo_approvers import DEMO_APPROVERS
from inventory_testkit.demo_people import DEMO_PASSWORD
from inventory_testkit.demo_seed import seed_demo
from inventory_testkit.kafka import KafkaWatcher, Seen
from inventory_testkit.platform import (
    PORTS,
    approval_in_inbox,
    base_url,
    disable_alert_channels,
    gateway,
    http,
    poll,
    unique,
)
from inventory_testkit.seed_rule_demo import seed_rule
from inventory_testkit.standins import SmtpServer, WebhookReceiver, body_of, subject_of

WAREHOUSE, SUPPLIER, ERP_SECRET = "WH-DEMO", "SUP-DEMO", "demo-erp-secret"
BY_HAND = os.environ.get("DEMO_APPROVE_BY_HAND") == "1"


def step(number: int, text: str) -> None:
    print(f"\n\033[1m{number}. {text}\033[0m")


def fact(text: str) -> None:
    print(f"   - {text}")


async def checked(response: httpx.Response, *ok: int) -> Any:
    if response.status_code not in ok:
        raise SystemExit(
            f"   ! {response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text}"
        )
    return response.json() if response.content else {}


def answered(response: GatewayResponse[Any], ok: int) -> None:
    """Stop the demo when the gateway's typed client got another answer than `ok`."""
    if response.status_code != ok:
        raise SystemExit(f"   ! the gateway answered {response.status_code}: {response.content!r}")


@dataclass
class Demo:
    """The cast: a Kafka watcher, a stand-in ERP, chat webhook and mailbox; approvers' IM, mail."""

    bootstrap: str
    sku: str = field(default_factory=lambda: unique("DEMO-SKU"))
    erp: WebhookReceiver = field(default_factory=WebhookReceiver)
    chat: WebhookReceiver = field(default_factory=WebhookReceiver)
    smtp: SmtpServer = field(default_factory=SmtpServer)
    im: WebhookReceiver = field(init=False)
    mailbox: SmtpServer = field(init=False)
    watcher: KafkaWatcher = field(init=False)

    def __post_init__(self) -> None:
        self.watcher = KafkaWatcher(self.bootstrap)


async def master_data(demo: Demo) -> None:
    step(
        1,
        "Master data, an ERP webhook, alert channels and the demo approvers "
        "(integration gateway, alerting, approval)",
    )
    subscription = {
        "url": demo.erp.url,
        "secret": ERP_SECRET,
        "event_types": ["inventory.purchase-order.released.v1"],
    }
    item = ItemBody(
        name="Brake pad", name_zh="刹车片", unit_of_measure="pcs", category="demo", unit_cost="120"
    )
    location = LocationBody(name="Demo warehouse")
    supplier = SupplierBody(name="Demo supplier", lead_time_days=5)
    async with gateway() as gw:
        body = SubscriptionBody.from_dict(subscription)
        answered(await create_subscription.asyncio_detailed(client=gw, body=body), 201)
        answered(await upsert_location.asyncio_detailed(WAREHOUSE, client=gw, body=location), 202)
        answered(await upsert_supplier.asyncio_detailed(SUPPLIER, client=gw, body=supplier), 202)
        answered(await upsert_item.asyncio_detailed(demo.sku, client=gw, body=item), 202)
    mail = {
        "host": "127.0.0.1",
        "port": demo.smtp.port,
        "from_address": "inventory@example.com",
        "to": ["buyer@example.com"],
    }
    # development only: no migration makes the demo people or their approver roles
    new_people, added = await seed_demo()
    await channels.announce_contacts()  # where approval reaches wang.manager and li.finance
    async with http("alerting") as alerting:
        await disable_alert_channels()
        for kind, name, config in (
            ("webhook", "demo chat", {"url": demo.chat.url}),
            ("email", "demo mail", mail),
        ):
            channel = {"kind": kind, "name": unique(name), "config": config}
            await checked(await alerting.post("/v1/channels", json=channel), 200, 201)
    fact(
        f"item {demo.sku} (刹车片) at {WAREHOUSE}, supplier {SUPPLIER}; "
        f"ERP webhook at {demo.erp.url}"
    )
    people = ", ".join(str(a["approver_id"]) for a in DEMO_APPROVERS)
    fact(f"demo approvers {people} ({len(added)} new; development only)")
    fact(
        f"demo people can log in ({len(new_people)} new; password {DEMO_PASSWORD}, "
        "development only); the admin's is BOOTSTRAP_ADMIN_PASSWORD"
    )


async def receipt(demo: Demo) -> None:
    step(2, "Goods receipt of 100 units at 120.00 (stock-ledger)")
    line = {"sku": demo.sku, "location": WAREHOUSE, "quantity": 100, "unit_cost": "120"}
    async with http("stock-ledger") as ledger:
        posted = await poll(
            lambda: ledger.post("/v1/receipts", json={"lines": [line]}),
            lambda r: r.status_code == 201,
            what="the receipt",
        )
    document = posted.json()
    moved = await demo.watcher.wait_for_event("inventory.stock.moved.v1", sku=demo.sku)
    fact(
        f"document {document['document_id']} posted; StockMoved "
        f"+{moved['data']['quantity_delta']} value {moved['data']['value']}"
    )


async def policy(demo: Demo) -> None:
    step(3, "Reorder point 40, order quantity 500 (replenishment)")
    terms = {"reorder_point": 40, "order_quantity": 500, "supplier_id": SUPPLIER}
    async with http("replenishment") as replenishment:
        await poll(  # replenishment learns on-hand from reservation's availability events
            lambda: replenishment.get(f"/v1/positions/{demo.sku}/{WAREHOUSE}"),
            lambda r: Decimal(r.json()["on_hand"]) == 100,
            what="replenishment to see the receipt",
        )
        await poll(  # until the supplier's master data has reached replenishment
            lambda: replenishment.put(
                f"/v1/policies/{demo.sku}/{WAREHOUSE}", json={**terms, "unit_cost": "120"}
            ),
            lambda r: r.status_code == 200,
            what="the policy",
        )
    fact("500 x 120.00 = 60,000.00 > 50,000: the department manager, then the finance director")


async def orders(demo: Demo) -> None:
    step(4, "Two orders through the gateway: 70 units (fits) and 50 units (does not)")
    for quantity in (70, 50):
        order_id = unique("ORD")
        line = OrderLine(sku=demo.sku, location=WAREHOUSE, quantity=quantity)
        async with gateway() as gw:
            order = OrderPlaced(order_id=order_id, lines=[line])
            answered(await place_order.asyncio_detailed(client=gw, body=order), 202)
        seen = await demo.watcher.wait_for(
            partial(outcome_of, order_id=order_id), what=f"the outcome of {order_id}"
        )
        data = seen.event["data"]
        fact(
            f"{order_id} x{quantity}: {seen.type}"
            + (f" ({data['reason']}: {data['message']})" if "reason" in data else "")
        )


def outcome_of(seen: Seen, order_id: str) -> bool:
    return seen.topic == "inventory.reservations" and seen.event["data"]["order_id"] == order_id


async def threshold(demo: Demo) -> dict[str, Any]:
    step(5, "Position 100 - 70 = 30 <= 40: threshold crossed")
    sku, watcher, smtp = demo.sku, demo.watcher, demo.smtp
    below = await watcher.wait_for_event("inventory.stock.below-threshold.v1", sku=sku)
    fact(f"StockBelowThreshold, inventory position {below['data']['inventory_position']}")
    requested = await watcher.wait_for(
        lambda s: (
            s.type == "inventory.approval.requested.v1"
            and s.event["data"]["details"].get("sku") == sku
        ),
        what="the approval request",
    )
    request = requested.event["data"]
    await approval_in_inbox(request["request_id"])
    fact(
        f"requisition {request['subject_id']} for {request['amount']} awaits approval: "
        f"{base_url('approval')}/v1/approvals/{request['request_id']}"
    )
    await poll(lambda: [m for m in smtp.messages if sku in body_of(m)], bool, what="the email")
    fact(f"alert email: {subject_of(next(m for m in smtp.messages if sku in body_of(m)))}")
    fact(f"alert webhook: {len([r for r in demo.chat.received if sku in r.body.decode()])} call")
    return dict(request)


async def approvals(demo: Demo, request: dict[str, Any]) -> None:
    step(6, "Approvals from the approvers' messages: the department manager on DingTalk, then "
         "the finance director by e-mail (the development stand-ins)")  # fmt: skip
    subject_id = request["subject_id"]
    inboxes: list[channels.Inbox] = [
        ("wang.manager", lambda: channels.chats_about(demo.im, subject_id)),
        ("li.finance", lambda: channels.mails_about(demo.mailbox, subject_id)),
    ]
    await channels.act_on_messages(request, inboxes, by_hand=BY_HAND, say=fact)
    await demo.watcher.wait_for_event(
        "inventory.approval.granted.v1", request_id=request["request_id"]
    )


async def purchase_order(demo: Demo) -> dict[str, Any]:
    step(7, "Purchase order released and delivered to the ERP (HMAC-signed)")
    released = await demo.watcher.wait_for(
        lambda s: (
            s.type == "inventory.purchase-order.released.v1"
            and s.event["data"]["lines"][0]["sku"] == demo.sku
        ),
        what="the purchase order",
    )
    po: dict[str, Any] = released.event["data"]
    hits = await poll(
        lambda: [r for r in demo.erp.received if po["purchase_order_id"] in r.body.decode()],
        bool,
        timeout=60,
        what="the ERP delivery",
    )
    fact(
        f"{po['purchase_order_id']}: {po['lines'][0]['quantity']} units, {po['total_amount']} "
        f"{po['currency']}; ERP got it, signature valid: {hits[0].signature_valid(ERP_SECRET)}"
    )
    return po


async def goods_receipt(demo: Demo, po: dict[str, Any]) -> None:
    step(8, "The ERP reports the goods receipt; the PO closes and stock is restored")
    line = ReceiptLine(sku=demo.sku, location=WAREHOUSE, quantity=500, unit_cost="120")
    report = ReceiptBody(
        receipt_id=unique("GR"),
        purchase_order_id=po["purchase_order_id"],
        received_at=datetime(2026, 11, 26, 9, tzinfo=UTC),
        lines=[line],
    )
    async with gateway() as gw:
        answered(await receive_goods.asyncio_detailed(client=gw, body=report), 202)
    async with http("replenishment") as replenishment:
        final = await poll(
            lambda: replenishment.get(f"/v1/positions/{demo.sku}/{WAREHOUSE}"),
            lambda r: Decimal(r.json()["on_order"]) == 0 and Decimal(r.json()["on_hand"]) == 600,
            what="the position after the receipt",
        )
    position = final.json()
    fact(
        f"on hand {position['on_hand']}, reserved {position['reserved']}, on order "
        f"{position['on_order']}: position {position['inventory_position']} > reorder point 40"
    )


async def main(bootstrap: str) -> None:
    demo = Demo(bootstrap)
    await demo.watcher.start()
    demo.erp.start()
    demo.chat.start()
    demo.smtp.start()
    demo.im, demo.mailbox = channels.start_standins()
    try:
        await master_data(demo)
        await receipt(demo)
        await policy(demo)
        await orders(demo)
        await approvals(demo, await threshold(demo))
        await goods_receipt(demo, await purchase_order(demo))
        await seed_rule(demo.bootstrap, demo.smtp, 9, fact)
        print("\nWhere to look:")
        for service in PORTS:
            print(f"  {service:<20} {base_url(service)}/docs   metrics {base_url(service)}/metrics")
    finally:
        await demo.watcher.stop()
        demo.erp.stop()
        demo.chat.stop()
        demo.smtp.stop()
        demo.im.stop()
        demo.mailbox.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"))
