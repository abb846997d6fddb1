"""The whole chain under load, for the scale-out and chaos tests: orders, thresholds,
requisitions, approvals, purchase orders, the ERP webhook and the alert notifications.

A `LoadRun` sends the orders; some of its SKUs get a replenishment policy whose reorder point
the orders cross, so each of those raises one requisition (its order quantity keeps the position
above the point for the rest of the run), which an approver task approves as soon as it is
asked, which releases one purchase order, which the gateway delivers to an ERP receiver; the
low stock raises an alert, which alerting sends to a chat receiver. `ChainFigures` counts at the
receivers and in the services what each of those became.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

import httpx
from inventory_gateway_client.api.inbound import upsert_supplier
from inventory_gateway_client.api.write_back import create_subscription
from inventory_gateway_client.models import SubscriptionBody, SupplierBody

from inventory_testkit.kafka import KafkaWatcher
from inventory_testkit.load import LoadRun
from inventory_testkit.platform import disable_alert_channels, gateway, http, poll, unique
from inventory_testkit.standins import WebhookReceiver

SUPPLIER = "SUP-CHAIN"
APPROVER = "wang.manager"  # one step for small amounts (approval's default chain)
ORDER_QUANTITY = 1000
REQUESTED = "inventory.approval.requested.v1"
RELEASED = "inventory.purchase-order.released.v1"
CHAIN_TOPICS = ("inventory.approvals", "inventory.purchase-orders")


async def _ok(call: Any) -> int:
    """The status code of an HTTP call, 0 if the service did not answer (being restarted)."""
    try:
        return int((await call).status_code)
    except httpx.HTTPError:
        return 0


async def _put(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> int:
    return await _ok(client.put(path, json=body))


async def connect_receivers(erp: WebhookReceiver, chat: WebhookReceiver) -> None:
    """The supplier, an ERP subscription to released purchase orders, the chat channel."""
    async with gateway() as gw:
        supplier = SupplierBody(name="Chain supplier", lead_time_days=7)
        answer = await upsert_supplier.asyncio_detailed(SUPPLIER, client=gw, body=supplier)
        assert answer.status_code in (200, 202), answer.content
        subscription = SubscriptionBody(url=erp.url, secret=unique("erp"), event_types=[RELEASED])
        created = await create_subscription.asyncio_detailed(client=gw, body=subscription)
        assert created.status_code in (200, 201), created.content
    await disable_alert_channels()
    config = {"url": chat.url, "secret": unique("chat")}
    channel = {"kind": "webhook", "name": unique("chain chat"), "config": config}
    async with http("alerting") as alerting:
        response = await alerting.post("/v1/channels", json=channel)
        assert response.status_code in (200, 201), response.text


async def set_policies(run: LoadRun, skus: list[str], reorder_point: int) -> None:
    """A policy per SKU at the run's location (once replenishment has its master data)."""
    body = {
        "reorder_point": reorder_point,
        "order_quantity": ORDER_QUANTITY,
        "supplier_id": SUPPLIER,
        "unit_cost": "1",
    }
    async with http("replenishment", timeout=30) as replenishment:
        for sku in skus:
            path = f"/v1/policies/{sku}/{run.location}"
            await poll(
                partial(_put, replenishment, path, body),
                lambda status: status == 200,
                timeout=120,
                what=f"the policy of {sku}",
            )


@dataclass
class Approver:
    """Approves every request for the planned SKUs as it appears, retrying through restarts."""

    watcher: KafkaWatcher
    skus: set[str]
    approved: set[str] = field(default_factory=set)

    async def run(self) -> None:
        while True:
            for event in self.watcher.events(REQUESTED):
                data = event["data"]
                request_id = data["request_id"]
                if request_id in self.approved or data["details"].get("sku") not in self.skus:
                    continue
                if await self._approve(request_id):
                    self.approved.add(request_id)
            await asyncio.sleep(0.5)

    async def _approve(self, request_id: str) -> bool:
        """True once the request is decided (by us now, or already: 409)."""
        async with http("approval", login=APPROVER, timeout=10) as approval:
            status = await _ok(approval.post(f"/v1/approvals/{request_id}/approve", json={}))
        return status in (200, 409)


@contextlib.asynccontextmanager
async def approving(watcher: KafkaWatcher, skus: list[str]) -> Any:
    """An `Approver` running for the length of the block."""
    approver = Approver(watcher, set(skus))
    task = asyncio.create_task(approver.run())
    try:
        yield approver
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _per_sku(watcher: KafkaWatcher, event_type: str, skus: set[str]) -> dict[str, set[str]]:
    """Distinct purchase order ids (or request ids) per SKU in the watched events."""
    found: dict[str, set[str]] = {sku: set() for sku in skus}
    for event in watcher.events(event_type):
        data = event["data"]
        if event_type == RELEASED:
            for line in data["lines"]:
                if line["sku"] in found:
                    found[line["sku"]].add(data["purchase_order_id"])
        elif data["details"].get("sku") in found:
            found[data["details"]["sku"]].add(data["request_id"])
    return found


async def wait_chain_done(
    watcher: KafkaWatcher, erp: WebhookReceiver, chat: WebhookReceiver, skus: list[str]
) -> None:
    """Until every planned SKU has a released purchase order at the ERP and an alert in chat."""
    wanted = set(skus)
    await poll(
        lambda: {s for s, pos in _per_sku(watcher, RELEASED, wanted).items() if pos},
        lambda released: released == wanted,
        timeout=240,
        what="a purchase order released for every planned SKU",
    )
    await poll(
        lambda: {r.json["data"]["lines"][0]["sku"] for r in erp.received} & wanted,
        lambda delivered: delivered == wanted,
        timeout=180,
        what="every purchase order at the ERP",
    )
    await poll(
        lambda: {s for s in wanted if any(s in r.body.decode() for r in chat.received)},
        lambda alerted: alerted == wanted,
        timeout=180,
        what="a low-stock alert in chat for every planned SKU",
    )
    alert_ids = {r.headers["x-alert-id"] for r in chat.received}
    async with http("alerting") as alerting:  # sent is final: no resend of these can follow
        for alert_id in alert_ids:
            await poll(
                partial(_notifications_pending, alerting, alert_id),
                lambda pending: pending == 0,
                timeout=120,
                what=f"the notifications of alert {alert_id} marked sent",
            )


async def _notifications_pending(client: httpx.AsyncClient, alert_id: str) -> int:
    response = await client.get("/v1/notifications", params={"alert_id": alert_id})
    return sum(1 for n in response.json() if n["status"] == "pending")


@dataclass
class ChainFigures:
    """What the chain made of the planned SKUs, counted once it is done."""

    requisitions: dict[str, int]
    """Requisitions per SKU in replenishment."""
    approval_requests: dict[str, int]
    purchase_orders: dict[str, int]
    """Distinct released purchase orders per SKU."""
    erp_posts: Counter[str]
    """POSTs the ERP got per event id (X-Event-Id)."""
    alert_posts: Counter[str]
    """POSTs chat got per alert id (X-Alert-Id)."""
    alerts_per_sku: dict[str, int]
    balances_off: list[str]
    """SKUs whose ledger on hand differs from what was received or whose reservation view
    (on hand, reserved) does not match it, or is negative."""


async def chain_figures(
    run: LoadRun, watcher: KafkaWatcher, erp: WebhookReceiver, chat: WebhookReceiver,
    planned: list[str],
) -> ChainFigures:  # fmt: skip
    wanted = set(planned)
    requisitions = {}
    async with http("replenishment") as replenishment:
        for sku in planned:
            response = await replenishment.get("/v1/requisitions", params={"sku": sku})
            requisitions[sku] = len(response.json())
    alerts: dict[str, set[str]] = {sku: set() for sku in planned}
    for received in chat.received:
        for sku in wanted:
            if sku in received.body.decode():
                alerts[sku].add(received.headers["x-alert-id"])
    return ChainFigures(
        requisitions=requisitions,
        approval_requests={s: len(ids) for s, ids in _per_sku(watcher, REQUESTED, wanted).items()},
        purchase_orders={s: len(ids) for s, ids in _per_sku(watcher, RELEASED, wanted).items()},
        erp_posts=Counter(r.headers["x-event-id"] for r in erp.received),
        alert_posts=Counter(r.headers["x-alert-id"] for r in chat.received),
        alerts_per_sku={s: len(ids) for s, ids in alerts.items()},
        balances_off=await balances_off(run),
    )


async def balances_off(run: LoadRun) -> list[str]:
    """SKUs whose stock-ledger balance or reservation view disagrees with the run's figures."""
    off = []
    reserved = run.outcomes.reserved
    async with http("stock-ledger") as ledger, http("reservation") as reservation:
        for sku, units in run.stock.items():
            rows = (await ledger.get("/v1/balances", params={"sku": sku})).json()
            on_hand = sum(Decimal(r["on_hand"]) for r in rows if r["location"] == run.location)
            view = (await reservation.get(f"/v1/availability/{sku}/{run.location}")).json()
            if not (
                on_hand == units == Decimal(view["on_hand"])
                and Decimal(view["reserved"]) == reserved[sku] <= units
                and Decimal(view["available_to_promise"]) >= 0
            ):
                off.append(f"{sku}: ledger {on_hand}, stocked {units}, view {view}")
    return off
