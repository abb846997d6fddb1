"""Alert channels aimed inside the platform's network, as an attacker would register them: each
is refused with a field error and nothing is stored; a channel whose address turns internal
after it was saved (DNS rebinding) is refused before each send, recorded as a failed attempt."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from alerting.config import AlertingSettings
from alerting.main import create_app
from inventory_runtime.app import ServiceRuntime

from .conftest import Mailbox, WebhookReceiver, client_of
from .test_alerting_integration import BREACH, add_channels, consume, dispatch, inbound, rows

pytestmark = pytest.mark.integration

INSIDE_URLS = [
    "http://127.0.0.1:8005/v1/rules",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/",
    "http://[::1]/",
    "http://localhost:8006/",
    "http://2130706433/",
    "http://metadata.google.internal/computeMetadata/v1/",
]
INSIDE_HOSTS = ["127.0.0.1", "169.254.169.254", "10.0.0.1", "::1", "localhost", "0x7f000001"]


def _without_allowlist(runtime: ServiceRuntime) -> ServiceRuntime:
    settings = runtime.settings
    assert isinstance(settings, AlertingSettings)
    return replace(runtime, settings=settings.model_copy(update={"outbound_allowlist": ""}))


@pytest.fixture
async def strict_client(runtime: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    """The API of a deployment without an allow-list (production's default)."""
    strict = _without_allowlist(runtime)
    assert isinstance(strict.settings, AlertingSettings)
    app = create_app(strict.settings)
    app.state.runtime = strict
    async with client_of(app) as http:
        yield http


def _problem(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    return dict(problem)


@pytest.mark.parametrize("url", INSIDE_URLS)
async def test_a_webhook_channel_aimed_inside_is_refused_and_not_stored(
    strict_client: httpx.AsyncClient, url: str
) -> None:
    body = {"kind": "webhook", "name": "exfil", "config": {"url": url}}
    problem = _problem(await strict_client.post("/v1/channels", json=body))
    assert problem["field"] == "body.config.url"
    assert "OUTBOUND_ALLOWLIST" in problem["problem"]
    assert (await strict_client.get("/v1/channels")).json() == []


async def test_a_non_http_webhook_url_is_refused(strict_client: httpx.AsyncClient) -> None:
    body = {"kind": "webhook", "name": "ftp", "config": {"url": "ftp://erp.example.com/po"}}
    assert (await strict_client.post("/v1/channels", json=body)).status_code == 422


@pytest.mark.parametrize("host", INSIDE_HOSTS)
async def test_an_email_channel_with_an_internal_smtp_host_is_refused(
    strict_client: httpx.AsyncClient, host: str
) -> None:
    config = {"host": host, "port": 25, "from_address": "a@b.example", "to": ["x@y.example"]}
    body = {"kind": "email", "name": "relay", "config": config}
    problem = _problem(await strict_client.post("/v1/channels", json=body))
    assert problem["field"] == "body.config.host"
    assert (await strict_client.get("/v1/channels")).json() == []


async def test_replacing_a_channel_with_an_internal_url_is_refused(
    client: httpx.AsyncClient, strict_client: httpx.AsyncClient, webhook_receiver: WebhookReceiver
) -> None:
    ids = await add_channels(client, None, webhook_receiver)
    body = {"kind": "webhook", "name": "ops hook", "config": {"url": "http://10.0.0.1/"}}
    problem = _problem(await strict_client.put(f"/v1/channels/{ids['webhook']}", json=body))
    assert problem["field"] == "body.config.url"
    [stored] = (await client.get("/v1/channels")).json()
    assert stored["config"]["url"] == webhook_receiver.url


async def test_an_allow_listed_loopback_receiver_is_accepted_and_reached(
    client: httpx.AsyncClient, runtime: ServiceRuntime, webhook_receiver: WebhookReceiver
) -> None:
    await add_channels(client, None, webhook_receiver)  # 201 under the allow-list 127.0.0.0/8
    await consume(runtime, inbound(BREACH))
    await dispatch(runtime)
    assert len(webhook_receiver.received) == 1


async def test_an_address_gone_internal_after_saving_is_refused_before_each_send(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    webhook_receiver: WebhookReceiver,
    smtp_server: Mailbox,
) -> None:
    await add_channels(client, smtp_server, webhook_receiver)
    await consume(runtime, inbound(BREACH))
    # the addresses passed when saved; now they are refused (as a name rebound to 127.0.0.1 is)
    await dispatch(_without_allowlist(runtime))

    assert webhook_receiver.received == [] and smtp_server.messages == []
    log = await rows(runtime, "SELECT status, attempts, last_error FROM notifications")
    assert len(log) == 2
    for notification in log:
        assert (notification.status, notification.attempts) == ("failed", 3)
        assert "outbound address refused: 127.0.0.1 is a loopback" in notification.last_error
