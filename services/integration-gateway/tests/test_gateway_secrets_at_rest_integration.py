"""Subscription secrets on a real PostgreSQL: the `subscriptions.secret` column holds no
plaintext (API subscriptions and the ERP one from settings), deliveries are still signed with
the plaintext, a row stored before encryption still delivers, and a worker holding another
DATA_ENCRYPTION_KEY refuses to sign rather than sending a wrong signature."""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from integration_gateway import handlers
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.adapters.webhooks import delivery_worker
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import ensure_configured
from inventory_contracts.envelope import new_event
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.examples import EXAMPLES
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.signing import verify
from sqlalchemy import text

pytestmark = pytest.mark.integration

SECRET = "erp-shared-secret-at-rest"
RELEASED = next(e for e in EXAMPLES if isinstance(e, PurchaseOrderReleased))


class Receiver:
    """An ERP endpoint on 127.0.0.1 that checks each POST's signature with `SECRET`."""

    def __init__(self) -> None:
        self.valid: list[bool] = []
        self.url = ""


@pytest.fixture
def erp() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            stamp = self.headers["X-Signature-Timestamp"]
            valid = verify(body, SECRET, self.headers["X-Signature"], stamp)
            state.valid.append(valid)
            self.send_response(200 if valid else 401)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/erp"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()


async def subscribe(client: httpx.AsyncClient, url: str) -> str:
    body = {"url": url, "secret": SECRET, "event_types": [RELEASED.event_type]}
    response = await client.post("/v1/subscriptions", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def queue_release(runtime: ServiceRuntime) -> None:
    cloud_event = new_event(RELEASED, source="/services/replenishment")
    event = InboundEvent(cloud_event, RELEASED, RELEASED.topic, 0, 0, RELEASED.key(), record=None)
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        await handlers.queue_write_backs([event], uow)
        await uow.commit()


async def deliver(runtime: ServiceRuntime, settings: IntegrationGatewaySettings) -> None:
    """Worker rounds, as `main` runs them with `settings`, until nothing is pending."""
    async with httpx.AsyncClient(timeout=2) as http:
        worker = delivery_worker(runtime.session_factory, settings, http)
        for _ in range(20):
            await worker.deliver_due()
            if await worker.pending_count() == 0:
                return
            await asyncio.sleep(0.05)  # past the test settings' retry backoff


def gateway_settings(runtime: ServiceRuntime) -> IntegrationGatewaySettings:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    return settings


async def stored_secrets(runtime: ServiceRuntime) -> dict[str, str]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, secret FROM subscriptions"))
        return {row.id: row.secret for row in rows}


async def test_a_subscription_secret_is_stored_encrypted_and_deliveries_are_signed(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    erp: Receiver,
) -> None:
    subscription_id = await subscribe(client, erp.url)
    stored = (await stored_secrets(runtime))[subscription_id]
    assert SECRET not in stored and stored.startswith("enc:v1:")
    assert SECRET not in (await client.get("/v1/subscriptions")).text

    await queue_release(runtime)
    await deliver(runtime, gateway_settings(runtime))
    assert erp.valid == [True]


async def test_a_plaintext_secret_stored_before_encryption_still_delivers(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    erp: Receiver,
) -> None:
    subscription_id = await subscribe(client, erp.url)
    async with runtime.engine.begin() as connection:
        await connection.execute(
            text("UPDATE subscriptions SET secret = :secret WHERE id = :id"),
            {"secret": SECRET, "id": subscription_id},
        )
    await queue_release(runtime)
    await deliver(runtime, gateway_settings(runtime))
    assert erp.valid == [True]


async def test_the_erp_subscription_from_settings_is_stored_encrypted_once(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    settings = runtime.settings.model_copy(
        update={"erp_webhook_url": "http://127.0.0.1:9/erp", "erp_webhook_secret": SECRET}
    )
    configured = ServiceRuntime(
        settings, runtime.engine, runtime.session_factory, runtime.uow_factory
    )
    await ensure_configured(configured)
    await ensure_configured(configured)  # the stored (encrypted) secret compares equal
    [stored] = (await stored_secrets(runtime)).values()
    assert SECRET not in stored and stored.startswith("enc:v1:")
    assert len((await client.get("/v1/subscriptions")).json()) == 1


async def test_a_worker_with_another_key_sends_nothing_and_records_why(
    client: httpx.AsyncClient, runtime: ServiceRuntime, erp: Receiver
) -> None:
    await subscribe(client, erp.url)
    await queue_release(runtime)
    other_key = base64.b64encode(os.urandom(32)).decode()
    rekeyed = gateway_settings(runtime).model_copy(update={"data_encryption_key": other_key})
    await deliver(runtime, rekeyed)
    assert erp.valid == []
    [delivery] = (await client.get("/v1/deliveries")).json()
    assert delivery["status"] == "failed"
    assert "secret unreadable" in delivery["last_error"]
    assert "DATA_ENCRYPTION_KEY" in delivery["last_error"]
