"""Notification channels: each sends a `Notification` one way (webhook, email; IM later).

A channel is anything with ``async def send(notification) -> None`` that raises on failure;
`build_channel` turns a stored channel (kind + config) into one. A new kind (DingTalk, WeCom,
Feishu, Slack) adds a config model, a class, a branch in `build_channel`
and a request body in `api.schemas`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Annotated, Any, Protocol

import aiosmtplib
import httpx
from inventory_runtime.outbound import OutboundGuard, OutboundRefused
from inventory_runtime.secret_box import SecretBox
from inventory_runtime.secret_settings import redact_url
from inventory_runtime.signing import signed_headers
from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field

from alerting.domain import Notification

_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


def _address(value: str) -> str:
    if not _ADDRESS.match(value):
        raise ValueError(f"not an email address: {value!r}")
    return value


EmailAddress = Annotated[str, AfterValidator(_address)]


class ChannelError(Exception):
    """A channel could not deliver; the dispatcher records it and retries with backoff."""


class Channel(Protocol):
    """Sends notifications one way; raises when the notification did not get through."""

    async def send(self, notification: Notification) -> None: ...


class WebhookConfig(BaseModel):
    """POST the alert as JSON to `url`, signed with `secret` when one is set."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    secret: str | None = Field(None, min_length=8)


class EmailConfig(BaseModel):
    """Send a bilingual plain-text email through an SMTP server."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1)
    port: int = Field(587, ge=1, le=65535)
    from_address: EmailAddress
    to: list[EmailAddress] = Field(min_length=1)
    username: str | None = None
    password: str | None = None
    starttls: bool = Field(False, description="Upgrade the connection with STARTTLS.")
    use_tls: bool = Field(False, description="Connect with implicit TLS (usually port 465).")


SECRET_FIELDS = ("secret", "password")


def redacted(config: dict[str, Any]) -> dict[str, Any]:
    """A config as the API shows it and the audit log records it: secrets, passwords and a
    password inside the URL replaced by ``"***"``."""
    return {
        k: "***"
        if k in SECRET_FIELDS and v
        else redact_url(v)
        if k == "url" and isinstance(v, str)
        else v
        for k, v in config.items()
    }


def sealed(config: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    """A config as stored: its secret fields encrypted with `box` (DATA_ENCRYPTION_KEY)."""
    return {
        k: (box.encrypt(v) if k in SECRET_FIELDS and isinstance(v, str) else v)
        for k, v in config.items()
    }


def opened(config: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    """A stored config with its secret fields decrypted (a legacy plaintext reads as is)."""
    return {
        k: (box.decrypt(v) if k in SECRET_FIELDS and isinstance(v, str) else v)
        for k, v in config.items()
    }


async def check_address(guard: OutboundGuard, kind: str, config: dict[str, Any]) -> None:
    """Refuse (`OutboundRefused`) a channel whose webhook URL or SMTP host is internal and not
    allow-listed: checked when a channel is saved and again before each send."""
    if kind == "webhook":
        await guard.check_url(str(config["url"]))
    elif kind == "email":
        await guard.check_host(str(config["host"]))


ADDRESS_FIELDS = {"webhook": "url", "email": "host"}
"""The config field `check_address` looks at, per kind."""


async def _guarded(guard: OutboundGuard, kind: str, config: dict[str, Any]) -> None:
    try:
        await check_address(guard, kind, config)
    except OutboundRefused as exc:
        raise ChannelError(f"outbound address refused: {exc}") from None


class WebhookChannel:
    """POSTs `Notification.as_json()`; any non-2xx answer is a failure."""

    def __init__(
        self, config: WebhookConfig, client: httpx.AsyncClient, guard: OutboundGuard
    ) -> None:
        self._config = config
        self._client = client
        self._guard = guard

    async def send(self, notification: Notification) -> None:
        await _guarded(self._guard, "webhook", {"url": str(self._config.url)})
        body = json.dumps(notification.as_json(), ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Alert-Id": notification.alert_id,
            **signed_headers(body, self._config.secret, datetime.now(UTC)),
        }
        try:
            response = await self._client.post(str(self._config.url), content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise ChannelError(f"HTTP {response.status_code}: {response.text[:200]}")


def email_message(notification: Notification, config: EmailConfig) -> EmailMessage:
    """The MIME message: bilingual subject and UTF-8 plain-text body, Chinese first."""
    message = EmailMessage()
    message["Subject"] = notification.email_subject
    message["From"] = config.from_address
    message["To"] = ", ".join(config.to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=config.from_address.rsplit("@", 1)[-1])
    message["X-Alert-Id"] = notification.alert_id
    message.set_content(notification.plain_text(), charset="utf-8")
    return message


class EmailChannel:
    """Sends `email_message` over SMTP (aiosmtplib)."""

    def __init__(self, config: EmailConfig, timeout: float, guard: OutboundGuard) -> None:
        self._config = config
        self._timeout = timeout
        self._guard = guard

    async def send(self, notification: Notification) -> None:
        config = self._config
        await _guarded(self._guard, "email", {"host": config.host})
        try:
            await aiosmtplib.send(
                email_message(notification, config),
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                start_tls=config.starttls,
                use_tls=config.use_tls,
                timeout=self._timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc


def build_channel(
    kind: str,
    config: dict[str, Any],
    *,
    http: httpx.AsyncClient,
    timeout: float,
    guard: OutboundGuard,
) -> Channel:
    """The channel for a stored kind and config (raises `ChannelError` for unknown kinds); it
    checks its address with `guard` before each send."""
    if kind == "webhook":
        return WebhookChannel(WebhookConfig.model_validate(config), http, guard)
    if kind == "email":
        return EmailChannel(EmailConfig.model_validate(config), timeout, guard)
    raise ChannelError(f"unknown channel kind {kind!r}")
