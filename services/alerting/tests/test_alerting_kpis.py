"""Alerting's business gauge on the real PostgreSQL: open alerts by severity, after one
refresh, read from the in-process app's /metrics as Prometheus reads it."""

from __future__ import annotations

import httpx
import pytest
from alerting import metrics
from inventory_runtime.app import ServiceRuntime
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

pytestmark = pytest.mark.integration

ALERT = """
INSERT INTO alerts (id, rule_id, subject, status, severity, title_zh, title_en, message_zh,
                    message_en)
VALUES (:id, 'low_stock', :id, :status, :severity, '库存低', 'Low stock', '库存低', 'Low stock')
"""


async def open_alerts(client: httpx.AsyncClient, runtime: ServiceRuntime) -> dict[str, float]:
    await metrics.refresh(runtime.session_factory)
    body = (await client.get("/metrics")).text
    return {
        sample.labels["severity"]: sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "inventory_alerts_open"
    }


async def test_open_alerts_by_severity(client: httpx.AsyncClient, runtime: ServiceRuntime) -> None:
    assert await open_alerts(client, runtime) == {"info": 0, "warning": 0, "critical": 0}

    async with runtime.session_factory.begin() as session:
        for n, (status, severity) in enumerate(
            [
                ("raised", "warning"),
                ("acknowledged", "warning"),
                ("raised", "critical"),
                ("resolved", "critical"),  # closed: not counted
            ]
        ):
            params = {"id": f"KPI-{n}", "status": status, "severity": severity}
            await session.execute(text(ALERT), params)

    assert await open_alerts(client, runtime) == {"info": 0, "warning": 2, "critical": 1}
