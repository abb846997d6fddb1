"""Kubernetes manifests (deploy/k8s): kustomization, pods, services, Kafka, topic job (kubectl
when on PATH)."""

from __future__ import annotations

import fnmatch
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

from tests.deploy.artifacts import (
    CONTAINER_PORT,
    K8S,
    KAFKA_IMAGE,
    NAMESPACE,
    REPLICATED,
    SERVICES,
    TOPICS_SCRIPT,
    check_kraft_env,
    conventions,
    kafka_listeners,
)


@dataclass(frozen=True)
class Doc:
    file: str
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
def kustomization() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return loaded


@cache
def k8s_docs() -> tuple[Doc, ...]:
    docs: list[Doc] = []
    for resource in kustomization()["resources"]:
        docs += load_docs(K8S / resource)
    return tuple(docs)


def k8s(kind: str, name: str) -> dict[str, Any]:
    found = [d.body for d in k8s_docs() if d.kind == kind and d.name == name]
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
        if doc.kind in ("Deployment", "StatefulSet", "Job"):
            yield f"{doc.kind}/{doc.name}", doc.body["spec"]["template"]["spec"]


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def test_kustomization_lists_every_manifest_and_only_existing_ones() -> None:
    resources = kustomization()["resources"]
    assert len(resources) == len(set(resources))
    for resource in resources:
        assert (K8S / resource).is_file(), f"kustomization lists missing {resource}"
    on_disk = {
        p.relative_to(K8S).as_posix()
        for p in K8S.rglob("*.yaml")
        if p.name not in ("kustomization.yaml", "secrets.example.yaml")
    }
    assert on_disk == set(resources), "manifests not in kustomization.yaml (or listed but absent)"
    assert "secrets.example.yaml" not in resources, (
        "applying the template would overwrite real Secrets"
    )
    assert kustomization()["namespace"] == NAMESPACE
    images = {image["name"] for image in kustomization().get("images", [])}
    assert images == {f"inventory/{s}" for s in SERVICES}


def test_k8s_every_document_is_namespaced_and_labelled() -> None:
    assert (
        k8s("Namespace", NAMESPACE)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        == "restricted"
    )
    for doc in k8s_docs():
        assert {"apiVersion", "kind", "metadata"} <= set(doc.body), doc.file
        if doc.kind not in CLUSTER_SCOPED:
            assert doc.body["metadata"].get("namespace") == NAMESPACE, (
                f"{doc.file}: {doc.kind}/{doc.name}"
            )
        assert doc.body["metadata"]["labels"]["app.kubernetes.io/part-of"] == "inventory-platform"
    keys = [(d.kind, d.name) for d in k8s_docs()]
    assert len(keys) == len(set(keys)), "duplicate objects"


CLUSTER_SCOPED = ("Namespace", "PriorityClass")


ORDER_PATH = ("integration-gateway", "reservation", "stock-ledger")


"""Services that answer orders and documents as they come; the rest may lag and catch up."""


def test_k8s_order_path_pods_outrank_background_pods() -> None:
    """On a busy node the scheduler preempts and the kubelet evicts planning, alerting and
    approvals before the pods an order goes through."""
    value = {d.name: d.body["value"] for d in k8s_docs() if d.kind == "PriorityClass"}
    classes: dict[str, Any] = {name: pod.get("priorityClassName") for name, pod in pod_specs()}
    assert classes["StatefulSet/kafka"] in value, "the broker is on the order path"
    background = [value[classes[f"Deployment/{s}"]] for s in SERVICES if s not in ORDER_PATH]
    for service in SERVICES:
        own = value[classes[f"Deployment/{service}"]]
        if service in ORDER_PATH:
            assert own > max(background), service
            assert own == value[classes["StatefulSet/kafka"]]
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


def test_k8s_kafka_statefulset() -> None:
    sts = k8s("StatefulSet", "kafka")
    assert sts["spec"]["replicas"] == 1
    headless = k8s("Service", sts["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"
    pod = sts["spec"]["template"]["spec"]
    assert pod["enableServiceLinks"] is False, (
        "service links inject KAFKA_* variables into the broker config"
    )
    (container,) = pod["containers"]
    assert container["image"] == KAFKA_IMAGE
    env = {e["name"]: e["value"] for e in container["env"]}
    check_kraft_env(env)
    pod_dns = (
        f"{sts['metadata']['name']}-0.{sts['spec']['serviceName']}.{NAMESPACE}.svc.cluster.local"
    )
    listeners = kafka_listeners(tuple(sorted(env.items())))
    for address in listeners["advertised"].values():
        assert address.rsplit(":", 1)[0] == pod_dns
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")[1].rsplit(":", 1)[0] == pod_dns
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert any(env["KAFKA_LOG_DIRS"].startswith(m) for m in mounts), (
        "Kafka data must be on the volume"
    )
    assert sts["spec"]["volumeClaimTemplates"]

    bootstrap_host, bootstrap_port = k8s("ConfigMap", "inventory-config")["data"][
        "KAFKA_BOOTSTRAP_SERVERS"
    ].split(":")
    service_name = bootstrap_host.split(".")[0]
    assert bootstrap_host in (
        service_name,
        f"{service_name}.{NAMESPACE}",
        f"{service_name}.{NAMESPACE}.svc.cluster.local",
    )
    bootstrap = k8s("Service", service_name)
    assert (
        bootstrap["spec"]["selector"].items()
        <= sts["spec"]["template"]["metadata"]["labels"].items()
    )
    assert int(bootstrap_port) in [p["port"] for p in bootstrap["spec"]["ports"]]
    assert int(bootstrap_port) == conventions().ports["Kafka (PLAINTEXT)"]


def test_k8s_topic_job_runs_the_same_script() -> None:
    job = k8s("Job", "kafka-create-topics")
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == KAFKA_IMAGE
    volume = next(v for v in pod["volumes"] if "configMap" in v)
    config_map = k8s("ConfigMap", volume["configMap"]["name"])
    (key,) = config_map["data"]
    assert config_map["data"][key] == TOPICS_SCRIPT.read_text(), (
        "kafka-topics.yaml embeds an outdated copy of deploy/kafka/create-topics.sh"
    )
    mount = next(m for m in container["volumeMounts"] if m["name"] == volume["name"])
    assert f"{mount['mountPath']}/{key}" in container["command"] + container.get("args", [])
    bootstrap = next(e for e in container["env"] if e["name"] == "KAFKA_BOOTSTRAP_SERVERS")
    assert bootstrap["valueFrom"]["configMapKeyRef"] == {
        "name": "inventory-config",
        "key": "KAFKA_BOOTSTRAP_SERVERS",
    }
    assert pod["restartPolicy"] in ("OnFailure", "Never")


def test_k8s_secret_template_is_ignored_by_git() -> None:
    assert set(template_secrets()) == {f"{s}-database" for s in SERVICES} | {
        "integration-gateway-api",
        "alerting-encryption",
        "integration-gateway-encryption",
        "approval-links",
        "approval-service-account",
    }
    ignored = (K8S / ".gitignore").read_text().split()
    assert any(fnmatch.fnmatch("secrets.yaml", pattern) for pattern in ignored)


def test_kustomize_builds() -> None:
    kubectl = shutil.which("kubectl")
    kustomize = shutil.which("kustomize")
    if kustomize:
        command = [kustomize, "build", str(K8S)]
    elif kubectl:
        command = [kubectl, "kustomize", str(K8S)]
    else:
        pytest.skip("neither kustomize nor kubectl is on PATH")
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    built = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert len(built) == len(k8s_docs())
    for doc in built:
        for pod_container in (
            doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
        ):
            if pod_container["image"].startswith("inventory/"):
                assert ":" in pod_container["image"], "kustomize must pin the service images"
