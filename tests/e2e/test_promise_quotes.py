"""Available to promise by date and quotes through the gateway, with a scoped API key, on the
running system: the issue's worked example (two open purchase orders and a backorder ahead), a
quote whose hold converts into an order, and one whose hold expires by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from inventory_contracts import PurchaseOrderLine, PurchaseOrderReleased, encode, new_event
from inventory_gateway_client.api.inbound import (
    place_order,
    upsert_item,
    upsert_location,
)
from inventory_gateway_client.api.promise import (
    convert_quote,
    get_quote,
    open_quote,
    promise_one,
)
from inventory_gateway_client.models import (
    ConvertBody,
    ItemBody,
    LineBody,
    LocationBody,
    OrderLine,
    OrderPlaced,
    Promise,
    Quote,
    QuoteBody,
)
from inventory_gateway_client.types import Response
from inventory_testkit.kafka import publish_raw
from inventory_testkit.platform import gateway, http, poll, unique

WAREHOUSE = "WH-PROMISE"


@pytest.fixture(scope="module")
async def crm(services_up: None) -> str:
    """A CRM's API key holding only the promise and quote scopes."""
    async with http("integration-gateway") as admin:
        answer = await admin.post(
            "/v1/api-keys",
            json={"name": unique("crm-promise"), "scopes": ["promise:read", "quotes:write"]},
        )
        assert answer.status_code == 201, answer.text
    key: str = answer.json()["key"]
    return key


async def stocked_item(quantity: str) -> str:
    """A new SKU at the warehouse with `quantity` received, once reservation has it."""
    sku = unique("ATP")
    item = ItemBody(name=sku, unit_of_measure="pcs", category="tea", unit_cost=10)
    async with gateway() as gw:
        location = LocationBody(name="Promise warehouse")
        placed = await upsert_location.asyncio_detailed(WAREHOUSE, client=gw, body=location)
        assert placed.status_code == 202
        assert (await upsert_item.asyncio_detailed(sku, client=gw, body=item)).status_code == 202
    # Master data and goods movements travel on different topics: the receipt is posted on
    # the ledger once the item has reached it (a receipt ahead of its item is refused there).
    line = {"sku": sku, "location": WAREHOUSE, "quantity": quantity, "unit_cost": "10"}
    async with http("stock-ledger") as ledger:
        await poll(
            lambda: ledger.post("/v1/receipts", json={"lines": [line]}),
            lambda r: r.status_code == 201,
            what=f"the ledger to take the receipt of {sku}",
        )
    await poll(lambda: availability(sku), lambda a: a.get("on_hand") == quantity, what="stock")
    return sku


async def availability(sku: str) -> dict[str, Any]:
    async with http("reservation") as reservation:
        answer = await reservation.get(f"/v1/availability/{sku}/{WAREHOUSE}")
    return answer.json() if answer.status_code == 200 else {}


async def order(order_id: str, sku: str, quantity: str, *, allow_partial: bool = False) -> None:
    line = OrderLine(sku=sku, location=WAREHOUSE, quantity=quantity)
    body = OrderPlaced(order_id=order_id, lines=[line], allow_partial=allow_partial)
    async with gateway() as gw:
        placed = await place_order.asyncio_detailed(client=gw, body=body, idempotency_key=order_id)
    assert placed.status_code == 202, placed.content


def body(answer: Response[Any]) -> dict[str, Any]:
    """The typed answer (the client's `Promise` or `Quote`) as its JSON."""
    parsed = answer.parsed
    assert isinstance(parsed, Promise | Quote), f"{answer.status_code}: {answer.content!r}"
    return parsed.to_dict()


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
    crm: str, kafka_bootstrap: str
) -> None:
    sku = await stocked_item("8")
    await order(unique("SO"), sku, "14", allow_partial=True)  # 8 reserved, 6 wait
    today = datetime.now(UTC).date()
    first, second = today + timedelta(days=5), today + timedelta(days=15)
    await release_purchase_order(kafka_bootstrap, sku, "10", first)
    await release_purchase_order(kafka_bootstrap, sku, "20", second)

    async def promise() -> dict[str, Any]:
        async with gateway(api_key=crm) as c:
            return body(
                await promise_one.asyncio_detailed(
                    client=c, sku=sku, location=WAREHOUSE, quantity="15"
                )
            )

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
    crm: str,
) -> None:
    sku = await stocked_item("10")
    quote_id, order_id = unique("QT"), unique("SO")
    lines = [LineBody(sku=sku, location=WAREHOUSE, quantity="6")]
    async with gateway(api_key=crm) as c:
        wanted = QuoteBody(quote_id=quote_id, lines=lines, hold=True)
        held = await open_quote.asyncio_detailed(client=c, body=wanted)
        assert held.status_code == 201, held.content
        assert body(held)["lines"][0]["held"] == "6"
        assert (await availability(sku))["available_to_promise"] == "4"
        converted = await convert_quote.asyncio_detailed(
            quote_id, client=c, body=ConvertBody(order_id=order_id), idempotency_key=order_id
        )
        assert converted.status_code == 202, converted.content

        async def quote() -> dict[str, Any]:
            return body(await get_quote.asyncio_detailed(quote_id, client=c))

        done = await poll(quote, lambda q: q["status"] == "converted", what="conversion")
    assert done["order_id"] == order_id
    async with http("reservation") as reservation:
        placed = (await reservation.get(f"/v1/reservations/{order_id}")).json()
    assert placed["status"] == "reserved" and placed["lines"][0]["reserved"] == "6"
    assert (await availability(sku))["reserved"] == "6"  # held once, never twice


async def test_a_quote_hold_expires_by_itself_and_its_stock_is_free_again(
    crm: str,
) -> None:
    sku = await stocked_item("5")
    quote_id = unique("QT")
    wanted = QuoteBody(
        quote_id=quote_id,
        lines=[LineBody(sku=sku, location=WAREHOUSE, quantity="5")],
        hold=True,
        hold_seconds=2,
    )
    async with gateway(api_key=crm) as c:
        assert (await open_quote.asyncio_detailed(client=c, body=wanted)).status_code == 201
        assert (await availability(sku))["available_to_promise"] == "0"

        async def quote() -> dict[str, Any]:
            return body(await get_quote.asyncio_detailed(quote_id, client=c))

        await poll(quote, lambda q: q["status"] == "expired", what="expiry")
    assert (await availability(sku))["available_to_promise"] == "5"
