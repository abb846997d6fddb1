"""Per-client rate limits over HTTP on PostgreSQL: 429 with Retry-After before anything is
published, other clients unaffected, admitted again once the wait is over."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import create_api_key, create_app
from inventory_runtime.app import ServiceRuntime
from prometheus_client import REGISTRY
from sqlalchemy import text

pytestmark = pytest.mark.integration


def order(number: int) -> dict[str, object]:
    return {"order_id": f"SO-{number}", "lines": [{"sku": "A", "location": "WH1", "quantity": 1}]}


class ManualClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def limited_app(runtime: ServiceRuntime, clock: ManualClock) -> FastAPI:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    app = create_app(settings, monotonic=clock)
    app.state.runtime = runtime
    return app


@pytest.fixture
async def http(limited_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=limited_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


async def published(runtime: ServiceRuntime) -> int:
    async with runtime.engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM outbox"))).scalar_one())


def throttled_count(client: str) -> float:
    value = REGISTRY.get_sample_value(
        "inventory_gateway_throttled_requests_total", {"client": client}
    )
    return value or 0.0


async def test_a_burst_over_the_limit_is_429_with_retry_after_and_publishes_nothing(
    http: httpx.AsyncClient, runtime: ServiceRuntime, clock: ManualClock
) -> None:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    noisy = await create_api_key(settings, "noisy-crm", ["*"], rate_per_second=0.4, burst=2)
    quiet = await create_api_key(settings, "quiet-erp", ["*"], rate_per_second=0.4, burst=2)
    headers = {"X-API-Key": noisy}
    before = throttled_count("noisy-crm")
    answers = [await http.post("/v1/orders", json=order(n), headers=headers) for n in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 429, 429]
    refused = answers[2]
    assert refused.json()["error"] == "rate_limited" and "noisy-crm" in refused.json()["detail"]
    assert refused.headers["Retry-After"] == "3"  # one token at 0.4/s: 2.5 s, rounded up
    assert await published(runtime) == 2  # the refused requests' handler never ran
    # refused before the body is read: even a broken body gets the 429, not a 400
    broken = await http.post("/v1/orders", content=b"{not json", headers=headers)
    assert broken.status_code == 429
    assert throttled_count("noisy-crm") == before + 3

    # another client is unaffected while the noisy one waits
    other = await http.post("/v1/orders", json=order(10), headers={"X-API-Key": quiet})
    assert other.status_code == 202
    assert throttled_count("quiet-erp") == 0

    clock.now += int(refused.headers["Retry-After"])
    again = await http.post("/v1/orders", json=order(11), headers=headers)
    assert again.status_code == 202
    assert await published(runtime) == 4


async def test_unknown_keys_are_401_not_429(
    http: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    await create_api_key(settings, "tiny", ["*"], rate_per_second=1, burst=1)
    answers = [await http.post("/v1/orders", json=order(n)) for n in range(3)]
    assert {a.status_code for a in answers} == {401}


async def test_bootstrap_client_gets_its_high_limit_and_a_re_key_keeps_a_client_limit(
    runtime: ServiceRuntime,
) -> None:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    await create_api_key(settings, "erp-sap", ["orders:write"], rate_per_second=5, burst=10)
    await create_api_key(settings, "erp-sap", ["orders:write"])  # a new key, same limit
    await create_api_key(settings, "plain", ["orders:write"])
    async with runtime.engine.connect() as connection:
        query = text("SELECT name, rate_per_second, burst FROM api_clients")
        rows = await connection.execute(query)
        limits = {row.name: (row.rate_per_second, row.burst) for row in rows}
    assert limits == {
        "bootstrap": (
            settings.bootstrap_rate_limit_per_second,
            settings.bootstrap_rate_limit_burst,
        ),
        "erp-sap": (5.0, 10),
        "plain": (None, None),  # the defaults from settings
    }
    assert settings.bootstrap_rate_limit_burst > settings.rate_limit_burst
