"""Alerting on a real PostgreSQL: dedupe of open alerts, outbox, email via aiosmtpd, webhooks."""

from __future__ import annotations

import asyncio
import email
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from alerting.adapters.dispatcher import notification_worker
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.config import AlertingSettings
from alerting.consumer import subscription
from inventory_contracts.envelope import decode, decode_data, new_event
from inventory_contracts.events.alerts import AlertRaised
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.signing import verify
from inventory_testkit.standins import body_of, subject_of
from prometheus_client import REGISTRY
from sqlalchemy import text

from .conftest import Mailbox, WebhookReceiver

pytestmark = pytest.mark.integration

SECRET = "hook-secret-42"
BREACH = StockBelowThreshold(
    sku="SKU-1", location="WH1", inventory_position=Decimal("3"), on_hand=Decimal("3"),
    reserved=Decimal("0"), on_order=Decimal("0"), reorder_point=Decimal("5"),
)  # fmt: skip


def inbound(event: Event, time: datetime | None = None) -> InboundEvent:
    cloud_event = new_event(event, source="/services/test", time=time or datetime.now(UTC))
    return InboundEvent(cloud_event, event, event.topic, 0, 0, event.key(), record=None)


async def consume(runtime: ServiceRuntime, event: InboundEvent) -> None:
    uow = runtime.uow_factory()
    assert isinstance(uow, AlertingUnitOfWork)
    async with uow:
        await subscription().handler([event], uow)
        await uow.commit()


async def rows(runtime: ServiceRuntime, sql: str) -> list[Any]:
    async with runtime.engine.connect() as connection:
        return list(await connection.execute(text(sql)))


async def add_channels(
    client: httpx.AsyncClient, smtp: Mailbox | None, hook: WebhookReceiver | None
) -> dict[str, str]:
    ids = {}
    if smtp is not None:
        response = await client.post(
            "/v1/channels",
            json={"kind": "email", "name": "ops mail", "config": {
                "host": smtp.host, "port": smtp.port, "from_address": "alerts@inventory.local",
                "to": ["ops@example.com", "buyer@example.com"]}},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        ids["email"] = response.json()["id"]
    if hook is not None:
        response = await client.post(
            "/v1/channels",
            json={
                "kind": "webhook",
                "name": "ops hook",
                "config": {"url": hook.url, "secret": SECRET},
            },
        )
        assert response.status_code == 201, response.text
        assert response.json()["config"]["secret"] == "***"
        ids["webhook"] = response.json()["id"]
    return ids


async def dispatch(runtime: ServiceRuntime, rounds: int = 40) -> None:
    settings = runtime.settings
    assert isinstance(settings, AlertingSettings)
    async with httpx.AsyncClient(timeout=settings.notification_timeout_seconds) as http:
        worker = notification_worker(runtime.session_factory, settings, http)
        for _ in range(rounds):
            await worker.deliver_due()
            if not await rows(runtime, "SELECT 1 FROM notifications WHERE status = 'pending'"):
                return
            await asyncio.sleep(0.05)


def attempts_counted() -> dict[tuple[str, str], float]:
    """`inventory_alerting_notification_attempts_total` by (channel kind, outcome)."""
    return {
        (kind, outcome): REGISTRY.get_sample_value(
            "inventory_alerting_notification_attempts_total",
            {"channel_kind": kind, "outcome": outcome},
        )
        or 0.0
        for kind in ("webhook", "email")
        for outcome in ("sent", "retry", "failed")
    }


async def test_breach_twice_gives_one_alert_and_one_email_and_one_webhook(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    smtp_server: Mailbox,
    webhook_receiver: WebhookReceiver,
) -> None:
    await add_channels(client, smtp_server, webhook_receiver)
    await consume(runtime, inbound(BREACH))
    await consume(runtime, inbound(BREACH))
    await dispatch(runtime)

    [alert] = (await client.get("/v1/alerts", params={"status": "raised"})).json()
    assert alert["subject"] == "SKU-1@WH1" and alert["rule_id"] == "low_stock"
    [outbox] = await rows(runtime, "SELECT payload FROM outbox")
    raised = decode_data(decode(outbox.payload))
    assert isinstance(raised, AlertRaised) and raised.alert_id == alert["id"]

    mails = smtp_server.messages  # apprise sends each recipient their own e-mail
    assert sorted(to for mail in mails for to in mail["to"]) == [
        "buyer@example.com",
        "ops@example.com",
    ]
    parsed = email.message_from_bytes(mails[0]["raw"])
    assert "库存低于再订货点 / Stock below reorder point: SKU-1 @ WH1" in subject_of(parsed)
    body = body_of(parsed)
    assert "库存净额 3 ≤ 再订货点 5" in body and "inventory position 3 ≤ reorder point 5" in body

    [hook] = webhook_receiver.received
    headers = hook["headers"]
    assert verify(hook["body"], SECRET, headers["X-Signature"], headers["X-Signature-Timestamp"])
    payload = json.loads(hook["body"])
    assert payload["alert_id"] == alert["id"] and payload["severity"] == "warning"
    assert payload["title"] == "库存低于再订货点 / Stock below reorder point"

    log = (await client.get("/v1/notifications", params={"alert_id": alert["id"]})).json()
    assert sorted((n["channel_kind"], n["status"], n["attempts"]) for n in log) == [
        ("email", "sent", 1),
        ("webhook", "sent", 1),
    ]


async def test_failing_webhook_is_retried_and_email_failure_is_recorded(
    client: httpx.AsyncClient, runtime: ServiceRuntime, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.failures = 2
    await add_channels(client, None, webhook_receiver)
    dead_mail = await client.post(
        "/v1/channels",
        json={"kind": "email", "name": "dead mail", "config": {
            "host": "127.0.0.1", "port": 9, "from_address": "a@b.c", "to": ["x@y.z"]}},
    )  # fmt: skip
    assert dead_mail.status_code == 201
    before = attempts_counted()
    await consume(runtime, inbound(BREACH))
    await dispatch(runtime)
    assert len(webhook_receiver.received) == 3
    log = {n["channel_kind"]: n for n in (await client.get("/v1/notifications")).json()}
    assert (log["webhook"]["status"], log["webhook"]["attempts"]) == ("sent", 3)
    assert (log["email"]["status"], log["email"]["attempts"]) == ("failed", 3)
    assert log["email"]["last_error"]
    counted = {key: n - before[key] for key, n in attempts_counted().items() if n > before[key]}
    assert counted == {
        ("webhook", "retry"): 2,
        ("webhook", "sent"): 1,
        ("email", "retry"): 2,
        ("email", "failed"): 1,
    }
    assert REGISTRY.get_sample_value("inventory_alerting_notifications_pending") == 0


async def test_availability_resolves_the_alert_and_a_new_breach_raises_a_new_one(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    breach_time = datetime.now(UTC)
    await consume(runtime, inbound(BREACH, breach_time))
    recovered = AvailabilityChanged(
        sku="SKU-1", location="WH1", on_hand=Decimal("20"), reserved=Decimal("0"),
        available_to_promise=Decimal("20"), as_of=breach_time + timedelta(seconds=1),
    )  # fmt: skip
    await consume(runtime, inbound(recovered))
    [resolved] = (await client.get("/v1/alerts", params={"status": "resolved"})).json()
    assert resolved["resolution"] == "availability_recovered" and resolved["resolved_at"]
    types = [r.event_type for r in await rows(runtime, "SELECT event_type FROM outbox ORDER BY id")]
    assert types == ["inventory.alert.raised.v1", "inventory.alert.resolved.v1"]
    await consume(runtime, inbound(BREACH))
    assert len((await client.get("/v1/alerts", params={"status": "raised"})).json()) == 1


async def test_acknowledge_resolve_and_rule_changes_over_the_api(
    client: httpx.AsyncClient, runtime: ServiceRuntime, webhook_receiver: WebhookReceiver
) -> None:
    ids = await add_channels(client, None, webhook_receiver)
    rejected = ReservationRejected(order_id="SO-9", reason="insufficient_stock", message="short")
    await consume(runtime, inbound(rejected))
    [alert] = (await client.get("/v1/alerts", params={"subject": "SO-9"})).json()
    acked = await client.post(f"/v1/alerts/{alert['id']}/acknowledge")
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    resolved = await client.post(f"/v1/alerts/{alert['id']}/resolve")
    assert resolved.status_code == 200 and resolved.json()["resolution"] == "manual"
    assert (await client.post(f"/v1/alerts/{alert['id']}/resolve")).status_code == 409
    assert (await client.post("/v1/alerts/alr_nope/acknowledge")).status_code == 404

    rules = {r["id"]: r for r in (await client.get("/v1/rules")).json()}
    assert set(rules) == {
        "low_stock", "reservation_rejected", "class_a_sell_through_drop", "dead_stock",
        "stock_over_365_days",
    }  # fmt: skip
    assert rules["low_stock"]["severity"] == "warning" and rules["low_stock"]["channel_ids"] == []
    unknown = await client.put("/v1/rules/low_stock", json={"channel_ids": ["chn_nope"]})
    assert unknown.status_code == 422 and "chn_nope" in unknown.text
    assert (await client.put("/v1/rules/nope", json={"enabled": False})).status_code == 404
    changed = await client.put(
        "/v1/rules/low_stock", json={"channel_ids": [ids["webhook"]], "severity": "critical"}
    )
    assert changed.status_code == 200 and changed.json()["severity"] == "critical"
    off = await client.put("/v1/rules/reservation_rejected", json={"enabled": False})
    assert off.json()["enabled"] is False
    await consume(runtime, inbound(rejected.model_copy(update={"order_id": "SO-10"})))
    assert (await client.get("/v1/alerts", params={"subject": "SO-10"})).json() == []


async def test_channel_validation_and_replacement(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    bad_kind = await client.post("/v1/channels", json={"kind": "pigeon", "name": "x", "config": {}})
    assert bad_kind.status_code == 422
    bad_mail = await client.post(
        "/v1/channels",
        json={
            "kind": "email",
            "name": "m",
            "config": {"host": "127.0.0.1", "from_address": "nope", "to": []},
        },
    )
    assert bad_mail.status_code == 422
    fields = {p["field"] for p in bad_mail.json()["detail"]}
    assert any(f.endswith("from_address") for f in fields) and any(f.endswith("to") for f in fields)
    created = (await client.post(
        "/v1/channels", json={"kind": "webhook", "name": "h", "config": {"url": "http://127.0.0.1:9/a"}}
    )).json()  # fmt: skip
    replaced = await client.put(
        f"/v1/channels/{created['id']}",
        json={
            "kind": "webhook",
            "name": "h2",
            "enabled": False,
            "config": {"url": "http://127.0.0.1:9/b"},
        },
    )
    assert replaced.status_code == 200
    assert (replaced.json()["name"], replaced.json()["enabled"]) == ("h2", False)
    missing = await client.put(
        "/v1/channels/chn_nope",
        json={"kind": "webhook", "name": "z", "config": {"url": "http://127.0.0.1:9/"}},
    )
    assert missing.status_code == 404
    broken = await client.post(
        "/v1/channels", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
