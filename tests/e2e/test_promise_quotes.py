"""Available to promise by date and quotes through the gateway, with a scoped API key, on the
running system: the issue's worked example (two open purchase orders and a backorder ahead), a
quote whose hold converts into an order, and one whose hold expires by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from inventory_contracts import PurchaseOrderLine, PurchaseOrderReleased, encode, new_event
from inventory_testkit.kafka import publish_raw
from inventory_testkit.platform import base_url, gateway, http, poll, unique

WAREHOUSE = "WH-PROMISE"


@pytest.fixture(scope="module")
async def crm(services_up: None) -> dict[str, str]:
    """A CRM's API key holding only the promise and quote scopes."""
    async with http("integration-gateway") as admin:
        answer = await admin.post(
            "/v1/api-keys",
            json={"name": unique("crm-promise"), "scopes": ["promise:read", "quotes:write"]},
        )
        assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['key']}"}


async def stocked_item(quantity: str) -> str:
    """A new SKU at the warehouse with `quantity` received, once reservation has it."""
    sku = unique("ATP")
    async with gateway() as gw:
        for path, body in (
            (f"/v1/locations/{WAREHOUSE}", {"name": "Promise warehouse"}),
            (
                f"/v1/items/{sku}",
                {"name": sku, "unit_of_measure": "pcs", "category": "tea", "unit_cost": 10},
            ),
        ):
            assert (await gw.put(path, json=body)).status_code == 202
        line = {"sku": sku, "location": WAREHOUSE, "quantity": quantity, "unit_cost": 10}
        receipt = {"receipt_id": unique("GR"), "lines": [line]}
        assert (await gw.post("/v1/receipts", json=receipt)).status_code == 202
    await poll(lambda: availability(sku), lambda a: a.get("on_hand") == quantity, what="stock")
    return sku


async def availability(sku: str) -> dict[str, Any]:
    async with http("reservation") as reservation:
        answer = await reservation.get(f"/v1/availability/{sku}/{WAREHOUSE}")
    return answer.json() if answer.status_code == 200 else {}


async def order(order_id: str, sku: str, quantity: str, **more: Any) -> None:
    body = {
        "order_id": order_id,
        "lines": [{"sku": sku, "location": WAREHOUSE, "quantity": quantity}],
    }
    async with gateway() as gw:
        assert (await gw.post("/v1/orders", json={**body, **more})).status_code == 202


async def release_purchase_order(kafka: str, sku: str, quantity: str, due: date) -> None:
    """What replenishment publishes when a purchase order is approved."""
    po = PurchaseOrderReleased(
        purchase_order_id=unique("PO"),
        requisition_id=unique("PR"),
        supplier_id="SUP-PROMISE",
        lines=(
            PurchaseOrderLine(
                sku=sku, location=WAREHOUSE, quantity=Decimal(quantity), unit_cost=Decimal(10)
            ),
        ),
        total_amount=Decimal(quantity) * 10,
        expected_receipt_date=due,
        released_at=datetime.now(UTC),
    )
    event = new_event(po, source="/services/replenishment", subject=po.key())
    await publish_raw(kafka, po.topic, po.key(), encode(event))


async def test_the_worked_example_two_open_purchase_orders_and_a_backorder_ahead(
    crm: dict[str, str], kafka_bootstrap: str
) -> None:
    sku = await stocked_item("8")
    await order(unique("SO"), sku, "14", allow_partial=True)  # 8 reserved, 6 wait
    today = datetime.now(UTC).date()
    first, second = today + timedelta(days=5), today + timedelta(days=15)
    await release_purchase_order(kafka_bootstrap, sku, "10", first)
    await release_purchase_order(kafka_bootstrap, sku, "20", second)
    query = {"sku": sku, "location": WAREHOUSE, "quantity": "15"}

    async def promise() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=base_url("integration-gateway"), headers=crm) as c:
            found: dict[str, Any] = (await c.get("/v1/promise", params=query)).json()
            return found

    answer = await poll(
        promise, lambda p: len(p.get("lines", [{}])[0].get("steps", [])) == 2, what="both POs"
    )

    line = answer["lines"][0]
    assert line["available_now"] == "0"
    # PO-1's 10 serve the 6 waiting first, then 4 of ours; PO-2 brings the other 11.
    assert line["steps"] == [
        {"on": first.isoformat(), "cumulative": "4"},
        {"on": second.isoformat(), "cumulative": "15"},
    ]
    assert answer["ships_complete_on"] == second.isoformat()


async def test_a_held_quote_converts_into_an_order_that_takes_over_its_hold(
    crm: dict[str, str],
) -> None:
    sku = await stocked_item("10")
    quote_id, order_id = unique("QT"), unique("SO")
    lines = [{"sku": sku, "location": WAREHOUSE, "quantity": "6"}]
    async with httpx.AsyncClient(base_url=base_url("integration-gateway"), headers=crm) as c:
        held = await c.post("/v1/quotes", json={"quote_id": quote_id, "lines": lines, "hold": True})
        assert held.status_code == 201, held.text
        assert held.json()["lines"][0]["held"] == "6"
        assert (await availability(sku))["available_to_promise"] == "4"
        converted = await c.post(f"/v1/quotes/{quote_id}/convert", json={"order_id": order_id})
        assert converted.status_code == 202, converted.text

        async def quote() -> dict[str, Any]:
            found: dict[str, Any] = (await c.get(f"/v1/quotes/{quote_id}")).json()
            return found

        done = await poll(quote, lambda q: q["status"] == "converted", what="conversion")
    assert done["order_id"] == order_id
    async with http("reservation") as reservation:
        placed = (await reservation.get(f"/v1/reservations/{order_id}")).json()
    assert placed["status"] == "reserved" and placed["lines"][0]["reserved"] == "6"
    assert (await availability(sku))["reserved"] == "6"  # held once, never twice


async def test_a_quote_hold_expires_by_itself_and_its_stock_is_free_again(
    crm: dict[str, str],
) -> None:
    sku = await stocked_item("5")
    quote_id = unique("QT")
    body = {
        "quote_id": quote_id,
        "lines": [{"sku": sku, "location": WAREHOUSE, "quantity": "5"}],
        "hold": True,
        "hold_seconds": 2,
    }
    async with httpx.AsyncClient(base_url=base_url("integration-gateway"), headers=crm) as c:
        assert (await c.post("/v1/quotes", json=body)).status_code == 201
        assert (await availability(sku))["available_to_promise"] == "0"

        async def quote() -> dict[str, Any]:
            found: dict[str, Any] = (await c.get(f"/v1/quotes/{quote_id}")).json()
            return found

        await poll(quote, lambda q: q["status"] == "expired", what="expiry")
    assert (await availability(sku))["available_to_promise"] == "5"
