"""Forecast error and bias from replenishment's measurements, on PostgreSQL: stored per stock
point and period, read per item and rolled up by ABC class."""

from __future__ import annotations

from datetime import date, timedelta
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
