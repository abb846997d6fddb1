"""The KPI store on PostgreSQL, fed by the consumer, read over the API."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI
from inventory_runtime.app import ServiceRuntime

from .conftest import client_of
from .kpi_events import consume, item, moved

pytestmark = pytest.mark.integration

MONDAY = date(2026, 11, 2)


def on(n: int) -> date:
    return MONDAY + timedelta(days=n)


async def test_weekly_kpis_by_item_and_by_abc_class_from_movements(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    await consume(
        runtime,
        item("TEA-1", "tea", "A"), item("TEA-2", "tea", "A"), item("CUP-1", "cups", "C"),
        moved("TEA-1", "SH", on(-3), 40, 40),
        moved("TEA-1", "SH", on(1), 60, 100), moved("TEA-1", "SH", on(3), -75, 25),
        moved("TEA-2", "SH", on(0), 50, 50), moved("TEA-2", "SH", on(2), -25, 25),
        moved("CUP-1", "BJ", on(0), 10, 10),
    )  # fmt: skip
    query = {"from": "2026-11-02", "to": "2026-11-08"}
    response = await client.get("/v1/kpis", params=query)
    assert response.status_code == 200, response.text
    by_item = {row["group"]: row for row in response.json() if row["period"] == "2026-W45"}
    tea = by_item["TEA-1@SH"]
    assert (tea["opening"], tea["received"], tea["consumed"], tea["sell_through"]) == (
        "40", "60", "75", "0.7500",
    )  # fmt: skip
    response = await client.get("/v1/kpis", params={**query, "group": "abc_class"})
    classes = {row["group"]: row for row in response.json()}
    # (75 + 25) consumed / (40 + 0 opening + 60 + 50 received) = 0.6667
    assert classes["A"]["sell_through"] == "0.6667"
    assert classes["C"]["consumed"] == "0"


async def test_stock_points_show_days_since_movement_and_aging(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    today = date.today()
    await consume(runtime, moved("OLD-1", "SH", today - timedelta(days=200), 12, 12))
    response = await client.get("/v1/kpis/stock-points", params={"sku": "OLD-1"})
    [point] = response.json()
    assert point["days_since_movement"] == 200
    assert point["aging"]["181-365"] == "12"
    assert point["on_hand"] == "12"


async def test_kpis_need_planning_read_and_refuse_a_reversed_window(app: FastAPI) -> None:
    async with client_of(app, "operator") as operator:
        assert (await operator.get("/v1/kpis")).status_code == 403
    async with client_of(app, "auditor") as auditor:
        response = await auditor.get("/v1/kpis", params={"from": "2026-11-09", "to": "2026-11-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "query.from"
