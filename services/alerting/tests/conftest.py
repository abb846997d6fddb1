"""Fixtures of alerting's integration tests: a migrated database, the app, local receivers."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.config import AlertingSettings
from alerting.main import MIGRATIONS, create_app
from fastapi import FastAPI
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import create_engine, create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import text

LOCAL_RECEIVERS = "127.0.0.0/8"
"""The receivers of these tests listen on 127.0.0.1, which the outbound guard refuses unless
allow-listed, as `scripts/services.sh` allow-lists it in development."""


SHIPPED_RULES = (
    "('low_stock', 'reservation_rejected', 'class_a_sell_through_drop', 'dead_stock', "
    "'stock_over_365_days')"
)
"""The rules the migrations ship; a test's own rules are deleted before the next test."""


@pytest.fixture(scope="module")
async def alerting_db(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    url = await fresh_database(database_url, f"alerting_{Path(request.path).stem[-20:]}")
    await migrate_async(url, MIGRATIONS)
    yield url
    await drop_database(url)


@pytest.fixture
async def runtime(alerting_db: str) -> AsyncIterator[ServiceRuntime]:
    """A runtime on the test database: no Kafka, no relay (the outbox is asserted instead)."""
    settings = AlertingSettings(
        database_url=alerting_db,
        outbound_allowlist=LOCAL_RECEIVERS,
        notification_backoff_base_seconds=0.05,
        notification_backoff_cap_seconds=0.1,
        notification_max_attempts=3,
        notification_timeout_seconds=3,
    )
    engine = create_engine(settings)
    factory = create_session_factory(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "TRUNCATE outbox, inbox, notifications, alerts, channels, "
                "kpi_days, kpi_weeks, kpi_points, kpi_items, kpi_purchase_orders, kpi_approvals"
            )
        )
        await connection.execute(text(f"DELETE FROM rules WHERE id NOT IN {SHIPPED_RULES}"))
        await connection.execute(
            text(
                "DELETE FROM rule_versions "
                "WHERE version > 1 OR rule_id NOT IN (SELECT id FROM rules)"
            )
        )
        await connection.execute(
            text(
                "UPDATE rules SET enabled = true, channel_ids = '{}', version = 1, "
                "next_evaluation_at = NULL"
            )
        )

    def uow_factory() -> AlertingUnitOfWork:
        return AlertingUnitOfWork(factory, source=settings.event_source)

    yield ServiceRuntime(settings, engine, factory, uow_factory)
    await engine.dispose()


ADMIN_LOGIN = "wu.admin"
"""The login of `client`'s token, which holds every role."""


@pytest.fixture
def app(runtime: ServiceRuntime) -> FastAPI:
    settings = runtime.settings
    assert isinstance(settings, AlertingSettings)
    service: FastAPI = create_app(settings)
    service.state.runtime = runtime
    return service


def client_of(app: FastAPI, *roles: str, login: str = ADMIN_LOGIN) -> httpx.AsyncClient:
    """A client of `app` whose requests carry a test token of `login` with `roles` (every role
    when none given)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://alerting",
        headers=TEST_ISSUER.headers(*roles, login=login),
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client authenticated as `ADMIN_LOGIN`, holding every role."""
    async with client_of(app) as http:
        yield http


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[dict[str, Any]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "raw": envelope.content}
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""
    mailbox = Mailbox("127.0.0.1", _free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@dataclass
class WebhookReceiver:
    failures: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """An HTTP endpoint on 127.0.0.1 answering 500 `failures` times, then 200."""
    state = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append({"body": body, "headers": dict(self.headers)})
            failing = len(state.received) <= state.failures
            self.send_response(500 if failing else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/alerts"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()
