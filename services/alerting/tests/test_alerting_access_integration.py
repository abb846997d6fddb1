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
