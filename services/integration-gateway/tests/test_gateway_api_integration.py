"""The inbound API over a real PostgreSQL database: auth, validation, outbox, idempotency."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import create_api_key
from inventory_contracts.envelope import decode, decode_data
from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.orders import OrderCancelled, OrderPlaced
from inventory_contracts.events.purchase_orders import GoodsReceived
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.auth.testing import TEST_ISSUER
from sqlalchemy import text

pytestmark = pytest.mark.integration

ORDER = {
    "order_id": "SO-1001",
    "lines": [{"sku": "SKU-1", "location": "WH1", "quantity": 5}],
    "customer_id": "C-88",
    "priority": 2,
}


async def outbox(runtime: ServiceRuntime) -> list[Any]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(text("SELECT * FROM outbox ORDER BY id"))
        return list(rows)


async def test_order_becomes_one_outbox_row_with_a_valid_order_placed_cloud_event(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    response = await client.post("/v1/orders", json=ORDER)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["type"] == "inventory.order.placed.v1" and body["topic"] == "inventory.orders"
    [row] = await outbox(runtime)
    assert (row.event_id, row.topic, row.key) == (body["event_id"], "inventory.orders", "SO-1001")
    cloud_event = decode(row.payload)
    assert cloud_event.source == "/services/integration-gateway"
    assert cloud_event.subject == "SO-1001"
    order = decode_data(cloud_event)
    assert isinstance(order, OrderPlaced)
    assert order.lines[0].quantity == Decimal("5") and order.customer_id == "C-88"


async def test_repeat_with_same_idempotency_key_is_replayed_without_a_second_row(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    headers = {"Idempotency-Key": "order-SO-1001-try"}
    first = await client.post("/v1/orders", json=ORDER, headers=headers)
    # Same document, other key order and quantity spelled as a string: the same request.
    same = {"priority": 2, "customer_id": "C-88", "order_id": "SO-1001",
            "lines": [{"quantity": "5", "sku": "SKU-1", "location": "WH1"}]}  # fmt: skip
    again = await client.post("/v1/orders", json=same, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(await outbox(runtime)) == 1


async def test_same_idempotency_key_with_another_body_is_refused(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    headers = {"Idempotency-Key": "k-42"}
    assert (await client.post("/v1/orders", json=ORDER, headers=headers)).status_code == 202
    changed = {**ORDER, "lines": [{"sku": "SKU-1", "location": "WH1", "quantity": 6}]}
    response = await client.post("/v1/orders", json=changed, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert len(await outbox(runtime)) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}, {"Authorization": "Basic x"}],
)
async def test_missing_or_unknown_key_is_401_and_publishes_nothing(
    client: httpx.AsyncClient, runtime: ServiceRuntime, headers: dict[str, str]
) -> None:
    client.headers.pop("Authorization")
    response = await client.post("/v1/orders", json=ORDER, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # Even a malformed body is not looked at before the caller is known.
    garbage = await client.post("/v1/orders", content=b"{not json", headers=headers)
    assert garbage.status_code == 401
    assert await outbox(runtime) == []


async def test_x_api_key_header_works_and_a_created_key_is_usable(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    key = await create_api_key(settings, "erp-sap", ["orders:write"])
    client.headers.pop("Authorization")
    placed = await client.post("/v1/orders", json=ORDER, headers={"X-API-Key": key})
    assert placed.status_code == 202
    forbidden = await client.put(
        "/v1/locations/WH1", json={"name": "Main"}, headers={"X-API-Key": key}
    )
    assert forbidden.status_code == 403 and "master-data:write" in forbidden.json()["detail"]


async def test_negative_quantity_is_422_naming_the_field(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    bad = {**ORDER, "lines": [{"sku": "SKU-1", "location": "WH1", "quantity": -3}]}
    response = await client.post("/v1/orders", json=bad)
    assert response.status_code == 422
    fields = [problem["field"] for problem in response.json()["detail"]]
    assert any(field.endswith("lines.0.quantity") for field in fields), fields
    missing = await client.post("/v1/orders", json={"lines": ORDER["lines"]})
    assert missing.status_code == 422 and "order_id" in missing.text
    assert await outbox(runtime) == []


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2", b"\xff\xfe"])
async def test_invalid_json_is_400(
    client: httpx.AsyncClient, runtime: ServiceRuntime, raw: bytes
) -> None:
    response = await client.post(
        "/v1/orders", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422), response.text
    if raw:
        assert response.status_code == 400 and response.json()["error"] == "malformed_json"
    assert await outbox(runtime) == []


async def test_cancel_with_empty_body_cancels_the_whole_order(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    response = await client.post("/v1/orders/SO-7/cancel")
    assert response.status_code == 202, response.text
    [row] = await outbox(runtime)
    cancelled = decode_data(decode(row.payload))
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.order_id == "SO-7" and cancelled.lines is None


async def test_shipment_and_master_data_and_receipt_become_their_events(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    line = {"sku": "SKU-1", "location": "WH1", "quantity": "2"}
    shipped = await client.post("/v1/orders/SO-7/shipments", json={"lines": [line]})
    item = await client.put(
        "/v1/items/SKU-1",
        json={"name": "Tea", "name_zh": "龙井茶", "unit_of_measure": "pcs", "category": "tea",
              "unit_cost": "12.50"},
    )  # fmt: skip
    location = await client.put("/v1/locations/WH1", json={"name": "Main warehouse"})
    supplier = await client.put("/v1/suppliers/SUP-1", json={"name": "Acme", "lead_time_days": 7})
    receipt = await client.post(
        "/v1/receipts",
        json={"receipt_id": "GR-1", "purchase_order_id": "PO-1",
              "lines": [{**line, "unit_cost": "12.50"}]},
    )  # fmt: skip
    for response in (shipped, item, location, supplier, receipt):
        assert response.status_code == 202, response.text
    rows = await outbox(runtime)
    assert [row.event_type for row in rows] == [
        "inventory.order.shipped.v1",
        "inventory.item.upserted.v1",
        "inventory.location.upserted.v1",
        "inventory.supplier.upserted.v1",
        "inventory.goods.received.v1",
    ]
    upserted = decode_data(decode(rows[1].payload))
    assert isinstance(upserted, ItemUpserted) and upserted.unit_cost == Decimal("12.50")
    received = decode_data(decode(rows[4].payload))
    assert isinstance(received, GoodsReceived) and received.received_at.tzinfo is not None
    assert rows[4].key == "PO-1"


async def test_body_identifier_contradicting_the_path_is_422(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    response = await client.put(
        "/v1/items/SKU-1",
        json={"sku": "SKU-2", "name": "x", "unit_of_measure": "pcs", "category": "c",
              "unit_cost": 1},
    )  # fmt: skip
    assert response.status_code == 422 and "body.sku" in json.dumps(response.json())
    assert await outbox(runtime) == []


async def test_empty_bootstrap_key_revokes_the_bootstrap_client(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    from integration_gateway.main import ensure_configured

    settings = runtime.settings.model_copy(update={"bootstrap_api_key": ""})
    await ensure_configured(
        ServiceRuntime(settings, runtime.engine, runtime.session_factory, runtime.uow_factory)
    )
    assert (await client.post("/v1/orders", json=ORDER)).status_code == 401


async def test_a_token_granting_integration_write_places_an_order_without_an_api_key(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    client.headers.pop("Authorization")
    erp = TEST_ISSUER.headers("integration", login="svc.erp")
    response = await client.post("/v1/orders", json=ORDER, headers=erp)
    assert response.status_code == 202, response.text
    assert len(await outbox(runtime)) == 1
    planner = TEST_ISSUER.headers("planner", login="chen.planner")
    refused = await client.post("/v1/orders", json=ORDER, headers=planner)
    assert refused.status_code == 403
    assert "integration:write" in refused.json()["detail"]
    assert len(await outbox(runtime)) == 1
