"""The operators' side of deploy/k8s as the overlays render it: Strimzi Kafka and its topics,
CloudNativePG, autoscaling (HPA in dev, KEDA in prod), NetworkPolicies, the Ingress,
ServiceMonitors, the PrometheusRule and the dashboards; every object validated, built-in kinds
with kubernetes-validate and the operators' kinds against their JSON Schemas in
../shared/k8s-crd-schemas (read from there, never copied into the project)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.deploy.artifacts import (
    CONTAINER_PORT,
    DASHBOARDS,
    NAMESPACE,
    PROMETHEUS,
    REPLICATED,
    ROOT,
    SERVICES,
    conventions,
    script_topics,
)
from tests.deploy.test_k8s import OVERLAYS, Doc, k8s, of_kind, rendered, template_secrets

CRD_SCHEMAS = ROOT.parent / "shared" / "k8s-crd-schemas"
KUBERNETES_VERSION = "1.33.0"


@cache
def crd_schema(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def problems(doc: Doc) -> list[str]:
    group, _, version = doc.body["apiVersion"].rpartition("/")
    if group and "." in group and not group.endswith("k8s.io"):
        path = CRD_SCHEMAS / group / f"{doc.kind.lower()}_{version}.json"
        assert path.is_file(), f"no schema for {doc.kind} {doc.body['apiVersion']} in {path}"
        # Draft 7 as written; the Prometheus operator's schema holds a pattern (?i) that
        # Python's re rejects mid-expression, so the schema itself is not meta-checked.
        validator = jsonschema.Draft7Validator(crd_schema(path))
        return [error.message for error in validator.iter_errors(doc.body)]
    try:
        kubernetes_validate.validate(doc.body, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [str(error.message)]
    return []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_validates(overlay: str) -> None:
    assert CRD_SCHEMAS.is_dir(), f"{CRD_SCHEMAS} missing: the tests read ../shared/"
    for doc in rendered(overlay):
        assert problems(doc) == [], f"{overlay}: {doc.kind}/{doc.name}"


def test_the_validation_finds_a_mistake() -> None:
    topic = json.loads(json.dumps(k8s("KafkaTopic", "inventory-orders")))
    topic["spec"]["partitions"] = "six"
    assert problems(Doc("prod", topic))
    deployment = json.loads(json.dumps(k8s("Deployment", "reservation")))
    deployment["spec"]["replica"] = 2
    assert problems(Doc("prod", deployment))


@pytest.mark.parametrize(("overlay", "nodes"), [("dev", 1), ("prod", 3)])
def test_kafka_runs_kraft_through_strimzi(overlay: str, nodes: int) -> None:
    kafka = k8s("Kafka", "inventory", overlay)
    annotations = kafka["metadata"]["annotations"]
    assert annotations["strimzi.io/kraft"] == "enabled"
    assert annotations["strimzi.io/node-pools"] == "enabled"
    assert "zookeeper" not in kafka["spec"]
    (pool,) = of_kind("KafkaNodePool", overlay)
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == "inventory"
    assert set(pool["spec"]["roles"]) == {"controller", "broker"}
    assert pool["spec"]["replicas"] == nodes
    config = kafka["spec"]["kafka"]["config"]
    assert config["auto.create.topics.enable"] is False
    assert config["default.replication.factor"] == nodes
    assert config["offsets.topic.replication.factor"] == nodes
    assert config["min.insync.replicas"] == (2 if nodes == 3 else 1)
    (listener,) = [x for x in kafka["spec"]["kafka"]["listeners"] if x["name"] == "plain"]
    assert listener["port"] == conventions().ports["Kafka (PLAINTEXT)"]
    host, port = k8s("ConfigMap", "inventory-config", overlay)["data"][
        "KAFKA_BOOTSTRAP_SERVERS"
    ].split(":")
    assert host == f"inventory-kafka-bootstrap.{NAMESPACE}.svc.cluster.local"
    assert int(port) == listener["port"]


@pytest.mark.parametrize(("overlay", "replicas"), [("dev", 1), ("prod", 3)])
def test_every_topic_and_dlq_has_its_partitions(overlay: str, replicas: int) -> None:
    topics = {t["spec"]["topicName"]: t["spec"] for t in of_kind("KafkaTopic", overlay)}
    expected = {**script_topics(), **{f"{t}.dlq": n for t, n in script_topics().items()}}
    assert {name: spec["partitions"] for name, spec in topics.items()} == expected
    for spec in topics.values():
        assert spec["replicas"] == replicas
        assert spec["config"]["min.insync.replicas"] == (2 if replicas == 3 else 1)
    for topic in of_kind("KafkaTopic", overlay):
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "inventory"


@pytest.mark.parametrize(("overlay", "instances"), [("dev", 1), ("prod", 3)])
def test_postgres_cluster_with_a_database_per_service_and_backups(
    overlay: str, instances: int
) -> None:
    cluster = k8s("Cluster", "inventory-postgres", overlay)
    assert cluster["spec"]["instances"] == instances
    roles = {r["name"]: r for r in cluster["spec"]["managed"]["roles"]}
    databases = {d["spec"]["name"]: d["spec"] for d in of_kind("Database", overlay)}
    for service in SERVICES:
        name = conventions().database(service)
        assert databases[name]["owner"] == name, "each role owns its database"
        assert databases[name]["cluster"]["name"] == "inventory-postgres"
        secret = roles[name]["passwordSecret"]["name"]
        assert template_secrets()[secret]["username"] == name
    store = cluster["spec"]["backup"]["barmanObjectStore"]
    for credential in store["s3Credentials"].values():
        assert credential["key"] in template_secrets()[credential["name"]]
    (backup,) = of_kind("ScheduledBackup", overlay)
    assert backup["spec"]["cluster"]["name"] == "inventory-postgres"


def consumer_topics() -> dict[str, set[tuple[str, str]]]:
    """service -> (consumer group, topic) of every subscription it runs."""
    import alerting.consumer
    import approval.consumer
    import integration_gateway.consumer
    import replenishment.consumer
    import reservation.consumer
    import stock_ledger.consumer

    modules = {
        "stock-ledger": stock_ledger.consumer,
        "reservation": reservation.consumer,
        "replenishment": replenishment.consumer,
        "approval": approval.consumer,
        "alerting": alerting.consumer,
        "integration-gateway": integration_gateway.consumer,
    }
    found: dict[str, set[tuple[str, str]]] = {}
    for service, module in modules.items():
        for name, make in vars(module).items():
            if name.endswith("subscription") and callable(make):
                subscription = make()
                for topic in subscription.topic_names():
                    found.setdefault(service, set()).add((subscription.group_id, topic))
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_autoscaling_within_the_partitions_it_consumes(service: str) -> None:
    consumed = consumer_topics().get(service, set())
    ceiling = max((script_topics()[topic] for _, topic in consumed), default=4)
    minimum = REPLICATED.get(service, 1)
    hpa = k8s("HorizontalPodAutoscaler", service, "dev")["spec"]
    assert hpa["scaleTargetRef"]["name"] == service
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (minimum, ceiling)
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    scaled = k8s("ScaledObject", service, "prod")["spec"]
    assert scaled["scaleTargetRef"]["name"] == service
    assert (scaled["minReplicaCount"], scaled["maxReplicaCount"]) == (minimum, ceiling)
    lag = {
        (t["metadata"]["consumerGroup"], t["metadata"]["topic"])
        for t in scaled["triggers"]
        if t["type"] == "kafka"
    }
    assert lag == consumed
    assert any(t["type"] == "cpu" for t in scaled["triggers"])
    bootstrap = k8s("ConfigMap", "inventory-config", "prod")["data"]["KAFKA_BOOTSTRAP_SERVERS"]
    assert all(
        t["metadata"]["bootstrapServers"] == bootstrap
        for t in scaled["triggers"]
        if t["type"] == "kafka"
    )


def policies_for(service: str) -> list[dict[str, Any]]:
    labels = k8s("Deployment", service)["spec"]["template"]["metadata"]["labels"]
    return [
        p["spec"]
        for p in of_kind("NetworkPolicy")
        if p["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_network_policies_let_a_service_reach_only_what_it_needs(service: str) -> None:
    policies = policies_for(service)

    def dns_only(rule: dict[str, Any]) -> bool:
        return {port["port"] for port in rule["ports"]} == {53}

    default_deny = [
        p for p in policies if not p.get("ingress") and all(dns_only(r) for r in p["egress"])
    ]
    assert default_deny, "a default deny (DNS aside) covers the service"
    assert all({"Ingress", "Egress"} <= set(p["policyTypes"]) for p in policies)
    egress = [rule for p in policies for rule in p.get("egress", [])]
    peers = [peer for rule in egress for peer in rule["to"]]
    external = [peer for peer in peers if "ipBlock" in peer]
    if service in ("integration-gateway", "alerting", "approval"):
        (block,) = external
        assert "10.0.0.0/8" in block["ipBlock"]["except"], "never the cluster's own addresses"
    else:
        assert not external, f"{service} needs no outside address"
    targets = [peer["podSelector"]["matchLabels"] for peer in peers if "podSelector" in peer]
    assert {"cnpg.io/cluster": "inventory-postgres"} in targets
    assert any(t.get("strimzi.io/cluster") == "inventory" for t in targets)
    if service == "approval":  # the inbox's "why" reads both, and each lets approval in
        for owner in ("replenishment", "reservation"):
            assert {"app.kubernetes.io/name": owner} in targets
            allowed = [
                peer["podSelector"]["matchLabels"]
                for p in policies_for(owner)
                for rule in p.get("ingress", [])
                for peer in rule["from"]
                if "podSelector" in peer
            ]
            assert {"app.kubernetes.io/name": "approval"} in allowed
    ingress_ports = {
        port["port"] for p in policies for rule in p.get("ingress", []) for port in rule["ports"]
    }
    assert ingress_ports <= {CONTAINER_PORT}


def test_ingress_serves_the_gateway_and_the_web_pages() -> None:
    (ingress,) = of_kind("Ingress")
    backends = {
        rule["host"]: path["backend"]["service"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert {b["name"] for b in backends.values()} == {
        "integration-gateway",
        "stock-ledger",
        "approval",
    }
    for backend in backends.values():
        ports = [p["name"] for p in k8s("Service", backend["name"])["spec"]["ports"]]
        assert backend["port"]["name"] in ports
    issuer = k8s("ConfigMap", "inventory-config")["data"]["OIDC_ISSUER"]
    gateway_host = next(h for h, b in backends.items() if b["name"] == "integration-gateway")
    assert issuer == f"https://{gateway_host}"


@pytest.mark.parametrize("service", SERVICES)
def test_service_monitor_scrapes_each_service_as_its_job(service: str) -> None:
    monitor = k8s("ServiceMonitor", service)["spec"]
    svc = k8s("Service", service)
    assert monitor["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
    assert svc["metadata"]["labels"][monitor["jobLabel"]] == service
    (endpoint,) = monitor["endpoints"]
    assert endpoint["port"] in [p["name"] for p in svc["spec"]["ports"]]
    assert endpoint["path"] == "/metrics"


def test_prometheus_rule_holds_the_alert_rules() -> None:
    (rule,) = of_kind("PrometheusRule")
    alerts = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    assert rule["spec"]["groups"] == alerts["groups"], "copy alerts.yml's groups into it"


def test_every_dashboard_is_a_configmap_for_grafanas_sidecar() -> None:
    shipped = {
        key: text
        for config in of_kind("ConfigMap")
        if config["metadata"]["labels"].get("grafana_dashboard") == "1"
        for key, text in config["data"].items()
    }
    on_disk = {path.name: path.read_text() for path in DASHBOARDS.glob("*.json")}
    assert shipped == on_disk


def test_scaling_doc_states_each_services_groups_and_ceiling() -> None:
    """docs/scaling.md's table: the consumer groups, topics and partition counts each service
    runs, and the most instances that share the work, as the code and the topics say."""
    text = (ROOT / "docs" / "scaling.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] in SERVICES:
            rows[cells[0]] = cells
    assert set(rows) == set(SERVICES)
    for service, (_, groups, ceiling, _) in rows.items():
        consumed = consumer_topics()[service]
        for group, topic in consumed:
            short = topic.removeprefix("inventory.")
            assert f"`{group}`" in groups and f"{short} ({script_topics()[topic]})" in groups, (
                f"{service}: {group} on {topic}"
            )
        assert int(ceiling) == max(script_topics()[t] for _, t in consumed), service
