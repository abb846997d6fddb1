"""Alert channels sending through apprise on a real PostgreSQL: each IM kind (its URL pointed
at a local receiver by ``NOTIFY_<KIND>_URL``) and e-mail to a local SMTP server get the alert in
the channel's language, with the decrypted token; a failing receiver is retried, then the
notification is dead-lettered (``failed``) with its error."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from alerting.config import AlertingSettings
from inventory_runtime.app import ServiceRuntime
from inventory_testkit.standins import SmtpServer, WebhookReceiver, body_of, subject_of

from .test_alerting_integration import BREACH, consume, dispatch, inbound, rows

pytestmark = pytest.mark.integration

IM_KINDS = ("dingtalk", "wecom", "feishu", "slack")
CONFIGS: dict[str, dict[str, Any]] = {
    "dingtalk": {"token": "dingtoken123", "secret": "SECsign123", "mobiles": ["13800000000"],
                 "language": "zh-CN"},
    "wecom": {"key": "wecom-key-123", "language": "en"},
    "feishu": {"token": "feishu_token_123"},
    "slack": {"token": "xoxb-1234-5678-abcdef", "channel": "#alerts"},
}  # fmt: skip
SECRETS = {"dingtalk": "dingtoken123", "wecom": "wecom-key-123", "feishu": "feishu_token_123",
           "slack": "xoxb-1234-5678-abcdef"}  # fmt: skip
RECIPIENTS = {"dingtalk": "13800000000", "wecom": "all", "feishu": "all", "slack": "#alerts"}


@pytest.fixture
def receivers() -> Iterator[dict[str, WebhookReceiver]]:
    started = {kind: WebhookReceiver() for kind in IM_KINDS}
    for receiver in started.values():
        receiver.start()
    yield started
    for receiver in started.values():
        receiver.stop()


def aimed_at(runtime: ServiceRuntime, receivers: dict[str, WebhookReceiver]) -> ServiceRuntime:
    """The runtime with each IM kind's URL template pointed at its receiver (apprise's json://
    plugin; ``:to`` and ``:key`` add the recipient and the decrypted token to the JSON)."""
    settings = runtime.settings
    assert isinstance(settings, AlertingSettings)
    templates = {
        f"notify_{kind}_url": receiver.url.replace("http://", "json://") + "?:to={id}&:key={token}"
        for kind, receiver in receivers.items()
    }
    return replace(runtime, settings=settings.model_copy(update=templates))


async def add(client: httpx.AsyncClient, kind: str, config: dict[str, Any]) -> str:
    response = await client.post(
        "/v1/channels", json={"kind": kind, "name": f"{kind} channel", "config": config}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def log(client: httpx.AsyncClient) -> dict[str, tuple[str, int, str | None]]:
    found = (await client.get("/v1/notifications")).json()
    return {n["channel_kind"]: (n["status"], n["attempts"], n["last_error"]) for n in found}


async def test_each_im_kind_gets_the_alert_in_its_language_with_its_token(
    client: httpx.AsyncClient, runtime: ServiceRuntime, receivers: dict[str, WebhookReceiver]
) -> None:
    for kind in IM_KINDS:
        await add(client, kind, CONFIGS[kind])
    shown = {c["kind"]: c["config"] for c in (await client.get("/v1/channels")).json()}
    assert shown["dingtalk"]["token"] == shown["dingtalk"]["secret"] == "***"
    assert shown["wecom"]["key"] == shown["slack"]["token"] == "***"
    stored = " ".join(r.config for r in await rows(runtime, "SELECT config::text FROM channels"))
    assert not any(secret in stored for secret in SECRETS.values())

    await consume(runtime, inbound(BREACH))
    await dispatch(aimed_at(runtime, receivers))

    posts = {kind: receiver.received for kind, receiver in receivers.items()}
    assert {kind: len(received) for kind, received in posts.items()} == dict.fromkeys(IM_KINDS, 1)
    sent = {kind: received[0].json for kind, received in posts.items()}
    for kind in IM_KINDS:
        assert (sent[kind]["to"], sent[kind]["key"]) == (RECIPIENTS[kind], SECRETS[kind])
    assert sent["dingtalk"]["title"] == "[预警 · 警告] 库存低于再订货点：SKU-1 @ WH1"
    assert "再订货点 5" in sent["dingtalk"]["message"]
    assert "reorder point" not in sent["dingtalk"]["message"]
    assert sent["wecom"]["title"] == "[Alert · warning] Stock below reorder point: SKU-1 @ WH1"
    assert "再订货点" not in sent["wecom"]["message"]
    for bilingual in ("feishu", "slack"):
        message = sent[bilingual]["message"]
        assert message.index("再订货点 5") < message.index("reorder point 5")
    assert await log(client) == {kind: ("sent", 1, None) for kind in IM_KINDS}


async def test_email_reaches_the_smtp_server_in_the_channels_language(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    smtp = SmtpServer()
    smtp.start()
    try:
        await add(client, "email", {
            "host": "127.0.0.1", "port": smtp.port, "from_address": "alerts@example.com",
            "to": ["buyer@example.com"], "language": "en"})  # fmt: skip
        await consume(runtime, inbound(BREACH))
        await dispatch(runtime)
    finally:
        smtp.stop()
    [mail] = smtp.messages
    assert mail["To"] == "buyer@example.com"
    assert subject_of(mail) == "[Alert · warning] Stock below reorder point: SKU-1 @ WH1"
    assert "inventory position 3 ≤ reorder point 5" in body_of(mail)
    assert "再订货点" not in body_of(mail)
    assert await log(client) == {"email": ("sent", 1, None)}


async def test_a_failing_receiver_is_retried_then_the_notification_fails(
    client: httpx.AsyncClient, runtime: ServiceRuntime, receivers: dict[str, WebhookReceiver]
) -> None:
    receivers["wecom"].fail_first = 1  # recovers on the second attempt
    receivers["feishu"].fail_first = 100  # never recovers
    await add(client, "wecom", CONFIGS["wecom"])
    await add(client, "feishu", CONFIGS["feishu"])
    await consume(runtime, inbound(BREACH))
    await dispatch(aimed_at(runtime, receivers))

    outcome = await log(client)
    assert outcome["wecom"] == ("sent", 2, None)
    status, attempts, error = outcome["feishu"]
    assert (status, attempts) == ("failed", 3) and error and "feishu" in error
    assert len(receivers["feishu"].received) == 3


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("dingtalk", {"token": "dingtoken123", "mobiles": ["call me"]}, "config.mobiles.0"),
        ("wecom", {"key": "no spaces allowed"}, "config.key"),
        ("feishu", {"token": "feishu_token_123", "webhook": "x"}, "config.webhook"),
        ("slack", {"token": "xoxb-1234-5678-abcdef"}, "config.channel"),
    ],
)
async def test_a_bad_im_config_is_refused_naming_the_field(
    client: httpx.AsyncClient, kind: str, config: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/v1/channels", json={"kind": kind, "name": "bad", "config": config}
    )
    assert response.status_code == 422, response.text
    assert any(p["field"].endswith(field) for p in response.json()["detail"]), response.text
