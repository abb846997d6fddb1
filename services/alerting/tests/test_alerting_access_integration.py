"""Who may do what on alerting, tried as an attacker would: the wrong role changes nothing, and
who acted is always the token's login."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.auth.testing import TEST_ISSUER, other_key

from .conftest import WebhookReceiver, client_of
from .test_alerting_integration import consume, inbound, rows

pytestmark = pytest.mark.integration

BREACH = StockBelowThreshold(
    sku="SKU-7", location="WH1", inventory_position=Decimal("1"), on_hand=Decimal("1"),
    reserved=Decimal("0"), on_order=Decimal("0"), reorder_point=Decimal("5"),
)  # fmt: skip


def _webhook(url: str, name: str = "planner hook") -> dict[str, object]:
    return {"kind": "webhook", "name": name, "config": {"url": url, "secret": "s3cret-value"}}


async def test_a_planner_cannot_add_or_list_channels(
    app: FastAPI, runtime: ServiceRuntime, webhook_receiver: WebhookReceiver
) -> None:
    async with client_of(app, "planner", login="sun.planner") as planner:
        added = await planner.post("/v1/channels", json=_webhook(webhook_receiver.url))
        assert added.status_code == 403 and "channels:admin" in added.json()["detail"]
        assert (await planner.get("/v1/channels")).status_code == 403
        replaced = await planner.put("/v1/channels/chn_x", json=_webhook(webhook_receiver.url))
        assert replaced.status_code == 403
    assert await rows(runtime, "SELECT id FROM channels") == []


async def test_an_operator_reads_alerts_but_cannot_change_them_or_rules(
    app: FastAPI, runtime: ServiceRuntime
) -> None:
    await consume(runtime, inbound(BREACH))
    async with client_of(app, "operator", login="zhao.op") as operator:
        [alert] = (await operator.get("/v1/alerts", params={"subject": "SKU-7@WH1"})).json()
        assert (await operator.get("/v1/rules")).status_code == 200
        assert (await operator.post(f"/v1/alerts/{alert['id']}/acknowledge")).status_code == 403
        assert (await operator.post(f"/v1/alerts/{alert['id']}/resolve")).status_code == 403
        off = await operator.put("/v1/rules/low_stock", json={"enabled": False})
        assert off.status_code == 403
    [(status,)] = await rows(runtime, f"SELECT status FROM alerts WHERE id = '{alert['id']}'")
    assert status == "raised"
    assert await rows(runtime, "SELECT id FROM rules WHERE NOT enabled") == []


async def test_who_acknowledged_and_resolved_is_the_tokens_login(
    app: FastAPI, runtime: ServiceRuntime
) -> None:
    await consume(runtime, inbound(BREACH))
    async with client_of(app, "planner", login="sun.planner") as planner:
        [alert] = (await planner.get("/v1/alerts", params={"subject": "SKU-7@WH1"})).json()
        path = f"/v1/alerts/{alert['id']}"
        forged = {"acknowledged_by": "wang.manager", "actor": "wang.manager"}
        acked = await planner.post(f"{path}/acknowledge", json=forged)
        assert acked.status_code == 200, acked.text
        assert acked.json()["acknowledged_by"] == "sun.planner"
    async with client_of(app, "admin", login="wu.admin") as admin:
        resolved = (await admin.post(f"{path}/resolve", json={"resolved_by": "nobody"})).json()
    assert (resolved["acknowledged_by"], resolved["resolved_by"]) == ("sun.planner", "wu.admin")


@pytest.mark.parametrize(
    "token",
    [
        TEST_ISSUER.token("admin", login="late.admin", expires_in=-120),
        TEST_ISSUER.token("admin", login="forged.admin", key=other_key()),
    ],
    ids=["expired", "forged"],
)
async def test_without_a_valid_token_nothing_is_answered_or_stored(
    app: FastAPI, runtime: ServiceRuntime, webhook_receiver: WebhookReceiver, token: str
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://alerting") as anonymous:
        assert (await anonymous.get("/v1/alerts")).status_code == 401
        headers = {"Authorization": f"Bearer {token}"}
        sent = await anonymous.post(
            "/v1/channels", json=_webhook(webhook_receiver.url), headers=headers
        )
        assert sent.status_code == 401 and sent.headers["WWW-Authenticate"].startswith("Bearer")
    assert await rows(runtime, "SELECT id FROM channels") == []


async def test_channel_changes_are_audited_without_their_secrets(
    app: FastAPI, webhook_receiver: WebhookReceiver
) -> None:
    url = webhook_receiver.url.replace("http://", "http://hook-user:url-pass-77@")
    async with client_of(app, "admin", login="wu.admin") as admin:
        created = (await admin.post("/v1/channels", json=_webhook(url, "audited hook"))).json()
        email = {
            "kind": "email",
            "name": "audited mail",
            "config": {"host": "127.0.0.1", "from_address": "a@inventory.local",
                       "to": ["ops@example.com"], "username": "mailer", "password": "smtp-pw-99"},
        }  # fmt: skip
        assert (await admin.post("/v1/channels", json=email)).status_code == 201
        replaced = {**_webhook(url, "audited hook 2"), "enabled": False}
        assert (await admin.put(f"/v1/channels/{created['id']}", json=replaced)).status_code == 200
    async with client_of(app, "auditor", login="qian.auditor") as auditor:
        page = await auditor.get("/v1/audit", params={"entity_type": "channel"})
    assert page.status_code == 200, page.text
    for secret in ("s3cret-value", "url-pass-77", "smtp-pw-99", "enc:v1"):
        assert secret not in page.text
    by_id = [e for e in page.json()["entries"] if e["entity_id"] == created["id"]]
    update, create = by_id  # newest first
    assert (create["action"], create["actor"], create["before"]) == ("create", "wu.admin", None)
    assert create["after"]["config"]["secret"] == "***"
    assert create["after"]["config"]["url"].startswith("http://hook-user:***@")
    assert (update["action"], update["before"]["name"], update["after"]["name"]) == (
        "update",
        "audited hook",
        "audited hook 2",
    )
    assert (update["before"]["enabled"], update["after"]["enabled"]) == (True, False)


async def test_rule_changes_are_audited_with_before_and_after(app: FastAPI) -> None:
    async with client_of(app, "planner", login="sun.planner") as planner:
        changed = await planner.put("/v1/rules/low_stock", json={"severity": "critical"})
        assert changed.status_code == 200
        forged = await planner.put(
            "/v1/rules/low_stock", json={"enabled": False, "changed_by": "wang.manager"}
        )
        assert forged.status_code == 422  # bodies refuse unknown fields, actor fields included
        assert (await planner.get("/v1/audit")).status_code == 403
    async with client_of(app, "auditor", login="qian.auditor") as auditor:
        page = await auditor.get(
            "/v1/audit", params={"entity_type": "rule", "actor": "sun.planner"}
        )
    [entry] = page.json()["entries"]
    assert (entry["entity_id"], entry["action"]) == ("low_stock", "update")
    assert (entry["before"]["severity"], entry["after"]["severity"]) == ("warning", "critical")
    assert entry["after"]["enabled"] is True


async def test_acknowledging_is_audited_under_the_tokens_login(
    app: FastAPI, runtime: ServiceRuntime
) -> None:
    await consume(runtime, inbound(BREACH.model_copy(update={"sku": "SKU-8"})))
    async with client_of(app, "planner", login="sun.planner") as planner:
        [alert] = (await planner.get("/v1/alerts", params={"subject": "SKU-8@WH1"})).json()
        await planner.post(f"/v1/alerts/{alert['id']}/acknowledge")
    async with client_of(app, "auditor", login="qian.auditor") as auditor:
        page = await auditor.get("/v1/audit", params={"entity_id": alert["id"]})
    [entry] = page.json()["entries"]
    assert (entry["actor"], entry["action"], entry["entity_type"]) == (
        "sun.planner",
        "acknowledge",
        "alert",
    )
    assert (entry["before"]["status"], entry["after"]["status"]) == ("raised", "acknowledged")
