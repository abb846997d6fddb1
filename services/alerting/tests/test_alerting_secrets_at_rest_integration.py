"""Channel secrets on a real PostgreSQL: the stored JSONB holds no webhook secret or SMTP
password in plaintext, the API keeps hiding them, and sending still signs and logs in with the
plaintext; a channel stored before encryption (plaintext) still sends, and its next write
encrypts it."""

from __future__ import annotations

import json

import httpx
import pytest
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.signing import verify

from .conftest import WebhookReceiver
from .test_alerting_integration import BREACH, SECRET, consume, dispatch, inbound, rows

pytestmark = pytest.mark.integration

PASSWORD = "smtp-password-never-stored-plain"


async def stored_configs(runtime: ServiceRuntime) -> dict[str, str]:
    return {
        row.name: row.config
        for row in await rows(runtime, "SELECT name, config::text FROM channels")
    }


async def add_webhook(client: httpx.AsyncClient, url: str) -> str:
    response = await client.post(
        "/v1/channels",
        json={"kind": "webhook", "name": "ops hook", "config": {"url": url, "secret": SECRET}},
    )
    assert response.status_code == 201, response.text
    assert response.json()["config"]["secret"] == "***"
    return str(response.json()["id"])


async def test_stored_channel_secrets_are_encrypted_and_webhooks_still_signed(
    client: httpx.AsyncClient, runtime: ServiceRuntime, webhook_receiver: WebhookReceiver
) -> None:
    await add_webhook(client, webhook_receiver.url)
    mail = await client.post(
        "/v1/channels",
        json={"kind": "email", "name": "ops mail", "enabled": False, "config": {
            "host": "127.0.0.1", "port": 2525, "from_address": "alerts@inventory.local",
            "to": ["ops@example.com"], "username": "alerts", "password": PASSWORD}},
    )  # fmt: skip
    assert mail.status_code == 201, mail.text
    assert mail.json()["config"]["password"] == "***"

    stored = await stored_configs(runtime)
    assert SECRET not in stored["ops hook"] and PASSWORD not in stored["ops mail"]
    assert json.loads(stored["ops hook"])["secret"].startswith("enc:v1:")
    assert json.loads(stored["ops mail"])["password"].startswith("enc:v1:")
    assert json.loads(stored["ops mail"])["username"] == "alerts"  # only secrets are sealed
    listed = json.dumps((await client.get("/v1/channels")).json())
    assert SECRET not in listed and PASSWORD not in listed and "enc:v1:" not in listed

    await consume(runtime, inbound(BREACH))
    await dispatch(runtime)
    [hook] = webhook_receiver.received
    headers = hook["headers"]
    assert verify(hook["body"], SECRET, headers["X-Signature"], headers["X-Signature-Timestamp"])


async def test_a_channel_stored_in_plaintext_still_sends_and_is_encrypted_on_its_next_write(
    client: httpx.AsyncClient, runtime: ServiceRuntime, webhook_receiver: WebhookReceiver
) -> None:
    channel_id = await add_webhook(client, webhook_receiver.url)
    legacy = json.dumps({"url": webhook_receiver.url, "secret": SECRET})
    async with runtime.engine.begin() as connection:
        await connection.exec_driver_sql(
            "UPDATE channels SET config = $1::jsonb WHERE id = $2", (legacy, channel_id)
        )
    await consume(runtime, inbound(BREACH))
    await dispatch(runtime)
    [hook] = webhook_receiver.received
    headers = hook["headers"]
    assert verify(hook["body"], SECRET, headers["X-Signature"], headers["X-Signature-Timestamp"])

    config = {"url": webhook_receiver.url, "secret": SECRET}
    replaced = await client.put(
        f"/v1/channels/{channel_id}", json={"kind": "webhook", "name": "ops hook", "config": config}
    )
    assert replaced.status_code == 200, replaced.text
    assert SECRET not in (await stored_configs(runtime))["ops hook"]
