"""compose.yaml: its shape, components, ports, Kafka, databases, Prometheus and Grafana."""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy.artifacts import (
    DASHBOARDS,
    GRAFANA,
    KAFKA_IMAGE,
    PROMETHEUS,
    ROOT,
    SERVICES,
    TOPICS_SCRIPT,
    check_kraft_env,
    compose,
    compose_service,
    conventions,
    environment,
    kafka_listeners,
    provisioned_datasource,
)


def published_ports(service: dict[str, Any]) -> list[tuple[int, int]]:
    pairs = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            pairs.append((int(port["published"]), int(port["target"])))
        else:
            *_, published, target = str(port).split(":")
            pairs.append((int(published), int(target.split("/")[0])))
    return pairs


def bind_mounts(service: dict[str, Any]) -> dict[str, str]:
    """target -> source (relative to the repository) of the bind mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            source, target = volume.get("source", ""), volume["target"]
        else:
            source, target = str(volume).split(":")[:2]
        if source.startswith((".", "/")):
            mounts[target] = os.path.normpath(source)
    return mounts


COMPOSE_TOP_LEVEL = {"name", "services", "volumes", "networks", "configs", "secrets", "x-common"}


COMPOSE_SERVICE_KEYS = {
    "security_opt",
    "cap_drop",
    "cap_add",
    "stop_signal",
    "mem_limit",
    "cpus",
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "volumes",
    "depends_on",
    "healthcheck",
    "restart",
    "user",
    "working_dir",
    "networks",
    "labels",
    "x-service",
    "profiles",
    "init",
    "stop_grace_period",
    "read_only",
    "tmpfs",
    "configs",
    "hostname",
    "container_name",
    "expose",
    "ulimits",
    "shm_size",
    "logging",
}


def test_compose_uses_only_known_keys_and_shapes() -> None:
    spec = compose()
    assert set(spec) <= COMPOSE_TOP_LEVEL | {k for k in spec if k.startswith("x-")}
    for name, service in spec["services"].items():
        assert set(service) <= COMPOSE_SERVICE_KEYS, (
            f"{name}: {set(service) - COMPOSE_SERVICE_KEYS}"
        )
        assert "image" in service or "build" in service, f"{name} has neither image nor build"
        for port in service.get("ports", []):
            assert re.fullmatch(r"(\d+\.\d+\.\d+\.\d+:)?\d+:\d+", str(port)), f"{name}: {port}"
        depends = service.get("depends_on", {})
        if isinstance(depends, dict):
            for other, condition in depends.items():
                assert other in spec["services"], f"{name} depends on unknown {other}"
                assert condition.get("condition") in {
                    "service_started",
                    "service_healthy",
                    "service_completed_successfully",
                }


def test_compose_has_every_component() -> None:
    expected = {*SERVICES, "kafka", "kafka-init", "postgres", "prometheus", "grafana"}
    assert expected <= set(compose()["services"])


def test_compose_bind_mounts_exist() -> None:
    for name, service in compose()["services"].items():
        for source in bind_mounts(service).values():
            assert (ROOT / source).exists(), f"{name} mounts missing {source}"
        build = service.get("build")
        if build:
            context = ROOT / build.get("context", ".")
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), name


def test_compose_healthchecks_back_every_health_dependency() -> None:
    services = compose()["services"]
    for name in [*SERVICES, "kafka", "postgres", "prometheus", "grafana"]:
        test = services[name].get("healthcheck", {}).get("test")
        assert test and test != ["NONE"], f"{name} has no healthcheck"
    for name, service in services.items():
        depends = service.get("depends_on", {})
        for target, spec in depends.items() if isinstance(depends, dict) else []:
            assert target in services, f"{name} depends on unknown {target}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
            if spec.get("condition") == "service_completed_successfully":
                assert services[target].get("restart", "no") == "no", target


def test_compose_host_ports_are_unique() -> None:
    published = [p for s in compose()["services"].values() for p, _ in published_ports(s)]
    assert len(published) == len(set(published))


def test_compose_kafka_is_a_single_kraft_node() -> None:
    kafka = compose_service("kafka")
    assert kafka["image"] == KAFKA_IMAGE
    env = environment(kafka)
    check_kraft_env(env)
    listeners = kafka_listeners(tuple(sorted(env.items())))
    host_port = conventions().ports["Kafka (PLAINTEXT)"]
    assert listeners["advertised"]["PLAINTEXT"] == f"localhost:{host_port}"
    assert (host_port, host_port) in published_ports(kafka)
    assert any(
        target == "/var/lib/kafka/data"
        for target in [str(v).split(":")[1] for v in kafka.get("volumes", [])]
    )


def compose_bootstrap_listener() -> str:
    env = environment(compose_service("kafka"))
    return kafka_listeners(tuple(sorted(env.items())))["advertised"][
        env["KAFKA_INTER_BROKER_LISTENER_NAME"]
    ]


def test_compose_topic_job_runs_the_topic_script() -> None:
    init = compose_service("kafka-init")
    assert init["image"] == KAFKA_IMAGE
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    mounts = bind_mounts(init)
    target = next(t for t, s in mounts.items() if s == TOPICS_SCRIPT.relative_to(ROOT).as_posix())
    assert target in [*init.get("entrypoint", []), *init.get("command", [])]
    assert environment(init)["KAFKA_BOOTSTRAP_SERVERS"] == compose_bootstrap_listener()


def test_compose_postgres_creates_every_service_database() -> None:
    postgres = compose_service("postgres")
    assert postgres["image"] == "postgres:15"
    port = conventions().ports["PostgreSQL"]
    assert (port, port) in published_ports(postgres)
    mounts = bind_mounts(postgres)
    init = next(s for t, s in mounts.items() if t.startswith("/docker-entrypoint-initdb.d/"))
    created = re.findall(r"CREATE DATABASE (\w+) OWNER (\w+)", (ROOT / init).read_text(), re.I)
    assert {db for db, _ in created} == set(conventions().services.values())
    assert {owner for _, owner in created} == {environment(postgres)["POSTGRES_USER"]}


@pytest.mark.parametrize("service", SERVICES)
def test_compose_service(service: str) -> None:
    conv = conventions()
    spec = compose_service(service)
    assert spec["build"]["args"]["SERVICE"] == service
    assert spec["build"].get("context", ".") == "."

    env = environment(spec)
    assert conv.env_vars <= set(env), f"missing env vars {sorted(conv.env_vars - set(env))}"
    assert env["SERVICE_NAME"] == service
    assert env["ENVIRONMENT"] in ("development", "test", "production")
    port = conv.ports[service]
    assert env["HTTP_PORT"] == str(port)
    assert env["HTTP_HOST"] == "0.0.0.0"
    assert published_ports(spec) == [(port, port)]

    url = urlsplit(env["DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg"
    assert url.hostname == "postgres" and url.port == conv.ports["PostgreSQL"]
    assert url.path == f"/{conv.database(service)}"
    postgres_env = environment(compose_service("postgres"))
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.password == postgres_env["POSTGRES_PASSWORD"]
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == compose_bootstrap_listener()

    depends = spec["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["kafka"]["condition"] == "service_healthy"
    assert depends["kafka-init"]["condition"] == "service_completed_successfully"
    test = " ".join(spec["healthcheck"]["test"])
    assert "/ready" in test or "/health" in test
    assert "HTTP_PORT" in test or str(port) in test


def test_compose_prometheus_loads_config_and_rules() -> None:
    prometheus = compose_service("prometheus")
    mounts = bind_mounts(prometheus)
    config_target = next(
        a.split("=", 1)[1] for a in prometheus["command"] if a.startswith("--config.file=")
    )
    assert mounts[config_target] == "deploy/prometheus/prometheus.yml"
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    for rule_file in config["rule_files"]:
        assert mounts.get(rule_file) == "deploy/prometheus/alerts.yml", rule_file


def test_compose_grafana_is_provisioned() -> None:
    grafana = compose_service("grafana")
    mounts = bind_mounts(grafana)
    assert mounts["/etc/grafana/provisioning"] == "deploy/grafana/provisioning"
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/inventory.yml").read_text())
    path = providers["providers"][0]["options"]["path"]
    assert mounts[path] == "deploy/grafana/dashboards"
    home = environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert home.startswith(path + "/")
        assert (DASHBOARDS / home[len(path) + 1 :]).is_file()
    datasource = provisioned_datasource()
    url = urlsplit(datasource["url"])
    assert url.hostname == "prometheus" and url.port == 9090
    assert (9090, 9090) in published_ports(compose_service("prometheus"))
