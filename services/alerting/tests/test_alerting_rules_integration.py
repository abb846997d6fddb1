"""KPI rules over the API on PostgreSQL: validation, versions, evaluation on movements, cooldown,
snooze, escalation and quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from alerting.adapters.rule_job import run_due
from alerting.handlers.rules import escalate, evaluate_due
from fastapi import FastAPI
from inventory_contracts.events.orders import OrderLine
from inventory_contracts.events.reservations import (
    BackorderFilled,
    FilledLine,
    ReservedLine,
    StockReserved,
)
from inventory_runtime.app import ServiceRuntime
from prometheus_client import REGISTRY

from .conftest import client_of
from .kpi_events import consume, moved
from .test_alerting_integration import rows

pytestmark = pytest.mark.integration

TODAY = date.today()
LOW = {"kind": "threshold", "kpi": "on_hand", "op": "<=", "value": 5}


def low_stock_rule(**fields: Any) -> dict[str, Any]:
    return {"id": "tea_low", "name_zh": "茶叶现存量过低", "name_en": "Tea on hand low",
            "enabled": True, "scope": {"skus": ["TEA-1"]}, "condition": LOW, **fields}  # fmt: skip


async def channel(client: httpx.AsyncClient, name: str) -> str:
    body = {"kind": "webhook", "name": name, "config": {"url": f"http://127.0.0.1:9/{name}"}}
    response = await client.post("/v1/channels", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_rules_are_validated_field_by_field_and_versioned(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    bad = low_stock_rule(dedupe_key="{warehouse}", condition={**LOW, "kpi": "stock"})
    response = await client.post("/v1/rules", json=bad)
    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json()["detail"]}
    assert {"body.dedupe_key", "body.condition.threshold.kpi"} <= fields
    routed = low_stock_rule(routes=[{"channel_ids": ["chn_nope"]}])
    response = await client.post("/v1/rules", json=routed)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body.routes.0.channel_ids"

    async with client_of(app, "operator") as operator:
        assert (await operator.post("/v1/rules", json=low_stock_rule())).status_code == 403
    async with client_of(app, "planner", login="sun.planner") as planner:
        created = await planner.post("/v1/rules", json=low_stock_rule(enabled=False))
        assert created.status_code == 201, created.text
        assert (created.json()["version"], created.json()["enabled"]) == (1, False)
        definition = {**low_stock_rule(enabled=False), "severity": "critical"}
        del definition["id"]  # the path names the rule
        replaced = await planner.put("/v1/rules/tea_low/definition", json=definition)
        assert replaced.json()["version"] == 2
        assert (await planner.post("/v1/rules/tea_low/enable")).json()["enabled"] is True
        taken = await planner.post("/v1/rules", json=low_stock_rule())
        assert taken.status_code == 409
        built_in = await planner.put("/v1/rules/low_stock/definition", json=definition)
        assert built_in.status_code == 409
    versions = (await client.get("/v1/rules/tea_low/versions")).json()
    assert [(v["version"], v["changed_by"]) for v in versions] == [
        (1, "sun.planner"), (2, "sun.planner"), (3, "sun.planner"),
    ]  # fmt: skip
    assert versions[1]["definition"]["severity"] == "critical"
    assert (await client.delete("/v1/rules/tea_low")).status_code == 204
    assert (await client.get("/v1/rules/tea_low")).status_code == 404


async def test_a_per_item_rule_fires_on_the_movement_resolves_on_recovery_and_cools_down(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    hook = await channel(client, "buyer")
    created = await client.post("/v1/rules", json=low_stock_rule(cooldown_minutes=60,
                                                                 channel_ids=[hook]))  # fmt: skip
    assert created.status_code == 201, created.text
    await consume(runtime, moved("TEA-1", "SH", TODAY, 20, 20), moved("TEA-1", "SH", TODAY, -17, 3))
    [alert] = (await client.get("/v1/alerts", params={"rule_id": "tea_low"})).json()
    assert (alert["subject"], alert["status"]) == ("TEA-1@SH", "raised")
    assert alert["details"]["items"][0]["on_hand"] == "3"
    assert [n["channel_id"] for n in (await client.get("/v1/notifications")).json()] == [hook]

    await consume(runtime, moved("TEA-1", "SH", TODAY, 40, 43))
    [alert] = (await client.get("/v1/alerts", params={"rule_id": "tea_low"})).json()
    assert alert["resolution"] == "condition_recovered"
    counted = {"rule_id": "tea_low", "action": "resolved"}
    assert (REGISTRY.get_sample_value("inventory_alerting_kpi_alerts_total", counted) or 0) >= 1
    await consume(runtime, moved("TEA-1", "SH", TODAY, -41, 2))  # low again within the cooldown
    assert len((await client.get("/v1/alerts", params={"rule_id": "tea_low"})).json()) == 1
    assert (await client.delete("/v1/rules/tea_low")).status_code == 409  # it has alerts


async def test_unacknowledged_alerts_escalate_unless_snoozed_and_quiet_hours_hold_messages(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    night, boss = await channel(client, "night"), await channel(client, "boss")
    always_quiet = {"start": "00:00", "end": "23:59", "timezone": "UTC"}
    rule = low_stock_rule(
        scope={"skus": ["TEA-1", "TEA-2"]},
        routes=[{"channel_ids": [night], "quiet_hours": always_quiet}],
        escalation={"after_minutes": 30, "channel_ids": [boss]},
    )
    assert (await client.post("/v1/rules", json=rule)).status_code == 201
    for sku in ("TEA-1", "TEA-2"):
        await consume(runtime, moved(sku, "SH", TODAY, 2, 2))
    alerts = {a["subject"]: a for a in (await client.get("/v1/alerts")).json()}
    held = await rows(runtime, "SELECT next_attempt_at FROM notifications")
    assert all(row[0] > datetime.now(UTC) + timedelta(hours=1) for row in held) and held
    snoozed = await client.post(f"/v1/alerts/{alerts['TEA-2@SH']['id']}/snooze",
                                json={"minutes": 120})  # fmt: skip
    assert snoozed.json()["snoozed_by"] == "wu.admin"

    later = datetime.now(UTC) + timedelta(minutes=45)
    await run_due(runtime.uow_factory, evaluate_due, escalate, lambda: later)
    sent_to_boss = await rows(
        runtime, f"SELECT a.subject FROM notifications n JOIN alerts a ON a.id = n.alert_id "
        f"WHERE n.channel_id = '{boss}'",
    )  # fmt: skip
    assert [row[0] for row in sent_to_boss] == ["TEA-1@SH"]
    [escalated] = (await client.get("/v1/alerts", params={"subject": "TEA-1@SH"})).json()
    assert escalated["escalated_at"] is not None


async def test_a_backtest_is_for_who_writes_rules(app: FastAPI) -> None:
    async with client_of(app, "operator") as operator:
        refused = await operator.post("/v1/rules/dead_stock/backtest", params={"weeks": 4})
    assert refused.status_code == 403
    async with client_of(app, "planner") as planner:
        idle = {"name_zh": "x", "name_en": "x", "condition": {"kind": "absence", "days": 30}}
        tried = await planner.post("/v1/rules/backtest", params={"weeks": 4}, json=idle)
        assert tried.status_code == 200, tried.text
        assert (tried.json()["weeks"], len(tried.json()["evaluated_on"])) == (4, 4)
        too_long = await planner.post("/v1/rules/dead_stock/backtest", params={"weeks": 500})
    assert too_long.status_code == 422


async def test_backorders_are_evaluated_when_they_open_and_when_they_are_filled(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    waiting = {"kind": "threshold", "kpi": "backorder_open", "op": ">", "value": 0}
    assert (
        await client.post("/v1/rules", json=low_stock_rule(condition=waiting))
    ).status_code == 201
    line = OrderLine(sku="TEA-1", location="SH", quantity=D(4))
    reserved = StockReserved(
        order_id="SO-1", reservation_id="RS-1", partial=True, backordered_lines=(line,),
        lines=(ReservedLine(sku="TEA-1", location="SH", requested=D(6), reserved=D(2)),),
    )  # fmt: skip
    await consume(runtime, reserved)
    [alert] = (await client.get("/v1/alerts", params={"rule_id": "tea_low"})).json()
    assert alert["details"]["items"][0]["backorder_open"] == "4"
    filled = BackorderFilled(
        order_id="SO-1", reservation_id="RS-1",
        lines=(FilledLine(sku="TEA-1", location="SH", quantity=D(4), still_backordered=D(0)),),
    )  # fmt: skip
    await consume(runtime, filled)
    [alert] = (await client.get("/v1/alerts", params={"rule_id": "tea_low"})).json()
    assert alert["status"] == "resolved"
