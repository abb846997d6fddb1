"""Notifications through apprise: the URL a person's channel id becomes, the hosts the guard
checks before anything is sent, and real sends to the testkit's SMTP server and webhook
receiver (what a person on e-mail or on an IM webhook receives)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from inventory_runtime.delivery import DeliveryFailed
from inventory_runtime.notify import (
    ChannelTemplates,
    Notifier,
    NotifyError,
    NotifyingSettings,
    hosts_of,
)
from inventory_runtime.outbound import OutboundGuard, OutboundRefused
from inventory_runtime.settings import undeclared_secrets
from inventory_testkit.standins import SmtpServer, WebhookReceiver, body_of, subject_of


def settings(**values: Any) -> NotifyingSettings:
    return NotifyingSettings(service_name="notify-test", **values)


def test_each_kind_becomes_the_apprise_url_of_its_configured_channel() -> None:
    channels = ChannelTemplates.from_settings(
        settings(
            notify_smtp_host="smtp.example.com",
            notify_smtp_port=2525,
            notify_smtp_from="approvals@example.com",
            notify_smtp_user="mailer",
            notify_smtp_password="p@ss word",
            notify_dingtalk_token="dt-token",
            notify_dingtalk_secret="dt-secret",
            notify_wecom_key="wc-key",
            notify_feishu_token="fs-token",
            notify_slack_token="xoxb-1-2",
            notify_webhook_url="jsons://hooks.example.com/im?:to={id}",
        )
    )
    assert channels.enabled == ("email", "dingtalk", "wecom", "feishu", "slack", "webhook")
    assert channels.url("email", "wang@example.com") == (
        "mailto://mailer:p%40ss%20word@smtp.example.com:2525?smtp=smtp.example.com"
        "&from=approvals%40example.com&to=wang@example.com&mode=starttls"
    )
    assert channels.url("dingtalk", "13800138000") == "dingtalk://dt-secret@dt-token/13800138000"
    assert channels.url("wecom", "wang") == "wecombot://wc-key"
    assert channels.url("feishu", "ou_1") == "feishu://fs-token"
    assert channels.url("slack", "U024BE7LH") == "slack://xoxb-1-2/@U024BE7LH"
    assert channels.url("webhook", "wang manager") == (
        "jsons://hooks.example.com/im?:to=wang%20manager"
    )


def test_a_template_replaces_the_built_in_url_and_an_unconfigured_kind_is_refused() -> None:
    channels = ChannelTemplates.from_settings(
        settings(notify_dingtalk_url="json://im.example.com/dingtalk?:to={id}")
    )
    assert channels.enabled == ("dingtalk",)
    assert channels.url("dingtalk", "wang-dt") == "json://im.example.com/dingtalk?:to=wang-dt"
    with pytest.raises(NotifyError, match="no email channel is configured"):
        channels.url("email", "wang@example.com")
    with pytest.raises(NotifyError, match="empty"):
        channels.url("dingtalk", " ")


def test_a_hostile_id_cannot_add_parameters_or_hosts_to_the_url() -> None:
    channels = ChannelTemplates.from_settings(
        settings(notify_smtp_host="smtp.example.com", notify_slack_token="xoxb-1")
    )
    url = channels.url("email", "x@example.com&smtp=169.254.169.254")
    assert hosts_of(url) == ("smtp.example.com",)
    assert "&smtp=169" not in url and "%26smtp%3D169.254.169.254" in url
    assert channels.url("slack", "U1/../#general") == "slack://xoxb-1/@U1%2F..%2F%23general"


def test_the_guard_sees_the_hosts_the_send_will_contact() -> None:
    assert hosts_of("dingtalk://t/138") == ("oapi.dingtalk.com",)
    assert hosts_of("slack://xoxb/@U1") == ("slack.com", "hooks.slack.com")
    assert hosts_of("mailto://example.com:25?smtp=10.0.0.5&to=a@b.c") == ("10.0.0.5",)
    assert hosts_of("json://169.254.169.254/latest?:to=x") == ("169.254.169.254",)
    with pytest.raises(NotifyError, match="'syslog'"):
        hosts_of("syslog://127.0.0.1")


async def test_an_internal_address_is_refused_before_anything_is_sent() -> None:
    receiver = WebhookReceiver()
    receiver.start()
    try:
        url = receiver.url.replace("http://", "json://")
        notifier = Notifier(
            ChannelTemplates.from_settings(settings(notify_webhook_url=url)), OutboundGuard()
        )
        with pytest.raises(OutboundRefused, match="loopback"):
            await notifier.send("webhook", "wang", "title", "body")
        assert receiver.received == []
    finally:
        receiver.stop()


def test_every_notify_secret_is_checked_outside_development() -> None:
    assert undeclared_secrets(NotifyingSettings) == []


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    hook.start()
    yield hook
    hook.stop()


async def test_an_email_reaches_the_smtp_server_in_chinese(smtp: SmtpServer) -> None:
    notifier = Notifier.from_settings(
        settings(
            notify_smtp_host="127.0.0.1",
            notify_smtp_port=smtp.port,
            notify_smtp_security="insecure",
            notify_smtp_from="approvals@example.com",
            outbound_allowlist="127.0.0.1",
        )
    )
    await notifier.send("email", "li.finance@example.com", "待审批：采购申请", "请审批 PR-1")
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "li.finance@example.com"
    assert subject_of(mail) == "待审批：采购申请"
    assert "请审批 PR-1" in body_of(mail)


async def test_a_webhook_kind_posts_title_body_and_the_person(receiver: WebhookReceiver) -> None:
    url = receiver.url.replace("http://", "json://") + "?:to={id}"
    notifier = Notifier.from_settings(
        settings(notify_dingtalk_url=url, outbound_allowlist="127.0.0.1")
    )
    await notifier.send("dingtalk", "wang-dt", "New task", "Please approve PR-1")
    (request,) = receiver.received
    assert request.json["title"] == "New task"
    assert request.json["message"] == "Please approve PR-1"
    assert request.json["to"] == "wang-dt"


async def test_a_failing_receiver_is_a_delivery_failure(receiver: WebhookReceiver) -> None:
    receiver.fail_first = 1
    url = receiver.url.replace("http://", "json://")
    notifier = Notifier.from_settings(
        settings(notify_webhook_url=url, outbound_allowlist="127.0.0.1")
    )
    with pytest.raises(DeliveryFailed, match="503"):
        await notifier.send("webhook", "wang", "title", "body")


async def test_a_send_never_blocks_the_event_loop_past_its_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)  # accepts, never answers
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    notifier = Notifier(
        ChannelTemplates.from_settings(settings(notify_webhook_url=f"json://127.0.0.1:{port}/")),
        OutboundGuard.from_allowlist("127.0.0.1"),
        timeout_seconds=0.5,
    )
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.create_task(tick())
    with pytest.raises(DeliveryFailed):
        await notifier.send("webhook", "wang", "title", "body")
    ticker.cancel()
    server.close()
    assert ticks >= 5  # the loop kept running while the send waited
