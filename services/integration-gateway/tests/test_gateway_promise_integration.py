"""The CRM's promise and quote routes: API-key scopes, reservation's answers relayed, and a
quote converted into an order (OrderPlaced naming the quote, with its lines) idempotently."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from integration_gateway.adapters.reservation_api import ReservationApi
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import create_api_key
from inventory_contracts.envelope import decode, decode_data
from inventory_contracts.events.orders import OrderPlaced
from inventory_runtime.app import ServiceRuntime
from sqlalchemy import text

pytestmark = pytest.mark.integration

QUOTES: dict[str, dict[str, Any]] = {
    "QT-1": {
        "quote_id": "QT-1",
        "status": "held",
        "customer_id": "C-88",
        "expires_at": "2026-12-05T10:00:00Z",
        "order_id": None,
        "lines": [{"line_no": 1, "sku": "TEA", "location": "SH-01", "quantity": "6", "held": "6"}],
        "promise": None,
    },
}
QUOTES["QT-OLD"] = {**QUOTES["QT-1"], "quote_id": "QT-OLD", "status": "expired"}
PROMISE = {"as_of": "2026-12-05", "lines": [], "complete_now": True,
           "ships_complete_on": "2026-12-20"}  # fmt: skip


class FakeReservation:
    """Reservation's routes as the gateway sees them, recording what it was asked."""

    def __init__(self) -> None:
        self.asked: list[httpx.Request] = []
        self.down = False
        self.garbled = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path
        if path == "/v1/promise":
            if self.garbled:
                return httpx.Response(200, json={"lines": "none", "ships_complete_on": "soon"})
            return httpx.Response(200, json=PROMISE)
        if path.startswith("/v1/quotes/"):
            quote = QUOTES.get(path.rsplit("/", 1)[1])
            if quote is None:
                return httpx.Response(404, json={"error": "not_found", "detail": "no quote"})
            return httpx.Response(200, json=quote)
        return httpx.Response(201, json={**QUOTES["QT-1"], "quote_id": "QT-NEW"})


@pytest.fixture
def reservation(app: FastAPI) -> FakeReservation:
    fake = FakeReservation()

    async def token() -> str:
        return "gateway-token"

    http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    app.state.reservation_api = ReservationApi("http://reservation", http, token)
    return fake


async def key_with(runtime: ServiceRuntime, name: str, *scopes: str) -> dict[str, str]:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    return {"X-API-Key": await create_api_key(settings, name, list(scopes))}


async def placed(runtime: ServiceRuntime) -> list[OrderPlaced]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(text("SELECT payload FROM outbox ORDER BY id"))
        events = [decode_data(decode(row.payload)) for row in rows]
    return [e for e in events if isinstance(e, OrderPlaced)]


async def test_promise_is_read_with_promise_read_and_quotes_need_quotes_write(
    client: httpx.AsyncClient, runtime: ServiceRuntime, reservation: FakeReservation
) -> None:
    client.headers.pop("Authorization")
    reader = await key_with(runtime, "crm-reader", "promise:read")
    params = {"sku": "TEA", "location": "SH-01", "quantity": "15"}

    promise = await client.get("/v1/promise", params=params, headers=reader)
    refused = await client.post(
        "/v1/quotes",
        json={"quote_id": "QT-NEW", "lines": [{**params}], "hold": True},
        headers=reader,
    )
    nobody = await client.get("/v1/promise", params=params)

    assert promise.status_code == 200 and promise.json()["ships_complete_on"] == "2026-12-20"
    assert reservation.asked[0].headers["authorization"] == "Bearer gateway-token"
    assert reservation.asked[0].url.params["quantity"] == "15"
    assert refused.status_code == 403 and nobody.status_code == 401
    assert len(reservation.asked) == 1


async def test_bad_input_is_refused_naming_the_field_before_reservation_is_asked(
    client: httpx.AsyncClient, reservation: FakeReservation
) -> None:
    bad = await client.get("/v1/promise", params={"sku": "TEA", "location": "SH-01"})
    negative = await client.post(
        "/v1/quotes",
        json={"quote_id": "Q", "lines": [{"sku": "TEA", "location": "SH-01", "quantity": -1}]},
    )

    assert bad.status_code == 422 and "quantity" in bad.text
    assert negative.status_code == 422 and "quantity" in negative.text
    assert reservation.asked == []


async def test_converting_a_held_quote_publishes_its_order_once_per_idempotency_key(
    client: httpx.AsyncClient, runtime: ServiceRuntime, reservation: FakeReservation
) -> None:
    headers = {"Idempotency-Key": "convert-QT-1"}

    first = await client.post("/v1/quotes/QT-1/convert", json={"order_id": "SO-9"}, headers=headers)
    again = await client.post("/v1/quotes/QT-1/convert", json={"order_id": "SO-9"}, headers=headers)
    closed = await client.post("/v1/quotes/QT-OLD/convert", json={"order_id": "SO-10"})
    unknown = await client.post("/v1/quotes/QT-NONE/convert", json={"order_id": "SO-11"})

    assert first.status_code == 202 and again.headers.get("Idempotent-Replayed") == "true"
    [order] = await placed(runtime)
    assert (order.order_id, order.quote_id, order.customer_id) == ("SO-9", "QT-1", "C-88")
    assert [(line.sku, str(line.quantity)) for line in order.lines] == [("TEA", "6")]
    assert closed.status_code == 409 and closed.json()["error"] == "quote_closed"
    assert unknown.status_code == 404


async def test_reservation_away_is_a_503_to_retry(
    client: httpx.AsyncClient, reservation: FakeReservation
) -> None:
    reservation.down = True

    answer = await client.get("/v1/quotes/QT-1")

    assert answer.status_code == 503 and answer.json()["error"] == "reservation_unavailable"


async def test_an_answer_reservation_should_not_give_is_a_502_not_passed_on(
    client: httpx.AsyncClient, reservation: FakeReservation
) -> None:
    reservation.garbled = True

    answer = await client.get("/v1/promise", params={"sku": "TEA", "location": "SH-01",
                                                     "quantity": "1"})  # fmt: skip

    assert answer.status_code == 502 and answer.json()["error"] == "bad_upstream_answer"
    assert "Promise" in answer.json()["detail"]


async def test_a_quote_id_with_any_characters_is_one_path_segment(
    client: httpx.AsyncClient, reservation: FakeReservation
) -> None:
    answer = await client.get("/v1/quotes/QT%14%F2%9F%A7%A6")

    assert answer.status_code == 404
    assert reservation.asked[0].url.raw_path == b"/v1/quotes/QT%14%F2%9F%A7%A6"
