"""Forecast error and bias from replenishment's measurements, on PostgreSQL: stored per stock
point and period, read per item and rolled up by ABC class, and named by rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import httpx
import pytest
from inventory_contracts.events.replenishment import ForecastAccuracyMeasured
from inventory_runtime.app import ServiceRuntime

from .kpi_events import consume, item, moved

pytestmark = pytest.mark.integration

WEEK = date(2026, 11, 23)


def measured(sku: str, forecast: int, actual: int, start: date = WEEK) -> ForecastAccuracyMeasured:
    return ForecastAccuracyMeasured(
        sku=sku, location="SH", period="week", period_start=start, forecast=D(forecast),
        actual=D(actual), forecast_run_id="PLAN-1",
    )  # fmt: skip


async def test_forecast_error_and_bias_per_item_and_by_abc_class(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    await consume(
        runtime,
        item("TEA-F1", "tea", "A"), item("TEA-F2", "tea", "A"), item("CUP-F3", "cups", "C"),
        *(moved(sku, "SH", WEEK, 100, 100) for sku in ("TEA-F1", "TEA-F2", "CUP-F3")),
        measured("TEA-F1", 40, 30), measured("TEA-F2", 10, 18), measured("CUP-F3", 5, 0),
        measured("TEA-F1", 40, 32),  # measured again: the later one stands
        measured("TEA-F1", 35, 35, WEEK - timedelta(weeks=1)),
    )  # fmt: skip
    window = {"from": (WEEK - timedelta(weeks=1)).isoformat(), "to": WEEK.isoformat()}

    per_item = await client.get("/v1/kpis/forecasts", params={**window, "sku": "TEA-F1"})
    assert per_item.status_code == 200, per_item.text
    got = [(r["group"], r["period"], r["absolute_error"], r["bias"], r["wape"])
           for r in per_item.json()]  # fmt: skip
    assert got == [("TEA-F1@SH", "2026-W47", "0", "0", "0.0000"),
                   ("TEA-F1@SH", "2026-W48", "8", "8", "0.2500")]  # fmt: skip

    classes = await client.get(
        "/v1/kpis/forecasts", params={**window, "group": "abc_class", "from": WEEK.isoformat()}
    )
    by_class = {r["group"]: r for r in classes.json()}
    assert (by_class["A"]["points"], by_class["A"]["forecast"], by_class["A"]["actual"]) == (
        2, "50", "50",
    )  # fmt: skip
    assert (by_class["A"]["absolute_error"], by_class["A"]["bias"]) == ("16", "0")
    assert (by_class["A"]["wape"], by_class["A"]["bias_percent"]) == ("0.3200", "0.00")
    assert (by_class["C"]["wape"], by_class["C"]["bias"]) == (None, "5")

    backwards = {"from": "2026-12-01", "to": "2026-11-01"}
    reversed_window = await client.get("/v1/kpis/forecasts", params=backwards)
    assert reversed_window.status_code == 422 and "from" in reversed_window.text


LAST_MONDAY = datetime.now(UTC).date() - timedelta(days=datetime.now(UTC).weekday() + 7)
BIAS_RULE = {
    "id": "class_a_bias", "name_zh": "A 类物料预测偏差超过 +30%",
    "name_en": "Class A forecast bias over +30 %", "enabled": True, "team": "planning",
    "scope": {"abc_classes": ["A"]},
    "condition": {"kind": "threshold", "kpi": "forecast_bias", "period": "week", "op": ">",
                  "value": 30},
}  # fmt: skip


async def test_a_rule_on_forecast_bias_fires_for_the_right_stock_point_on_the_measurement(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    await consume(
        runtime,
        item("TEA-B1", "tea", "A"), item("TEA-B2", "tea", "A"), item("CUP-B3", "cups", "C"),
        *(moved(sku, "SH", LAST_MONDAY, 100, 100) for sku in ("TEA-B1", "TEA-B2", "CUP-B3")),
    )  # fmt: skip
    created = await client.post("/v1/rules", json=BIAS_RULE)
    assert created.status_code == 201, created.text
    await consume(
        runtime,
        measured("TEA-B1", 40, 20, LAST_MONDAY),  # +100 %: fires
        measured("TEA-B2", 40, 35, LAST_MONDAY),  # +14.29 %: under the threshold
        measured("CUP-B3", 40, 20, LAST_MONDAY),  # +100 %, but class C
    )  # fmt: skip

    alerts = (await client.get("/v1/alerts", params={"rule_id": "class_a_bias"})).json()
    assert [a["subject"] for a in alerts] == ["TEA-B1@SH"]
    [figures] = alerts[0]["details"]["items"]
    assert list(figures["forecast_bias"].values())[-1] == "100"
    tried = await client.post("/v1/rules/class_a_bias/backtest", params={"weeks": 1})
    assert tried.status_code == 200, tried.text
    raised = [h for h in tried.json()["happenings"] if h["action"] == "raised"]
    assert [h["items"] for h in raised] == [["TEA-B1@SH"]]

    wrong = {**BIAS_RULE, "id": "class_a_bias_2", "condition": {
        "kind": "change", "kpi": "forecast_bias_pct", "op": ">", "percent": 10}}  # fmt: skip
    response = await client.post("/v1/rules", json=wrong)
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["detail"]} == {"body.condition.change.kpi"}
