"""The dashboards and alert rules against the running services, through a real Prometheus.

Debian's prometheus (`make prometheus`) is started on a free port with the shipped
deploy/prometheus/prometheus.yml and alerts.yml, its six service jobs pointed at the running
stack (`make up`). While it scrapes every second, the demo story runs (scripts/demo.py: master
data, receipts, orders reserved and rejected, a requisition, its approvals, a purchase order to
a stand-in ERP, a goods receipt, alerts by webhook and e-mail) and a planning run is started.
Then:

* every metric a panel or an alert rule names is one a service's /metrics declares;
* every panel query runs and returns data, and every series an alert rule reads exists,
  except the error signals a healthy run does not produce (QUIET: 5xx, dead letters, retries,
  publish failures, task restarts) and the business figures the short story cannot make
  (QUIET, each with its reason), whose queries must still run without error.

The same queries against an in-process exporter (no stack needed): tests/deploy/
test_prometheus_live.py.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from inventory_testkit.platform import PORTS, http, poll

from tests.deploy.artifacts import ROOT, SERVICES
from tests.deploy.prometheus_server import (
    NamedQuery,
    Prometheus,
    alert_queries,
    dashboard_queries,
    metric_family,
    running_prometheus,
    scrape_config,
    selectors_of,
)
from tests.deploy.promql import parse_promql

QUIET = (
    r'status=~"5\.\."',  # no 5xx in a healthy run
    r"inventory_dlq_messages_total",  # nothing dead-lettered
    r"inventory_outbox_publish_failures_total",  # the broker takes every event
    r'outcome="retry"|outcome=~"dlq\|retry"',  # no handler retries
    r"inventory_supplier_on_time_rate",  # the story's purchase order is not due yet
    r"inventory_forecast_(error|bias)",  # needs periods of demand history to measure
    r"inventory_stock_days_of_supply",  # undefined until stock is issued
    r"inventory_gateway_throttled_requests_total",  # no client over its rate limit
    r"inventory_background_task_restarts_total",  # nothing crashes in a healthy run
    r"inventory_week_",  # last week's figures: read every 10 minutes, from a complete week
)


def quiet(expr: str) -> bool:
    return any(re.search(pattern, expr) for pattern in QUIET)


def exported_families() -> set[str]:
    """The metric families the running services declare on /metrics (HELP lines)."""
    families = {"up"}
    for service, port in PORTS.items():
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        found = set(re.findall(r"^# HELP (\S+)", text, re.M))
        assert found, f"{service} exports no metric"
        families |= found
    return families


async def planning_run() -> None:
    async with http("replenishment") as client:
        started = await client.post("/v1/planning/runs")
        assert started.status_code in (202, 409), started.text
        if started.status_code == 202:
            run_id = started.json()["run_id"]

            run = await poll(
                lambda: client.get(f"/v1/planning/runs/{run_id}"),
                lambda r: r.json()["status"] in ("succeeded", "failed"),
                timeout=120,
                what="the planning run to finish",
            )
            assert run.json()["status"] == "succeeded", run.text


@pytest.fixture(scope="module")
async def prometheus(
    services_up: None, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Prometheus]:
    workdir: Path = tmp_path_factory.mktemp("prometheus-stack")
    job_targets = {service: f"127.0.0.1:{PORTS[service]}" for service in SERVICES}
    with running_prometheus(scrape_config(job_targets), workdir) as prom:
        prom.wait_for_scrapes(3)
        demo = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "scripts" / "demo.py"),
            kafka_bootstrap,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(demo.communicate(), timeout=400)
        assert demo.returncode == 0, output.decode()[-4000:]
        await planning_run()
        # the business gauges are re-read every 30 s: wait for a round after the story
        prom.wait_for_scrapes(prom.scrape_count() + 35)
        yield prom


def test_every_service_is_scraped(prometheus: Prometheus) -> None:
    assert prometheus.targets_up() == dict.fromkeys(SERVICES, "up")


def test_every_metric_the_queries_name_is_exported(prometheus: Prometheus) -> None:
    families = exported_families()
    for query in dashboard_queries() + alert_queries():
        for series, _ in parse_promql(query.expr).selectors:
            assert metric_family(series, families), f"{query.where}: no service exports {series}"


@pytest.mark.parametrize("query", dashboard_queries(), ids=lambda q: q.where)
def test_dashboard_query_returns_data(prometheus: Prometheus, query: NamedQuery) -> None:
    result = prometheus.query(query.expr)
    assert result or quiet(query.expr), f"{query.where}: no data for {query.expr}"


@pytest.mark.parametrize("query", alert_queries(), ids=lambda q: q.where)
def test_alert_rule_runs_on_series_that_exist(prometheus: Prometheus, query: NamedQuery) -> None:
    prometheus.query(query.expr)
    for selector in selectors_of(query.expr):
        assert prometheus.query(selector) or quiet(selector), f"{query.where}: no {selector}"
    rule = prometheus.rules()[query.where.removeprefix("alert ")]
    assert rule["health"] != "err", rule.get("lastError")
