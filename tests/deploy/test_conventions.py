"""docs/conventions.md parses to the platform the deployment artifacts are checked against."""

from __future__ import annotations

from tests.deploy.artifacts import EXPECTED_SERVICES, SERVICES, conventions


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
