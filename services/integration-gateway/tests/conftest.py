"""Fixtures of the gateway's integration tests: a migrated throwaway database and the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import MIGRATIONS, create_app, ensure_configured
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.db import create_engine, create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from inventory_testkit.issuer import TEST_ADMIN_PASSWORD as ADMIN_PASSWORD
from sqlalchemy import text

API_KEY = "test-key-0123456789"
LOCAL_RECEIVERS = "127.0.0.0/8"
"""The ERP stand-ins of these tests listen on 127.0.0.1, which the outbound guard refuses
unless allow-listed, as `scripts/services.sh` allow-lists it in development."""


@pytest.fixture(scope="module")
async def gateway_db(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    url = await fresh_database(database_url, f"gateway_{Path(request.path).stem[-20:]}")
    await migrate_async(url, MIGRATIONS)
    yield url
    await drop_database(url)


@pytest.fixture
async def runtime(gateway_db: str) -> AsyncIterator[ServiceRuntime]:
    """A runtime on the test database: no Kafka, no relay (the outbox is asserted instead)."""
    settings = IntegrationGatewaySettings(
        database_url=gateway_db,
        bootstrap_api_key=API_KEY,
        bootstrap_admin_password=ADMIN_PASSWORD,
        outbound_allowlist=LOCAL_RECEIVERS,
        delivery_backoff_base_seconds=0.05,
        delivery_backoff_cap_seconds=0.1,
        delivery_max_attempts=3,
        delivery_timeout_seconds=2,
    )
    engine = create_engine(settings)
    factory = create_session_factory(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "TRUNCATE outbox, inbox, idempotency_keys, deliveries, subscriptions, api_clients,"
                " people, service_accounts, signing_keys, authorization_codes, refresh_tokens,"
                " login_failures, import_errors, import_jobs, master_records"
            )
        )

    def uow_factory() -> GatewayUnitOfWork:
        return GatewayUnitOfWork.keyed(settings.secret_box)(factory, source=settings.event_source)

    runtime = ServiceRuntime(settings, engine, factory, uow_factory)
    await ensure_configured(runtime)
    async with engine.begin() as connection:  # startup's own events (the admin made) aside
        await connection.execute(text("TRUNCATE outbox"))
    yield runtime
    await engine.dispose()


@pytest.fixture
async def app(runtime: ServiceRuntime) -> FastAPI:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    app = create_app(settings)
    app.state.runtime = runtime
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://gateway",
        headers={"Authorization": f"Bearer {API_KEY}"},
    ) as http:
        yield http


@pytest.fixture
async def issuer(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The app over https without the API key header: the issuer's routes are public, and
    its sign-in cookie is Secure when the issuer is https (OIDC_ISSUER is in tests)."""
    client.headers.pop("Authorization", None)
    client.base_url = httpx.URL("https://gateway")
    return client
