"""The PromQL of every dashboard panel and alert rule, run by a real Prometheus.

Debian's prometheus (scripts/prometheus.sh) scrapes, with the shipped prometheus.yml and
alerts.yml, an in-process exporter serving the process's default registry: the runtime's
metrics and every service's `metrics` module, the same objects a service's /metrics serves.
A driver gives every metric the label values the queries ask for and keeps counters and
histograms moving, so rate() has something to work on. Then every panel query returns data,
every series an alert rule reads returns data, Prometheus loaded every rule without error, and
every metric a query names is one the services define. The same queries against the running
services: tests/e2e/test_prometheus_stack.py.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server

from tests.deploy.artifacts import SERVICES, conventions
from tests.deploy.exported import defined_metrics
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

REGEX_CANDIDATES = ("500", "404", "200", "0", "sample")


def label_value(op: str, value: str, enum: frozenset[str] | None) -> str:
    """A value that satisfies one matcher (free labels get "sample")."""
    default = sorted(enum)[0] if enum else "sample"
    if op == "=":
        return value
    if op == "=~":
        options = [v.replace("\\.", ".") for v in value.split("|")]
        return next(c for c in (*options, default, *REGEX_CANDIDATES) if re.fullmatch(value, c))
    return next(c for c in (default, *REGEX_CANDIDATES) if not re.fullmatch(value, c))


def wanted_label_sets(queries: list[str]) -> dict[str, list[dict[str, str]]]:
    """metric family -> the label sets that satisfy each selector the queries make of it."""
    families = defined_metrics()
    wanted: dict[str, list[dict[str, str]]] = {}
    for expr in queries:
        for series, matchers in parse_promql(expr).selectors:
            family = metric_family(series, set(families))
            documented = conventions().metrics.get(family or "") or conventions().metrics.get(
                re.sub(r"_total$", "", family or "")
            )
            if family is None or documented is None:
                continue
            by_label = {label: (op, value) for label, op, value in matchers}
            labels = {
                label: label_value(*by_label.get(label, ("!=", "")), enum)
                for label, enum in documented.labels.items()
            }
            wanted.setdefault(family, []).append(labels)
    return wanted


class Driver:
    """Moves every wanted series a little every `period` seconds."""

    def __init__(self, wanted: dict[str, list[dict[str, str]]], period: float = 0.3) -> None:
        self.children = [
            defined_metrics()[family].labels(**labels) if labels else defined_metrics()[family]
            for family, label_sets in wanted.items()
            for labels in label_sets
        ]
        self.period = period
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def step(self) -> None:
        for child in self.children:
            if isinstance(child, Counter):
                child.inc()
            elif isinstance(child, Histogram):
                child.observe(0.05)
            elif isinstance(child, Gauge):
                child.inc()

    def run(self) -> None:
        while not self.stopped.wait(self.period):
            self.step()

    def __enter__(self) -> Driver:
        self.step()
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.thread.join()


ALL_QUERIES = dashboard_queries() + alert_queries()


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    server, thread = start_http_server(0, addr="127.0.0.1", registry=REGISTRY)
    target = f"127.0.0.1:{server.server_port}"
    workdir: Path = tmp_path_factory.mktemp("prometheus")
    try:
        with (
            Driver(wanted_label_sets([q.expr for q in ALL_QUERIES])),
            running_prometheus(scrape_config(dict.fromkeys(SERVICES, target)), workdir) as prom,
        ):
            prom.wait_for_scrapes(4)
            yield prom
    finally:
        server.shutdown()
        thread.join()


def test_every_service_job_is_scraped(prometheus: Prometheus) -> None:
    assert prometheus.targets_up() == dict.fromkeys(SERVICES, "up")


def test_prometheus_loaded_every_alert_rule(prometheus: Prometheus) -> None:
    rules = prometheus.rules()
    for query in alert_queries():
        name = query.where.removeprefix("alert ")
        assert name in rules, f"{name} not loaded"
        assert rules[name]["health"] != "err", f"{name}: {rules[name].get('lastError')}"


@pytest.mark.parametrize("query", dashboard_queries(), ids=lambda q: q.where)
def test_dashboard_query_returns_data(prometheus: Prometheus, query: NamedQuery) -> None:
    assert prometheus.query(query.expr), f"{query.where}: no data for {query.expr}"


@pytest.mark.parametrize("query", alert_queries(), ids=lambda q: q.where)
def test_alert_rule_reads_series_that_exist(prometheus: Prometheus, query: NamedQuery) -> None:
    prometheus.query(query.expr)
    for selector in selectors_of(query.expr):
        assert prometheus.query(selector), f"{query.where}: no series for {selector}"


def test_every_metric_a_query_names_is_defined_by_the_services() -> None:
    families = set(defined_metrics()) | {"up"}
    for query in ALL_QUERIES:
        for series, _ in parse_promql(query.expr).selectors:
            assert metric_family(series, families), f"{query.where}: {series} is not exported"
