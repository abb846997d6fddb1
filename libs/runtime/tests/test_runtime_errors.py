"""One API error shape: what a client gets when a route raises `ApiError` or answers an error."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from inventory_runtime.app import create_service_app
from inventory_runtime.auth.app_security import install_identity
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.errors import ApiError, error_response, field_problems, validation_error
from inventory_runtime.http import CORRELATION_HEADER, install_http_plumbing
from inventory_runtime.settings import ServiceSettings

router = secured_router(dependencies=[require("stock:read")])


@router.get("/orders/{order_id}")
async def get_order(order_id: str) -> dict[str, str]:
    raise ApiError(404, "not_found", f"no order {order_id}")


@router.post("/orders/{order_id}/cancel")
async def cancel_order(order_id: str) -> dict[str, str]:
    raise ApiError(409, "already_shipped", f"{order_id} left", message="Ask the carrier.")


@router.post("/orders")
async def place_order() -> dict[str, str]:
    problems = [("lines.0.quantity", "must be positive"), ("currency", "unknown")]
    raise ApiError(422, "validation_error", field_problems(problems))


@router.get("/stock")
async def stock(sku: str) -> JSONResponse:
    return validation_error([("sku", f"unknown SKU {sku}")], prefix="query.")


@router.get("/maintenance")
async def maintenance() -> JSONResponse:
    return error_response(503, "unavailable")


def service_app() -> FastAPI:
    settings = ServiceSettings(service_name="errors-test", environment="development")
    return create_service_app(settings, title="errors-test", routers=[router])


def plain_app() -> FastAPI:
    app = FastAPI()
    install_http_plumbing(app)
    install_identity(app, ServiceSettings(service_name="errors-test"), pages=False)
    app.include_router(router)
    return app


@pytest.fixture(params=[service_app, plain_app], ids=["create_service_app", "plumbing"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = request.param()
    transport = httpx.ASGITransport(app=app)
    headers = TEST_ISSUER.headers("operator")
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers
    ) as http:
        yield http


async def test_a_raised_api_error_answers_its_status_code_and_detail(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/orders/o-1", headers={CORRELATION_HEADER: "flow-9"})
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "no order o-1"}
    assert response.headers[CORRELATION_HEADER] == "flow-9"


async def test_the_message_for_a_person_is_there_only_when_given(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/orders/o-1/cancel")
    assert response.status_code == 409
    assert response.json() == {
        "error": "already_shipped",
        "detail": "o-1 left",
        "message": "Ask the carrier.",
    }


async def test_a_bad_request_names_each_field_with_its_problem(client: httpx.AsyncClient) -> None:
    raised = await client.post("/orders")
    assert raised.status_code == 422
    assert raised.json() == {
        "error": "validation_error",
        "detail": [
            {"field": "body.lines.0.quantity", "problem": "must be positive"},
            {"field": "body.currency", "problem": "unknown"},
        ],
    }
    returned = await client.get("/stock", params={"sku": "TEA"})
    assert returned.status_code == 422
    assert returned.json() == {
        "error": "validation_error",
        "detail": [{"field": "query.sku", "problem": "unknown SKU TEA"}],
    }


async def test_an_error_without_detail_still_has_the_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/maintenance")
    assert response.status_code == 503
    assert response.json() == {"error": "unavailable", "detail": None}


async def test_fastapis_own_validation_errors_have_the_same_shape(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/stock")
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == "validation_error"
    assert [problem["field"] for problem in body["detail"]] == ["query.sku"]
