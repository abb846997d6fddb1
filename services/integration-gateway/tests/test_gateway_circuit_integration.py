"""A receiver that fails, then recovers, against the real worker on PostgreSQL: the circuit
breaker pauses it and resumes it by itself; a dead-lettered delivery is visible and an
administrator replays it once the receiver is fixed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from integration_gateway import handlers
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.adapters.webhooks import delivery_worker
from integration_gateway.config import IntegrationGatewaySettings
from inventory_contracts.envelope import new_event
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.examples import EXAMPLES
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.inbound import InboundEvent

pytestmark = pytest.mark.integration
RELEASED = next(e for e in EXAMPLES if isinstance(e, PurchaseOrderReleased))
AUDITOR = TEST_ISSUER.headers("auditor", login="sun.auditor")


@dataclass
class Receiver:
    """Answers 503 to the first `failures` POSTs, then 200."""

    failures: int
    received: list[bytes] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def erp() -> Iterator[Receiver]:
    state = Receiver(failures=3)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            state.received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(503 if len(state.received) <= state.failures else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/erp"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


async def setup(client: httpx.AsyncClient, runtime: ServiceRuntime, url: str, events: int) -> str:
    body = {"url": url, "secret": "s" * 20, "event_types": [RELEASED.event_type]}
    subscription_id = str((await client.post("/v1/subscriptions", json=body)).json()["id"])
    messages = [
        InboundEvent(new_event(RELEASED, source="/services/replenishment"), RELEASED,
                     RELEASED.topic, 0, 0, RELEASED.key(), record=None)
        for _ in range(events)
    ]  # fmt: skip
    uow = runtime.uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    async with uow:
        await handlers.queue_write_backs(messages, uow)
        await uow.commit()
    return subscription_id


def tuned(runtime: ServiceRuntime, **changes: Any) -> IntegrationGatewaySettings:
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    return settings.model_copy(update=changes)


async def subscription(client: httpx.AsyncClient, subscription_id: str) -> dict[str, Any]:
    listed = (await client.get("/v1/subscriptions")).json()
    found: dict[str, Any] = next(s for s in listed if s["id"] == subscription_id)
    return found


async def test_a_failing_receiver_is_paused_then_resumed_by_itself(
    client: httpx.AsyncClient, runtime: ServiceRuntime, erp: Receiver
) -> None:
    subscription_id = await setup(client, runtime, erp.url, events=3)
    settings = tuned(
        runtime, circuit_failure_threshold=2, circuit_pause_seconds=1.5, delivery_max_attempts=10
    )
    async with httpx.AsyncClient(timeout=2) as http:
        worker = delivery_worker(runtime.session_factory, settings, http)
        await worker.deliver_due()  # three POSTs, three failures: the circuit opens
        paused = await subscription(client, subscription_id)
        assert paused["paused_until"] is not None and paused["consecutive_failures"] == 3
        await asyncio.sleep(0.5)  # the retries are due, but the receiver is paused
        await worker.deliver_due()
        assert len(erp.received) == 3
        for _ in range(60):  # the pause ends: delivered, the circuit closes
            await asyncio.sleep(0.1)
            await worker.deliver_due()
            if await worker.pending_count() == 0:
                break
    assert len(erp.received) == 6
    resumed = await subscription(client, subscription_id)
    assert (resumed["paused_until"], resumed["consecutive_failures"]) == (None, 0)
    delivered = (await client.get("/v1/deliveries", params={"status": "delivered"})).json()
    assert len(delivered) == 3


async def test_a_dead_lettered_delivery_is_visible_and_replayed_once_the_receiver_is_fixed(
    client: httpx.AsyncClient, runtime: ServiceRuntime, erp: Receiver
) -> None:
    erp.failures = 1
    subscription_id = await setup(client, runtime, erp.url, events=1)
    settings = tuned(runtime, delivery_max_attempts=1, circuit_failure_threshold=100)
    async with httpx.AsyncClient(timeout=2) as http:
        worker = delivery_worker(runtime.session_factory, settings, http)
        await worker.deliver_due()
        [dead] = (await client.get("/v1/deliveries", params={"status": "failed"})).json()
        assert dead["last_error"].startswith("HTTP 503") and dead["attempts"] == 1
        replay = {"subscription_id": subscription_id, "from_id": dead["id"], "to_id": dead["id"]}
        answer = await client.post("/v1/deliveries/replay", json=replay)
        assert answer.status_code == 200 and answer.json() == {"replayed": 1}
        await worker.deliver_due()
    [done] = (await client.get("/v1/deliveries", params={"status": "delivered"})).json()
    assert done["id"] == dead["id"] and erp.received[0] == erp.received[1]
    audit = await client.get(
        "/v1/audit", params={"entity_type": "subscription", "entity_id": subscription_id},
        headers=AUDITOR,
    )  # fmt: skip
    assert "replay" in {entry["action"] for entry in audit.json()["entries"]}
    missing = await client.post("/v1/deliveries/replay", json={"subscription_id": "sub_nope"})
    assert missing.status_code == 404
