"""Static checks of the deployment artifacts (Dockerfile, compose.yaml, deploy/): what the
test modules of this folder share.

Nothing here needs Docker or a cluster: the files are parsed and checked against
docs/conventions.md and against each other. promtool and kubectl, when on PATH, are run too.
This module holds the paths, the platform as docs/conventions.md describes it, and the loaders
of the topic script, compose.yaml, the alert rules and the dashboards.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


DEPLOY = ROOT / "deploy"


K8S = DEPLOY / "k8s"


PROMETHEUS = DEPLOY / "prometheus"


GRAFANA = DEPLOY / "grafana"


DASHBOARDS = GRAFANA / "dashboards"


TOPICS_SCRIPT = DEPLOY / "kafka" / "create-topics.sh"


ENTRYPOINT = DEPLOY / "docker" / "entrypoint.sh"


# The topics of the public contract (docs: ARCHITECTURE) with their partition counts.
EXPECTED_TOPICS = {
    "inventory.orders": 6,
    "inventory.master-data": 3,
    "inventory.stock-movements": 6,
    "inventory.reservations": 6,
    "inventory.availability": 6,
    "inventory.replenishment": 3,
    "inventory.approvals": 3,
    "inventory.purchase-orders": 3,
    "inventory.alerts": 3,
    "inventory.people": 3,
}


EXPECTED_SERVICES = {
    "stock-ledger",
    "reservation",
    "replenishment",
    "approval",
    "alerting",
    "integration-gateway",
}


REPLICATED = {"reservation": 2, "integration-gateway": 2}


KAFKA_IMAGE = "apache/kafka:4.1.1"


CONTAINER_PORT = 8000


NAMESPACE = "inventory"


@dataclass(frozen=True)
class Metric:
    name: str
    type: str
    labels: dict[str, frozenset[str] | None]  # label -> allowed values, None = free


@dataclass(frozen=True)
class Conventions:
    services: dict[str, str]  # distribution (= service, console script) -> import package
    ports: dict[str, int]
    env_vars: frozenset[str]
    metrics: dict[str, Metric]

    def database(self, service: str) -> str:
        return self.services[service]


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/conventions.md has no section '## {heading}'"
    return match.group(1)


def _table(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|[\s|:-]+\|", line):
            continue
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header


def _unquote(cell: str) -> str:
    return cell.strip().strip("`")


@cache
def conventions() -> Conventions:
    text = (ROOT / "docs" / "conventions.md").read_text()

    services = {
        _unquote(dist): _unquote(imp)
        for folder, dist, imp in _table(_section(text, "Packages and imports"))
        if _unquote(folder).startswith("services/")
    }
    ports = {}
    for component, port in _table(_section(text, "Ports")):
        number = re.match(r"\d+", port)
        assert number, f"conventions.md: no port number for {component}"
        ports[component] = int(number.group())
    controller = re.search(r"controller (\d+)", _section(text, "Ports"))
    if controller:
        ports["Kafka controller"] = int(controller.group(1))
    env_vars = frozenset(
        name
        for name in re.findall(r"`([^`]+)`", _section(text, "Environment variables"))
        if re.fullmatch(r"[A-Z][A-Z0-9_]+", name)
    )
    metrics = {}
    metric_rows = _table(_section(text, "Metric names")) + _table(
        _section(text, "Business metrics")
    )
    for name, kind, labels_cell, *_meaning in metric_rows:
        labels: dict[str, frozenset[str] | None] = {}
        for label, values in re.findall(r"`(\w+)`(?:\s*\(([^)]*)\))?", labels_cell):
            enum = re.findall(r"`([^`]+)`", values)
            labels[label] = frozenset(enum) if enum else None
        metrics[_unquote(name)] = Metric(_unquote(name), kind.strip(), labels)
    return Conventions(services, ports, env_vars, metrics)


SERVICES = sorted(conventions().services)


@cache
def script_topics() -> dict[str, int]:
    text = TOPICS_SCRIPT.read_text()
    block = re.search(r'^TOPICS="(.*?)"$', text, re.M | re.S)
    assert block, 'create-topics.sh has no TOPICS="..." block'
    topics = {}
    for line in block.group(1).strip().splitlines():
        name, partitions = line.split()
        topics[name] = int(partitions)
    return topics


def known_topics() -> set[str]:
    return set(script_topics()) | {f"{t}.dlq" for t in script_topics()}


def _fake_command(path: Path, log: Path, body: str = "") -> Path:
    path.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> "{log}"\n{body}')
    path.chmod(0o755)
    return path


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def compose_service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"compose.yaml has no service {name!r}"
    service: dict[str, Any] = services[name]
    return service


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


@cache
def kafka_listeners(env: tuple[tuple[str, str], ...]) -> dict[str, dict[str, str]]:
    e = dict(env)

    def parse(value: str) -> dict[str, str]:
        return dict(item.split("://", 1) for item in value.split(","))

    return {
        "listeners": parse(e["KAFKA_LISTENERS"]),
        "advertised": parse(e["KAFKA_ADVERTISED_LISTENERS"]),
        "protocols": dict(
            item.split(":") for item in e["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
        ),
    }


def check_kraft_env(env: dict[str, str]) -> None:
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("ZOOKEEPER" in key for key in env)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env["CLUSTER_ID"]), "CLUSTER_ID: 22 chars base64 uuid"
    listeners = kafka_listeners(tuple(sorted(env.items())))
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert controller in listeners["listeners"]
    assert controller not in listeners["advertised"], "the controller listener is not advertised"
    assert set(listeners["listeners"]) <= set(listeners["protocols"])
    assert set(listeners["advertised"]) <= set(listeners["listeners"])
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in listeners["advertised"]
    node_id, voter = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")
    assert node_id == env["KAFKA_NODE_ID"]
    assert voter.rsplit(":", 1)[1] == listeners["listeners"][controller].rsplit(":", 1)[1]
    assert voter.rsplit(":", 1)[1] == str(conventions().ports["Kafka controller"])
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from create-topics.sh"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1", "single broker"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1", "single broker"


@cache
def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


@cache
def provisioned_datasource() -> dict[str, Any]:
    config = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    datasources: list[dict[str, Any]] = config["datasources"]
    (datasource,) = [d for d in datasources if d["type"] == "prometheus"]
    return datasource


def dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def all_panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def targets(dashboard: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for panel in all_panels(dashboard):
        for target in panel.get("targets", []):
            yield panel, target
