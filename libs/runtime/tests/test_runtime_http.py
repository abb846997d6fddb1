"""Bad requests get a 4xx naming the problem; ids and metrics follow every request."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from inventory_runtime.context import current_correlation_id
from inventory_runtime.http import CORRELATION_HEADER, install_http_plumbing
from prometheus_client import REGISTRY
from pydantic import BaseModel, Field


class OrderLine(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class PlaceOrder(BaseModel):
    order_id: str
    lines: list[OrderLine]


router = APIRouter()


@router.post("/orders")
async def place_order(command: PlaceOrder) -> dict[str, str | None]:
    return {"order_id": command.order_id, "correlation_id": current_correlation_id()}


@router.get("/orders/{order_id}")
async def get_order(order_id: str) -> dict[str, str]:
    return {"order_id": order_id}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_http_plumbing(app)
    app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_malformed_json_is_a_400_saying_so(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/orders",
        content=b'{"order_id": "o-1", "lines": [',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "malformed_json"
    assert body["detail"][0]["field"] == "body"


async def test_invalid_field_is_a_422_naming_the_field(client: httpx.AsyncClient) -> None:
    payload = {"order_id": "o-1", "lines": [{"sku": "A", "quantity": 0}]}
    response = await client.post("/orders", json=payload)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail == [
        {"field": "body.lines.0.quantity", "problem": "Input should be greater than 0"}
    ]


async def test_missing_body_is_a_4xx_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post("/orders")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body"


async def test_correlation_id_is_taken_from_the_request_and_echoed(
    client: httpx.AsyncClient,
) -> None:
    payload = {"order_id": "o-1", "lines": [{"sku": "A", "quantity": 1}]}
    response = await client.post("/orders", json=payload, headers={CORRELATION_HEADER: "flow-42"})
    assert response.headers[CORRELATION_HEADER] == "flow-42"
    assert response.json()["correlation_id"] == "flow-42"


async def test_missing_or_unsafe_correlation_id_is_replaced(client: httpx.AsyncClient) -> None:
    first = await client.get("/orders/o-1")
    second = await client.get("/orders/o-1", headers={CORRELATION_HEADER: "x" * 500})
    assert len(first.headers[CORRELATION_HEADER]) == 36
    assert second.headers[CORRELATION_HEADER] != "x" * 500


async def test_request_metrics_use_the_route_template(client: httpx.AsyncClient) -> None:
    def count(route: str, status: str) -> float:
        labels = {"method": "GET", "route": route, "status": status}
        return REGISTRY.get_sample_value("inventory_http_requests_total", labels) or 0.0

    before = count("/orders/{order_id}", "200")
    before_unmatched = count("unmatched", "404")
    await client.get("/orders/o-123")
    await client.get("/orders/o-456")
    await client.get("/no/such/path")
    assert count("/orders/{order_id}", "200") == before + 2
    assert count("/orders/o-123", "200") == 0
    assert count("unmatched", "404") == before_unmatched + 1


async def test_a_value_the_database_cannot_hold_is_the_callers_422_other_failures_500() -> None:
    import asyncpg
    from inventory_runtime.input_guard import database_error_handler
    from sqlalchemy.exc import DBAPIError
    from starlette.requests import Request

    request = Request({"type": "http", "method": "GET", "path": "/x", "headers": []})
    too_big = asyncpg.exceptions.DataError("invalid input for query argument $1: 9e99")
    answer = await database_error_handler(request, DBAPIError("SELECT", {}, too_big))
    assert answer.status_code == 422
    assert b"a value the database cannot hold" in answer.body
    broken = await database_error_handler(request, DBAPIError("SELECT", {}, OSError("gone")))
    assert broken.status_code == 500
    assert b"gone" not in broken.body
