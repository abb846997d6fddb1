"""docs/conventions.md parses to the platform the deployment artifacts are checked against."""

from __future__ import annotations

from tests.deploy.artifacts import EXPECTED_SERVICES, SERVICES, conventions
from tests.deploy.exported import defined_metrics, label_names


def test_conventions_parse_to_the_expected_platform() -> None:
    conv = conventions()
    assert set(conv.services) == EXPECTED_SERVICES
    assert {conv.ports[s] for s in SERVICES} == set(range(8001, 8007))
    assert conv.ports["PostgreSQL"] == 5432
    assert conv.ports["Kafka (PLAINTEXT)"] == 9092
    assert conv.ports["Kafka controller"] == 9093
    assert {"SERVICE_NAME", "DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "HTTP_PORT"} <= conv.env_vars
    assert conv.metrics["inventory_messages_consumed_total"].labels["outcome"] == frozenset(
        {
            "ok",
            "duplicate",
            "ignored",
            "dlq",
            "retry",
        }
    )
    assert conv.metrics["inventory_handler_duration_seconds"].type == "histogram"
    assert len(conv.metrics) >= 10


def test_every_metric_the_code_defines_is_documented_with_its_labels() -> None:
    documented = conventions().metrics
    defined = {name: set(label_names(metric)) for name, metric in defined_metrics().items()}
    assert set(defined) == set(documented), (
        f"defined, not in docs/conventions.md: {set(defined) - set(documented)}; "
        f"documented, not defined: {set(documented) - set(defined)}"
    )
    for name, labels in defined.items():
        assert labels == set(documented[name].labels), name


def test_business_metrics_are_never_per_sku() -> None:
    for name, metric in conventions().metrics.items():
        assert not {"sku", "order_id", "request_id"} & set(metric.labels), name
