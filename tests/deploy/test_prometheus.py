"""Prometheus: scrape configs and alert rules (promtool when on PATH)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.artifacts import (
    NAMESPACE,
    PROMETHEUS,
    SERVICES,
    alert_rules,
    compose_service,
    environment,
)
from tests.deploy.prometheus_server import binary
from tests.deploy.promql import output_labels, promql_problems


def test_prometheus_scrapes_every_service_as_its_own_job() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for service in SERVICES:
        assert service in jobs, f"no scrape job {service}"
        targets = [t for sc in jobs[service]["static_configs"] for t in sc["targets"]]
        port = environment(compose_service(service))["HTTP_PORT"]
        assert targets == [f"{service}:{port}"]
        assert jobs[service].get("metrics_path", "/metrics") == "/metrics"
    assert config["rule_files"]


def test_prometheus_k8s_config_derives_the_job_from_the_pod() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus-k8s.yml").read_text())
    assert (
        config["rule_files"]
        == yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())["rule_files"]
    )
    (job,) = config["scrape_configs"]
    (sd,) = job["kubernetes_sd_configs"]
    assert sd["role"] == "pod"
    assert sd["namespaces"]["names"] == [NAMESPACE]
    relabels = job["relabel_configs"]
    keep = next(
        r
        for r in relabels
        if r.get("action") == "keep"
        and r["source_labels"] == ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]
    )
    assert keep["regex"] == "true"
    to_job = next(r for r in relabels if r.get("target_label") == "job")
    assert to_job["source_labels"] == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    to_address = next(r for r in relabels if r.get("target_label") == "__address__")
    assert "__meta_kubernetes_pod_annotation_prometheus_io_port" in to_address["source_labels"]
    assert {r.get("target_label") for r in relabels} >= {"namespace", "pod"}


def test_alert_rules_are_well_formed() -> None:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    assert len({g["name"] for g in groups}) == len(groups)
    names = []
    for group in groups:
        assert group["rules"], group["name"]
        for rule in group["rules"]:
            assert set(rule) <= {
                "alert",
                "expr",
                "for",
                "keep_firing_for",
                "labels",
                "annotations",
            }, rule
            names.append(rule["alert"])
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"])
            assert isinstance(rule["expr"], str) and rule["expr"].strip()
            assert re.fullmatch(r"(\d+[smhdwy])+", rule["for"]), rule["alert"]
            assert rule["labels"]["severity"] in ("critical", "warning", "info")
            assert rule["annotations"]["summary"].strip()
            assert rule["annotations"]["description"].strip()
    assert len(names) == len(set(names)), "alert names must be unique"


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
def test_alert_rule_uses_known_metrics_and_labels(rule: dict[str, Any]) -> None:
    assert promql_problems(rule["expr"]) == []
    available = output_labels(rule["expr"])
    for text in rule["annotations"].values():
        for label in re.findall(r"\$labels\.(\w+)", text):
            assert label in available, (
                f"{rule['alert']}: $labels.{label} is not kept by the expression"
            )


def test_alert_rules_cover_the_platform_failure_modes() -> None:
    exprs = {rule["alert"]: " ".join(rule["expr"].split()) for rule in alert_rules()}
    fors = {rule["alert"]: rule["for"] for rule in alert_rules()}

    def find(pattern: str) -> list[str]:
        return [name for name, expr in exprs.items() if re.search(pattern, expr)]

    assert find(r"\bup\{[^}]*\} == 0"), "service down"
    assert find(r"inventory_outbox_oldest_age_seconds\) > 60\b"), "oldest outbox event > 60 s"
    assert find(r"deriv\(inventory_outbox_depth"), "outbox backlog growing"
    assert find(r"inventory_dlq_messages_total"), "messages arriving in a DLQ"
    lag = find(r"inventory_consumer_lag")
    assert lag and any(fors[name] == "5m" for name in lag), "consumer lag high for 5m"
    assert find(r"histogram_quantile\(0\.99, .*inventory_handler_duration_seconds_bucket"), (
        "handler p99"
    )
    assert find(r'inventory_http_requests_total\{[^}]*status=~"5\.\."'), "HTTP 5xx ratio"


def _promtool() -> str:
    return binary("promtool")


def test_promtool_checks_rules_and_runs_their_unit_tests() -> None:
    promtool = _promtool()
    for args in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]):
        result = subprocess.run([promtool, *args], cwd=PROMETHEUS, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _knows_kubernetes_sd(promtool: str, tmp_path: Path) -> bool:
    """Debian builds Prometheus without Kubernetes service discovery (its client library is not
    packaged): its promtool then refuses every `kubernetes_sd_configs`."""
    probe = tmp_path / "probe.yml"
    probe.write_text(
        yaml.safe_dump(
            {"scrape_configs": [{"job_name": "p", "kubernetes_sd_configs": [{"role": "pod"}]}]}
        )
    )
    result = subprocess.run([promtool, "check", "config", str(probe)], capture_output=True)
    return result.returncode == 0


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus-k8s.yml"])
def test_promtool_checks_config(config: str, tmp_path: Path) -> None:
    """promtool checks each config; where the installed promtool lacks Kubernetes discovery,
    the k8s config's `kubernetes_sd_configs` (shape checked by the test above) stands replaced
    by a static target and the rest (relabelling, rule files, globals) is checked."""
    promtool = _promtool()
    loaded = yaml.safe_load((PROMETHEUS / config).read_text())
    loaded["rule_files"] = [str(PROMETHEUS / Path(f).name) for f in loaded["rule_files"]]
    if config == "prometheus-k8s.yml" and not _knows_kubernetes_sd(promtool, tmp_path):
        for job in loaded["scrape_configs"]:
            if job.pop("kubernetes_sd_configs", None):
                job["static_configs"] = [{"targets": ["127.0.0.1:8000"]}]
    (tmp_path / config).write_text(yaml.safe_dump(loaded, sort_keys=False))
    result = subprocess.run(
        [promtool, "check", "config", str(tmp_path / config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
