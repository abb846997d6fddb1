"""Kubernetes manifests (deploy/k8s), as the dev and prod overlays render them: kustomizations,
pods, services, disruption budgets (the operators' kinds: test_k8s_platform.py)."""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy import kustomize
from tests.deploy.artifacts import (
    CONTAINER_PORT,
    K8S,
    NAMESPACE,
    REPLICATED,
    SERVICES,
    conventions,
)

OVERLAYS = ("dev", "prod")


@dataclass(frozen=True)
class Doc:
    file: str  # the overlay it was rendered from
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.body["kind"])

    @property
    def name(self) -> str:
        return str(self.body["metadata"]["name"])


def load_docs(path: Path) -> list[Doc]:
    return [
        Doc(path.relative_to(K8S).as_posix(), body)
        for body in yaml.safe_load_all(path.read_text())
        if body
    ]


@cache
def rendered(overlay: str) -> tuple[Doc, ...]:
    """What `kustomize build deploy/k8s/overlays/<overlay>` prints (tests/deploy/kustomize.py)."""
    return tuple(Doc(overlay, body) for body in kustomize.build(K8S / "overlays" / overlay))


@cache
def kustomization(folder: str = "base") -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((K8S / folder / "kustomization.yaml").read_text())
    return loaded


def k8s_docs(overlay: str = "prod") -> tuple[Doc, ...]:
    return rendered(overlay)


def of_kind(kind: str, overlay: str = "prod") -> list[dict[str, Any]]:
    return [d.body for d in rendered(overlay) if d.kind == kind]


def k8s(kind: str, name: str, overlay: str = "prod") -> dict[str, Any]:
    found = [d.body for d in k8s_docs(overlay) if d.kind == kind and d.name == name]
    assert len(found) == 1, f"expected one {kind} {name!r} in deploy/k8s, found {len(found)}"
    return found[0]


@cache
def template_secrets() -> dict[str, dict[str, str]]:
    return {
        d.name: d.body["stringData"]
        for d in load_docs(K8S / "secrets.example.yaml")
        if d.kind == "Secret"
    }


def pod_specs() -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in k8s_docs():
        if doc.kind in ("Deployment", "StatefulSet", "Job"):  # operators make the rest
            yield f"{doc.kind}/{doc.name}", doc.body["spec"]["template"]["spec"]


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def test_kustomizations_list_every_manifest_and_only_existing_ones() -> None:
    for folder in ("base", "overlays/dev", "overlays/prod"):
        listed = kustomization(folder)["resources"] + [
            p["path"] for p in kustomization(folder).get("patches", [])
        ]
        assert len(listed) == len(set(listed)), folder
        for resource in listed:
            assert (K8S / folder / resource).exists(), f"{folder} lists missing {resource}"
        on_disk = {
            p.relative_to(K8S / folder).as_posix()
            for p in (K8S / folder).rglob("*.yaml")
            if p.name != "kustomization.yaml"
        }
        assert on_disk <= set(listed), f"{folder}: manifests not in kustomization.yaml"
        assert "../../base" in listed if folder != "base" else "../../grafana" in listed
    assert not (K8S / "base" / "secrets.example.yaml").exists()
    assert kustomization()["namespace"] == NAMESPACE
    images = {image["name"] for image in kustomization().get("images", [])}
    assert images == {f"inventory/{s}" for s in SERVICES}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_the_platform(overlay: str) -> None:
    kinds = {d.kind for d in rendered(overlay)}
    assert {
        "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Ingress", "Kafka",
        "KafkaNodePool", "KafkaTopic", "Cluster", "Database", "ScheduledBackup",
        "ServiceMonitor", "PrometheusRule", "ConfigMap",
    } <= kinds  # fmt: skip
    assert ("ScaledObject" if overlay == "prod" else "HorizontalPodAutoscaler") in kinds
    for doc in rendered(overlay):
        for pod in [doc.body.get("spec", {}).get("template", {}).get("spec", {})]:
            for container in pod.get("containers", []):
                if container["image"].startswith("inventory/"):
                    assert ":" in container["image"], "kustomize must pin the service images"


def test_k8s_every_document_is_namespaced_and_labelled() -> None:
    assert (
        k8s("Namespace", NAMESPACE)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        == "restricted"
    )
    for doc in k8s_docs("dev") + k8s_docs("prod"):
        assert {"apiVersion", "kind", "metadata"} <= set(doc.body), doc.file
        if doc.kind not in CLUSTER_SCOPED:
            assert doc.body["metadata"].get("namespace") == NAMESPACE, (
                f"{doc.file}: {doc.kind}/{doc.name}"
            )
        assert doc.body["metadata"]["labels"]["app.kubernetes.io/part-of"] == "inventory-platform"
    keys = [(d.kind, d.name) for d in k8s_docs()]
    assert len(keys) == len(set(keys)), "duplicate objects"
    keys = [(d.kind, d.name) for d in k8s_docs("dev")]
    assert len(keys) == len(set(keys)), "duplicate objects"


CLUSTER_SCOPED = ("Namespace", "PriorityClass")


ORDER_PATH = ("integration-gateway", "reservation", "stock-ledger")


"""Services that answer orders and documents as they come; the rest may lag and catch up."""


def test_k8s_order_path_pods_outrank_background_pods() -> None:
    """On a busy node the scheduler preempts and the kubelet evicts planning, alerting and
    approvals before the pods an order goes through."""
    value = {d.name: d.body["value"] for d in k8s_docs() if d.kind == "PriorityClass"}
    classes: dict[str, Any] = {name: pod.get("priorityClassName") for name, pod in pod_specs()}
    kafka = k8s("Kafka", "inventory")["spec"]["kafka"]["template"]["pod"]["priorityClassName"]
    postgres = k8s("Cluster", "inventory-postgres")["spec"]["priorityClassName"]
    assert kafka == postgres == "inventory-order-path", "the broker and the database serve orders"
    background = [value[classes[f"Deployment/{s}"]] for s in SERVICES if s not in ORDER_PATH]
    for service in SERVICES:
        own = value[classes[f"Deployment/{service}"]]
        if service in ORDER_PATH:
            assert own > max(background), service
            assert own == value[kafka]
        else:
            assert own < value[classes["Deployment/reservation"]], service
    assert not any(d.body.get("globalDefault") for d in k8s_docs() if d.kind == "PriorityClass")


def test_k8s_workloads_meet_the_restricted_pod_security_standard() -> None:
    for where, pod in pod_specs():
        security = pod.get("securityContext", {})
        assert security.get("runAsNonRoot") is True, where
        assert security.get("runAsUser", 1) != 0, where
        for container in containers(pod):
            c_security = container.get("securityContext", {})
            seccomp = c_security.get("seccompProfile") or security.get("seccompProfile")
            assert seccomp and seccomp["type"] in ("RuntimeDefault", "Localhost"), (
                f"{where}/{container['name']}"
            )
            assert c_security.get("allowPrivilegeEscalation") is False, (
                f"{where}/{container['name']}"
            )
            assert c_security.get("capabilities", {}).get("drop") == ["ALL"], (
                f"{where}/{container['name']}"
            )
            assert not c_security.get("privileged", False)
            resources = container.get("resources", {})
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind, {})), (
                    f"{where}/{container['name']} {kind}"
                )


def test_k8s_config_provides_the_shared_settings() -> None:
    config = k8s("ConfigMap", "inventory-config")["data"]
    assert set(config) == conventions().env_vars - {"SERVICE_NAME", "DATABASE_URL"}
    assert config["ENVIRONMENT"] == "production"
    assert config["HTTP_PORT"] == str(CONTAINER_PORT)
    assert all(isinstance(value, str) for value in config.values()), (
        "ConfigMap values must be strings"
    )


def env_names(container: dict[str, Any]) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(k8s("ConfigMap", source["configMapRef"]["name"])["data"])
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_k8s_service_deployment(service: str) -> None:
    deployment = k8s("Deployment", service)
    spec = deployment["spec"]
    assert spec["replicas"] == REPLICATED.get(service, 1)
    template = spec["template"]
    labels = template["metadata"]["labels"]
    assert labels["app.kubernetes.io/name"] == service, (
        "prometheus-k8s.yml takes the job from this label"
    )
    assert spec["selector"]["matchLabels"].items() <= labels.items()

    pod = template["spec"]
    (container,) = pod["containers"]
    (migrate,) = pod["initContainers"]
    assert container["image"].split(":")[0] == f"inventory/{service}"
    assert migrate["image"] == container["image"]
    assert container["args"] == ["serve"] and "command" not in container
    assert migrate["args"] == ["migrate"] and "command" not in migrate

    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": CONTAINER_PORT}
    for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
        get = container[probe]["httpGet"]
        assert get["path"] == path, probe
        assert get["port"] in (*ports, *ports.values()), probe
    if "startupProbe" in container:
        assert container["startupProbe"]["httpGet"]["path"] == "/health"

    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(CONTAINER_PORT)
    assert annotations["prometheus.io/path"] == "/metrics"

    for c in (container, migrate):
        assert conventions().env_vars <= env_names(c), f"{c['name']} lacks settings"
        env = {e["name"]: e for e in c["env"]}
        assert env["SERVICE_NAME"]["value"] == service
        ref = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
        assert ref["key"] in template_secrets()[ref["name"]], (
            "Secret missing from secrets.example.yaml"
        )
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert {m["mountPath"] for m in c.get("volumeMounts", [])} >= {"/tmp"}

    secret_url = urlsplit(template_secrets()[f"{service}-database"]["DATABASE_URL"])
    assert secret_url.scheme == "postgresql+asyncpg"
    assert secret_url.path == f"/{conventions().database(service)}"
    assert "REPLACE_ME" in secret_url.netloc, "the template must hold placeholders, not credentials"


@pytest.mark.parametrize("service", SERVICES)
def test_k8s_service_exposes_the_conventions_port(service: str) -> None:
    svc = k8s("Service", service)
    pod_labels = k8s("Deployment", service)["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    (port,) = svc["spec"]["ports"]
    assert port["port"] == conventions().ports[service]
    container_ports = k8s("Deployment", service)["spec"]["template"]["spec"]["containers"][0][
        "ports"
    ]
    assert port["targetPort"] in [p["name"] for p in container_ports] + [
        p["containerPort"] for p in container_ports
    ]


@pytest.mark.parametrize("service", sorted(REPLICATED))
def test_k8s_replicated_services_have_a_disruption_budget(service: str) -> None:
    pdb = k8s("PodDisruptionBudget", service)
    replicas = k8s("Deployment", service)["spec"]["replicas"]
    pod_labels = k8s("Deployment", service)["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert 1 <= pdb["spec"]["minAvailable"] < replicas, (
        "a budget equal to replicas blocks every drain"
    )


def test_k8s_secret_template_is_ignored_by_git() -> None:
    assert set(template_secrets()) == {f"{s}-database" for s in SERVICES} | {
        f"{s}-postgres-role" for s in SERVICES
    } | {
        "integration-gateway-api",
        "alerting-encryption",
        "integration-gateway-encryption",
        "approval-links",
        "approval-service-account",
        "inventory-postgres-backup",
    }
    ignored = (K8S / ".gitignore").read_text().split()
    assert any(fnmatch.fnmatch("secrets.yaml", pattern) for pattern in ignored)


def test_kustomize_builds_what_our_renderer_renders() -> None:
    """Where a kustomize (or kubectl) is on PATH, it renders the same objects as
    tests/deploy/kustomize.py; none comes from the registries this project may use."""
    binary = shutil.which("kustomize") or shutil.which("kubectl")
    for overlay in OVERLAYS:
        ours = sorted(
            (d.kind, d.name, json.dumps(d.body, sort_keys=True)) for d in rendered(overlay)
        )
        assert ours
        if binary is None:
            continue
        build = ["build"] if binary.endswith("kustomize") else ["kustomize"]
        result = subprocess.run(
            [binary, *build, str(K8S / "overlays" / overlay)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        theirs = sorted(
            (d["kind"], d["metadata"]["name"], json.dumps(d, sort_keys=True))
            for d in yaml.safe_load_all(result.stdout)
            if d
        )
        assert theirs == ours, "tests/deploy/kustomize.py renders differently from kustomize"
