"""Write-back: subscriptions API, deliveries queued by the consumer handler, the worker's POSTs.

The ERP is a local `http.server` on 127.0.0.1 that checks the signature like a real receiver.
Subscriptions aimed inside the platform's network, as an attacker holding an admin key (or a
careless setting) would aim them, are refused with a field error, at startup, and again before
each POST, where a refusal is a failed attempt and the receiver gets nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from integration_gateway import handlers
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.adapters.webhooks import DueDelivery, delivery_worker
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import create_app, ensure_configured, run_delivery_worker
from inventory_contracts.envelope import decode, new_event
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.examples import EXAMPLES
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.delivery import DeliveryWorker
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.outbound import OutboundRefused
from inventory_runtime.signing import verify

pytestmark = pytest.mark.integration

SECRET = "erp-shared-secret-123"
RELEASED = next(e for e in EXAMPLES if isinstance(e, PurchaseOrderReleased))


@dataclass
class Receiver:
    """A webhook endpoint that answers `failures` times with 503, then 200."""

    failures: int = 0
    secret: str = SECRET
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def erp() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            valid = verify(
                body,
                state.secret,
                self.headers["X-Signature"],
                self.headers["X-Signature-Timestamp"],
            )
            state.received.append({"body": body, "headers": dict(self.headers), "valid": valid})
            failing = len(state.received) <= state.failures
            self.send_response(401 if not valid else 503 if failing else 200)
            self.end_headers()
            self.wfile.write(b"busy" if failing else b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/erp/purchase-orders"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def inbound(event: PurchaseOrderReleased) -> InboundEvent:
    cloud_event = new_event(event, source="/services/replenishment")
    return InboundEvent(cloud_event, event, event.topic, 0, 0, event.key(), record=None)


async def subscribe(client: httpx.AsyncClient, url: str) -> str:
    response = await client.post(
        "/v1/subscriptions",
        json={"url": url, "secret": SECRET, "event_types": [RELEASED.event_type]},
    )
    assert response.status_code == 201, response.text
    assert "secret" not in response.json()
    return str(response.json()["id"])


async def consume(runtime: ServiceRuntime, event: InboundEvent) -> None:
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        await handlers.queue_write_backs([event], uow)
        await uow.commit()


async def drain(worker: DeliveryWorker[DueDelivery], rounds: int = 60) -> None:
    """Run worker rounds until nothing is pending (or `rounds` ran)."""
    for _ in range(rounds):
        await worker.deliver_due()
        if await worker.pending_count() == 0:
            return
        await asyncio.sleep(0.05)


@pytest.fixture
async def worker(runtime: ServiceRuntime) -> AsyncIterator[DeliveryWorker[DueDelivery]]:
    """The gateway's delivery worker as `main` runs it, one round at a time."""
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    async with httpx.AsyncClient(timeout=settings.delivery_timeout_seconds) as http:
        yield delivery_worker(runtime.session_factory, settings, http)


async def test_purchase_order_is_posted_signed_to_the_subscribed_erp(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    erp: Receiver,
    worker: DeliveryWorker[DueDelivery],
) -> None:
    await subscribe(client, erp.url)
    event = inbound(RELEASED)
    await consume(runtime, event)
    await consume(runtime, event)  # redelivered by Kafka: still one delivery
    await drain(worker, rounds=3)

    [request] = erp.received
    assert request["valid"]
    headers = request["headers"]
    assert headers["Content-Type"] == "application/cloudevents+json"
    assert headers["X-Event-Id"] == event.id
    assert headers["X-Event-Type"] == "inventory.purchase-order.released.v1"
    assert headers["X-Signature-Timestamp"].isdigit()
    assert decode(request["body"]).data["purchase_order_id"] == RELEASED.purchase_order_id
    delivered = (await client.get("/v1/deliveries", params={"status": "delivered"})).json()
    assert [(d["event_id"], d["attempts"]) for d in delivered] == [(event.id, 1)]


async def test_receiver_failing_twice_gets_it_on_the_third_try(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    erp: Receiver,
    worker: DeliveryWorker[DueDelivery],
) -> None:
    erp.failures = 2
    await subscribe(client, erp.url)
    await consume(runtime, inbound(RELEASED))
    await drain(worker)
    assert len(erp.received) == 3 and all(r["valid"] for r in erp.received)
    assert len({r["body"] for r in erp.received}) == 1  # the same bytes every time
    [delivery] = (await client.get("/v1/deliveries")).json()
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3


async def test_receiver_that_never_accepts_ends_failed_with_the_last_error(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    erp: Receiver,
    worker: DeliveryWorker[DueDelivery],
) -> None:
    erp.failures = 100
    await subscribe(client, erp.url)
    await consume(runtime, inbound(RELEASED))
    await drain(worker)
    assert len(erp.received) == 3  # delivery_max_attempts in the test settings
    [failed] = (await client.get("/v1/deliveries", params={"status": "failed"})).json()
    assert failed["attempts"] == 3 and failed["last_status_code"] == 503
    assert "HTTP 503" in failed["last_error"]


async def test_the_background_job_delivers_until_it_is_stopped(
    client: httpx.AsyncClient, runtime: ServiceRuntime, erp: Receiver
) -> None:
    await subscribe(client, erp.url)
    await consume(runtime, inbound(RELEASED))
    job = asyncio.create_task(run_delivery_worker(runtime))
    try:
        async with asyncio.timeout(10):
            while True:  # until delivered, or the timeout
                delivered = await client.get("/v1/deliveries", params={"status": "delivered"})
                if delivered.json():
                    break
                await asyncio.sleep(0.05)
    finally:
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job
    [request] = erp.received
    assert request["valid"]


async def test_unreachable_receiver_is_retried_then_failed(
    client: httpx.AsyncClient, runtime: ServiceRuntime, worker: DeliveryWorker[DueDelivery]
) -> None:
    await subscribe(client, "http://127.0.0.1:9/nothing-listens-here")
    await consume(runtime, inbound(RELEASED))
    await drain(worker)
    [failed] = (await client.get("/v1/deliveries", params={"status": "failed"})).json()
    assert failed["last_status_code"] is None and "Connect" in failed["last_error"]


async def test_deleted_subscription_gets_nothing_and_unsubscribed_types_are_not_queued(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    erp: Receiver,
    worker: DeliveryWorker[DueDelivery],
) -> None:
    subscription_id = await subscribe(client, erp.url)
    await consume(runtime, inbound(RELEASED))
    assert (await client.delete(f"/v1/subscriptions/{subscription_id}")).status_code == 204
    assert (await client.delete(f"/v1/subscriptions/{subscription_id}")).status_code == 404
    await drain(worker, rounds=2)
    assert erp.received == []
    [cancelled] = (await client.get("/v1/deliveries")).json()
    assert cancelled["status"] == "cancelled"
    assert (await client.get("/v1/subscriptions")).json() == []


async def test_subscription_validation(client: httpx.AsyncClient) -> None:
    bad_type = await client.post(
        "/v1/subscriptions",
        json={
            "url": "http://127.0.0.1:9/x",
            "secret": SECRET,
            "event_types": ["inventory.order.placed.v1"],
        },
    )
    assert bad_type.status_code == 422 and "not deliverable" in bad_type.text
    bad_url = await client.post(
        "/v1/subscriptions",
        json={"url": "not a url", "secret": SECRET, "event_types": [RELEASED.event_type]},
    )
    assert bad_url.status_code == 422 and "url" in bad_url.text


async def test_erp_webhook_from_settings_is_ensured_once(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    from integration_gateway.main import ensure_configured

    settings = runtime.settings.model_copy(
        update={"erp_webhook_url": "http://127.0.0.1:9/erp", "erp_webhook_secret": SECRET}
    )
    configured = ServiceRuntime(
        settings, runtime.engine, runtime.session_factory, runtime.uow_factory
    )
    await ensure_configured(configured)
    await ensure_configured(configured)  # a restart does not add a second one
    [subscription] = (await client.get("/v1/subscriptions")).json()
    assert subscription["origin"] == "settings"
    assert subscription["event_types"] == [
        "inventory.purchase-order.released.v1",
        "inventory.purchase-order.cancelled.v1",
    ]


INSIDE_URLS = [
    "http://127.0.0.1:8006/v1/orders",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/",
    "http://[::1]/",
    "http://localhost/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://metadata.google.internal/computeMetadata/v1/",
]


def _without_allowlist(runtime: ServiceRuntime, **changes: object) -> ServiceRuntime:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    update = {"outbound_allowlist": "", **changes}
    return replace(runtime, settings=settings.model_copy(update=update))


@pytest.fixture
async def strict_client(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> AsyncIterator[httpx.AsyncClient]:
    """The API of a deployment without an allow-list (production's default)."""
    strict = _without_allowlist(runtime)
    assert isinstance(strict.settings, IntegrationGatewaySettings)
    app = create_app(strict.settings)
    app.state.runtime = strict
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://gateway",
        headers={"Authorization": client.headers["Authorization"]},
    ) as http:
        yield http


@pytest.mark.parametrize("url", INSIDE_URLS)
async def test_a_subscription_aimed_inside_is_refused_and_not_stored(
    strict_client: httpx.AsyncClient, url: str
) -> None:
    body = {"url": url, "secret": SECRET, "event_types": [RELEASED.event_type]}
    response = await strict_client.post("/v1/subscriptions", json=body)
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["field"] == "body.url" and "OUTBOUND_ALLOWLIST" in problem["problem"]
    listed = await strict_client.get("/v1/subscriptions", params={"include_inactive": True})
    assert listed.json() == []


async def test_a_non_http_subscription_url_is_refused(strict_client: httpx.AsyncClient) -> None:
    body = {"url": "ftp://erp.example.com/po", "secret": SECRET, "event_types": []}
    assert (await strict_client.post("/v1/subscriptions", json=body)).status_code == 422


async def test_an_allow_listed_loopback_subscription_is_accepted(
    client: httpx.AsyncClient,
    erp: Receiver,
) -> None:
    subscription_id = await subscribe(client, erp.url)  # 201 under the allow-list 127.0.0.0/8
    listed = (await client.get("/v1/subscriptions")).json()
    assert (subscription_id, erp.url) in [(s["id"], s["url"]) for s in listed]


async def test_a_refused_erp_webhook_setting_stops_the_startup(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    misconfigured = _without_allowlist(
        runtime,
        erp_webhook_url="http://169.254.169.254/latest/meta-data",
        erp_webhook_secret=SECRET,
    )
    with pytest.raises(OutboundRefused, match=r"ERP_WEBHOOK_URL is refused: .* cloud metadata"):
        await ensure_configured(misconfigured)
    assert (await client.get("/v1/subscriptions")).json() == []


async def test_an_address_gone_internal_after_subscribing_is_refused_before_each_post(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    erp: Receiver,
) -> None:
    await subscribe(client, erp.url)
    await consume(runtime, inbound(RELEASED))
    strict = _without_allowlist(runtime)
    assert isinstance(strict.settings, IntegrationGatewaySettings)
    async with httpx.AsyncClient() as http:
        await drain(delivery_worker(runtime.session_factory, strict.settings, http))

    assert erp.received == []
    [failed] = (await client.get("/v1/deliveries", params={"status": "failed"})).json()
    assert failed["attempts"] == 3 and failed["last_status_code"] is None
    assert failed["last_error"].startswith("outbound address refused: 127.0.0.1 is a loopback")
