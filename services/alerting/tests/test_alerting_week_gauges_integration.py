"""The weekly business gauges on PostgreSQL: last week's sell-through, consumption, receipts
and stockout days by location, category and class, the same figures as GET /v1/kpis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from alerting import metrics
from alerting.metrics import refresh
from inventory_runtime.app import ServiceRuntime
from prometheus_client import REGISTRY

from .kpi_events import consume, item, moved

pytestmark = pytest.mark.integration


def gauge(name: str, location: str, category: str, abc_class: str) -> float | None:
    labels = {"location": location, "category": category, "class": abc_class}
    return REGISTRY.get_sample_value(f"inventory_week_{name}", labels)


async def test_last_weeks_kpis_by_location_category_and_class_match_the_api(
    runtime: ServiceRuntime, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday() + 7)  # last week's, complete
    await consume(
        runtime,
        item("TEA-1", "tea", "A"), item("TEA-2", "tea", "A"), item("CUP-1", "cups", "C"),
        moved("TEA-1", "SH", monday - timedelta(days=3), 40, 40),
        moved("TEA-1", "SH", monday + timedelta(days=1), 60, 100),
        moved("TEA-1", "SH", monday + timedelta(days=3), -75, 25),
        moved("TEA-2", "SH", monday, 50, 50),
        moved("TEA-2", "SH", monday + timedelta(days=2), -25, 25),
        moved("CUP-1", "BJ", monday, 10, 10),
        moved("TEA-1", "SH", today, -5, 20),  # this week: not in last week's figures
    )  # fmt: skip

    monkeypatch.setattr(metrics, "_weeks_read_at", [])  # read now, whatever ran before
    await refresh(runtime.session_factory)

    # (75 + 25) consumed / (40 opening + 60 + 50 received) = 0.6667, as the worked example
    assert gauge("sell_through_ratio", "SH", "tea", "A") == pytest.approx(0.6667)
    assert gauge("consumed_units", "SH", "tea", "A") == 100
    assert gauge("received_units", "SH", "tea", "A") == 110
    assert gauge("stockout_days", "SH", "tea", "A") == 0
    assert gauge("sell_through_ratio", "BJ", "cups", "C") == 0
    week = {"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()}
    response = await client.get("/v1/kpis", params={**week, "group": "abc_class"})
    [class_a] = [row for row in response.json() if row["group"] == "A"]
    assert class_a["sell_through"] == "0.6667"  # the API's figure for the same week
