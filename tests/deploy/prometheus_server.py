"""A real Prometheus (Debian's `prometheus`, installed by scripts/prometheus.sh) for the tests:
started on a free port with the shipped scrape config and alert rules, its targets pointed at
the processes under test; and the queries of the dashboards and alert rules, ready to run
through its HTTP API."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.deploy.artifacts import PROMETHEUS, alert_rules, dashboards, targets
from tests.deploy.promql import parse_promql

INSTALL_HINT = "install it with `bash scripts/prometheus.sh` (`make test` does)"


def binary(name: str) -> str:
    """The path of `prometheus` or `promtool`; the test fails (never skips) when missing."""
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not on PATH: {INSTALL_HINT}", pytrace=False)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def scrape_config(job_targets: Mapping[str, str], interval: str = "1s") -> dict[str, Any]:
    """The shipped prometheus.yml with each service job's target replaced, the rule file taken
    from deploy/prometheus and a short scrape interval; the jobs keep their names."""
    config: dict[str, Any] = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    config["global"].update(scrape_interval=interval, evaluation_interval=interval)
    config["rule_files"] = [
        str(PROMETHEUS / Path(path).name) for path in config.get("rule_files", [])
    ]
    jobs = [job for job in config["scrape_configs"] if job["job_name"] in job_targets]
    assert {job["job_name"] for job in jobs} == set(job_targets), "a job the config lacks"
    for job in jobs:
        job["static_configs"] = [{"targets": [job_targets[job["job_name"]]]}]
    config["scrape_configs"] = jobs
    return config


@dataclass
class Prometheus:
    url: str

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's result vector; fails with Prometheus's error on a bad query."""
        response = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10)
        body = response.json()
        assert body.get("status") == "success", f"{expr}: {body.get('error', response.text)}"
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def targets_up(self) -> dict[str, str]:
        """job -> health of its (one) target."""
        body = httpx.get(f"{self.url}/api/v1/targets", timeout=10).json()
        return {t["labels"]["job"]: t["health"] for t in body["data"]["activeTargets"]}

    def rules(self) -> dict[str, dict[str, Any]]:
        body = httpx.get(f"{self.url}/api/v1/rules", timeout=10).json()
        return {r["name"]: r for g in body["data"]["groups"] for r in g["rules"]}

    def scrape_count(self) -> int:
        """How often the least scraped target was scraped (in the last hour)."""
        samples = self.query("min(count_over_time(up[1h]))")
        return int(float(samples[0]["value"][1])) if samples else 0

    def wait_for_scrapes(self, count: int, timeout: float = 90) -> None:
        """Until every target was scraped `count` times (enough samples for rate())."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.scrape_count() >= count:
                return
            time.sleep(0.5)
        pytest.fail(f"Prometheus did not scrape every target {count} times: {self.targets_up()}")


@contextmanager
def running_prometheus(config: dict[str, Any], workdir: Path) -> Iterator[Prometheus]:
    """Debian's prometheus with `config`, on a free port, its data in `workdir`."""
    config_file = workdir / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    port = free_port()
    log = (workdir / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            binary("prometheus"),
            f"--config.file={config_file}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (workdir / "prometheus.log").read_text()
                pytest.fail(f"prometheus did not start:\n{log_text}")
            time.sleep(0.2)
        yield Prometheus(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


GRAFANA_INTERVALS = {"__rate_interval": "1m", "__interval": "15s", "__range": "10m"}


def variable_values(dashboard: dict[str, Any]) -> dict[str, str]:
    """What Grafana puts for each template variable with "All" selected."""
    values = dict(GRAFANA_INTERVALS)
    for variable in dashboard.get("templating", {}).get("list", []):
        values[variable["name"]] = variable.get("allValue") or ".+"
    return values


def substitute(expr: str, values: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        assert name in values, f"undefined variable ${name}"
        return values[name]

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", value, expr)


@dataclass(frozen=True)
class NamedQuery:
    where: str  # "dashboard / panel / refId" or "alert NAME"
    expr: str  # runnable PromQL (variables substituted)


def dashboard_queries() -> list[NamedQuery]:
    queries = []
    for name, dashboard in dashboards().items():
        values = variable_values(dashboard)
        for panel, target in targets(dashboard):
            where = f"{name} / {panel['title']} / {target['refId']}"
            queries.append(NamedQuery(where, substitute(target["expr"], values)))
    return queries


def alert_queries() -> list[NamedQuery]:
    return [NamedQuery(f"alert {rule['alert']}", rule["expr"]) for rule in alert_rules()]


def selectors_of(expr: str) -> list[str]:
    """Each metric selector of `expr` as a query of its own (matchers kept, ranges dropped):
    what an alert rule reads, which must return data even when the rule does not fire."""
    found = []
    for name, matchers in parse_promql(expr).selectors:
        inner = ", ".join(f'{label}{op}"{value}"' for label, op, value in matchers)
        found.append(f"{name}{{{inner}}}")
    return sorted(set(found))


def metric_family(series: str, families: set[str]) -> str | None:
    """The metric family a series name belongs to (a histogram's _bucket, _sum, _count)."""
    if series in families:
        return series
    base = re.sub(r"_(bucket|sum|count|total|created)$", "", series)
    for candidate in (base, f"{base}_total"):
        if candidate in families:
            return candidate
    return None
