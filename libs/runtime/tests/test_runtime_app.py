"""The app factory with its lifespan: routes, relay, consumer and readiness together."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends
from inventory_contracts.envelope import decode
from inventory_runtime.app import (
    BackgroundJob,
    ServiceRuntime,
    create_service_app,
    uow_dependency,
)
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import BatchHandler, Subscription
from inventory_runtime.testing import (
    create_test_topics,
    drop_database,
    fresh_database,
    read_topic,
    unique_name,
    wait_until,
)
from inventory_runtime.uow import UnitOfWork
from prometheus_client import REGISTRY

pytestmark = pytest.mark.integration


class ThingsUnitOfWork(UnitOfWork):
    """A service's own unit of work (a real one would add repositories)."""


get_things_uow = uow_dependency(ThingsUnitOfWork)


async def test_service_app_publishes_consumes_and_reports_readiness(
    kafka_bootstrap: str,
    make_settings: Callable[..., ServiceSettings],
    thing_events: Any,
    handler_factory: Callable[..., BatchHandler[UnitOfWork]],
    effects_of: Callable[..., Awaitable[int]],
) -> None:
    (topic,) = await create_test_topics(kafka_bootstrap, "app")
    happened, _ = thing_events(topic)
    router = secured_router()

    @router.post("/things/{thing_id}", status_code=202, dependencies=[require("stock:write")])
    async def record_thing(
        thing_id: str, uow: Annotated[ThingsUnitOfWork, Depends(get_things_uow)]
    ) -> dict[str, str]:
        async with uow:
            cloud_event = uow.publish(happened(thing_id=thing_id))
            await uow.commit()
        return {"event_id": cloud_event.id}

    job_may_crash = asyncio.Event()

    async def fragile_job(runtime: ServiceRuntime) -> None:
        await job_may_crash.wait()
        raise RuntimeError("schedule store unreachable")

    group = unique_name("app-group")
    app = create_service_app(
        make_settings(),
        title="runtime-test",
        routers=[router],
        consumers=[Subscription(group, [happened], handler_factory())],
        background=[BackgroundJob("fragile-job", fragile_job)],
        unit_of_work=ThingsUnitOfWork,
    )
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    async with app.router.lifespan_context(app):
        # What startup built is out of the collector's reach (no long pauses under load).
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] > 700, "young collections less often than CPython's default"
        full_before = _collections_timed("2")
        gc.collect()
        assert _collections_timed("2") == full_before + 1, "each pause lands in the histogram"
        transport = httpx.ASGITransport(app=app)
        headers = TEST_ISSUER.headers("operator")
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as client:
            assert (await client.get("/health")).json() == {"status": "ok"}
            ready = await client.get("/ready")
            assert ready.status_code == 200, ready.text
            assert set(ready.json()["checks"]) == {
                "database",
                "kafka",
                "outbox-relay",
                f"consumer:{group}",
                "fragile-job",
            }

            response = await client.post(
                "/things/thing-7", headers={"X-Correlation-ID": "flow-app-1"}
            )
            assert response.status_code == 202
            assert response.headers["X-Correlation-ID"] == "flow-app-1"

            # relay -> Kafka -> consumer -> effect, all started by the lifespan
            assert await wait_until(lambda: _applied(effects_of, "thing-7"), within=30)
            (record,) = await read_topic(kafka_bootstrap, topic, count=1)
            published = decode(record.value)
            assert published.id == response.json()["event_id"]
            assert published.correlationid == "flow-app-1"

            metrics = (await client.get("/metrics")).text
            assert f'inventory_messages_produced_total{{topic="{topic}"' in metrics
            assert "inventory_outbox_depth" in metrics

            job_may_crash.set()
            await asyncio.sleep(0.05)
            not_ready = await client.get("/ready")
            assert not_ready.status_code == 503
            body = not_ready.json()
            assert body["failing"] == ["fragile-job"]
            assert "schedule store unreachable" in body["checks"]["fragile-job"]


async def _applied(effects_of: Callable[..., Awaitable[int]], thing_id: str) -> bool:
    return await effects_of(thing_id) == 1


async def test_relay_that_keeps_failing_makes_the_service_not_ready(
    database_url: str, make_settings: Callable[..., ServiceSettings]
) -> None:
    unmigrated = await fresh_database(database_url, "runtime_app_unmigrated")
    try:
        app = create_service_app(make_settings(database_url=unmigrated), title="runtime-test")
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

                async def relay_reported() -> bool:
                    return (await client.get("/ready")).status_code == 503

                assert await wait_until(relay_reported, within=20)
                body = (await client.get("/ready")).json()
        assert body["failing"] == ["outbox-relay"]
        assert 'relation "outbox" does not exist' in body["checks"]["outbox-relay"]
    finally:
        await drop_database(unmigrated)


def _collections_timed(generation: str) -> float:
    """How many collections of `generation` `inventory_gc_pause_seconds` has recorded."""
    count = REGISTRY.get_sample_value(
        "inventory_gc_pause_seconds_count", {"generation": generation}
    )
    return count or 0.0
