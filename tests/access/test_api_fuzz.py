"""Schemathesis against all six services, each running for real (uvicorn, a migrated
database, the test broker), with an administrator's valid token: whatever schemathesis
generates from the OpenAPI, no answer is a 5xx and every answer matches its schema.

The module runs before the e2e suite (``tests/access`` sorts first): its synchronous tests hold
the session's event loop for minutes, which a session-long Kafka consumer does not survive.
Examples per operation are bounded (``FUZZ_EXAMPLES``, default 8) so the run fits in CI;
each service's request count is printed at the end of its module run.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from inventory_runtime.auth.testing import TEST_ISSUER
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.access.live import live_service

pytestmark = pytest.mark.integration

EXAMPLES = int(os.getenv("FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
ADMIN = {
    "Authorization": f"Bearer {TEST_ISSUER.token('admin', login='fuzz.admin', expires_in=7200)}"
}
REQUESTS: Counter[str] = Counter()
SERVER_ERRORS: Counter[str] = Counter()


def fuzz_operation(service: str, operation: Any) -> list[str]:
    """Run `operation`'s generated cases; the failures found (at most one per operation:
    hypothesis stops at the first and shrinks it)."""
    failures: list[str] = []

    @FUZZ
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case[Any]) -> None:
        REQUESTS[service] += 1
        case.call_and_validate(
            headers=ADMIN, checks=[not_a_server_error, response_schema_conformance], timeout=30
        )

    try:
        run()
    except Exception as exc:  # a failed check, reported with the operation it came from
        SERVER_ERRORS[service] += 1
        failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    return failures


def fuzz(service: str, base: str) -> list[str]:
    """Every operation of the service's OpenAPI fuzzed; the failures found."""
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err raises: schema broken
        failures += fuzz_operation(service, operation)
    print(  # the figures the closing note quotes
        f"\nschemathesis {service}: {REQUESTS[service]} requests, "
        f"{SERVER_ERRORS[service]} operations failing",
        file=sys.__stderr__,
    )
    return failures


def build_stock_ledger(overrides: dict[str, Any]) -> FastAPI:
    from stock_ledger.config import StockLedgerSettings
    from stock_ledger.main import create_app

    return create_app(StockLedgerSettings(**overrides))


def build_reservation(overrides: dict[str, Any]) -> FastAPI:
    from reservation.config import ReservationSettings
    from reservation.main import create_app

    return create_app(ReservationSettings(**overrides))


def build_replenishment(overrides: dict[str, Any]) -> FastAPI:
    from replenishment.config import ReplenishmentSettings
    from replenishment.main import create_app

    return create_app(ReplenishmentSettings(**overrides))


def build_approval(overrides: dict[str, Any]) -> FastAPI:
    from approval.config import ApprovalSettings
    from approval.main import create_app

    return create_app(ApprovalSettings(**overrides))


def build_alerting(overrides: dict[str, Any]) -> FastAPI:
    from alerting.config import AlertingSettings
    from alerting.main import create_app

    return create_app(AlertingSettings(**overrides))


def build_gateway(overrides: dict[str, Any]) -> FastAPI:
    from integration_gateway.config import IntegrationGatewaySettings
    from integration_gateway.main import create_app

    return create_app(IntegrationGatewaySettings(**overrides))


def migrations_of(package: str) -> Path:
    return Path(importlib.import_module(f"{package}.main").__file__ or "").parent / "migrations"


SERVICES: list[tuple[str, str, Callable[[dict[str, Any]], FastAPI]]] = [
    ("stock-ledger", "stock_ledger", build_stock_ledger),
    ("reservation", "reservation", build_reservation),
    ("replenishment", "replenishment", build_replenishment),
    ("approval", "approval", build_approval),
    ("alerting", "alerting", build_alerting),
    ("integration-gateway", "integration_gateway", build_gateway),
]


@pytest.mark.parametrize(("service", "package", "build"), SERVICES, ids=[s[0] for s in SERVICES])
def test_no_generated_request_gets_a_5xx_or_an_answer_off_its_schema(
    service: str,
    package: str,
    build: Callable[[dict[str, Any]], FastAPI],
    database_url: str,
    kafka_bootstrap: str,
) -> None:
    with live_service(
        service,
        migrations_of(package),
        build,
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
    ) as base:
        failures = fuzz(service, base)
    assert REQUESTS[service] > 0
    assert not failures, "\n\n".join(failures)
