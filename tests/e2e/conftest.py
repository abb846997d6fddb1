"""Fixtures of the e2e suite: the running services, a Kafka watcher, an ERP, an SMTP server."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from inventory_testkit.approver_channels import announce_contacts
from inventory_testkit.demo_seed import seed_demo
from inventory_testkit.kafka import KafkaWatcher
from inventory_testkit.platform import not_ready
from inventory_testkit.standins import (
    APPROVAL_IM_PORT,
    APPROVAL_SMTP_PORT,
    SmtpServer,
    WebhookReceiver,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def services_up() -> None:
    """Every service ready; a check failing for a moment (the machine busy) gets a minute."""
    deadline = time.monotonic() + 60
    while (down := not_ready()) and time.monotonic() < deadline:
        time.sleep(2)
    if down:
        pytest.fail(
            f"services not ready: {', '.join(down)}. Start the stack with `make up`.",
            pytrace=False,
        )


@pytest.fixture(scope="session", autouse=True)
async def demo_approvers(services_up: None) -> None:
    """The demo people (who log in) and approvers (wang.manager, li.finance, zhao.warehouse):
    development data that no migration makes, seeded (idempotently) through the APIs."""
    await seed_demo()


@pytest.fixture(scope="session")
async def watcher(kafka_bootstrap: str, services_up: None) -> AsyncIterator[KafkaWatcher]:
    kafka_watcher = KafkaWatcher(kafka_bootstrap)
    await kafka_watcher.start()
    yield kafka_watcher
    await kafka_watcher.stop()


@pytest.fixture(scope="session")
def erp() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(fail_first=1)  # the gateway must retry a failed delivery
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def chat_webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


# The approvers' channels as the running approval service sends to them in development
# (scripts/services.sh): an IM webhook stand-in and an SMTP server on fixed ports.
@pytest.fixture(scope="module")
def im() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(port=APPROVAL_IM_PORT)
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def mailbox() -> Iterator[SmtpServer]:
    server = SmtpServer(port=APPROVAL_SMTP_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def approvers_reachable() -> None:
    """The demo approvers' addresses, announced afresh (`announce_contacts`)."""
    await announce_contacts()
