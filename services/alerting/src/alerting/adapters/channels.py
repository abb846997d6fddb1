"""Notification channels: each sends a `Notification` one way.

E-mail, DingTalk, WeCom, Feishu and Slack send through apprise (`AppriseChannel`, over
`inventory_runtime.notify.Notifier`, URLs from `channel_configs`); the generic webhook is a
signed JSON POST of our own (`WebhookChannel`; apprise cannot sign). A channel is anything with
``async def send(notification) -> None`` that raises `ChannelError` on failure; `build_channel`
turns a stored channel (kind + decrypted config) into one. Every sender checks the hosts it
contacts with the outbound guard before each send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from inventory_runtime.delivery import DeliveryFailed
from inventory_runtime.notify import ChannelKind, Notifier, NotifyError
from inventory_runtime.outbound import OutboundGuard, OutboundRefused
from inventory_runtime.secret_box import SecretBox
from inventory_runtime.secret_settings import redact_url
from inventory_runtime.signing import signed_headers
from pydantic import BaseModel

from alerting.adapters.channel_configs import (
    APPRISE_KINDS,
    CONFIGS,
    EmailConfig,
    Language,
    WebhookConfig,
    recipient,
    templates_for,
)
from alerting.domain import Notification

__all__ = ["EmailConfig", "WebhookConfig"]


class ChannelError(Exception):
    """A channel could not deliver; the dispatcher records it and retries with backoff."""


class Channel(Protocol):
    """Sends notifications one way; raises when the notification did not get through."""

    async def send(self, notification: Notification) -> None: ...


SECRET_FIELDS = ("secret", "password", "token", "key")
"""Config fields stored encrypted and shown as ``***``: webhook and DingTalk signing secrets,
the SMTP password, the robots' tokens and keys."""


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


class AppriseChannel:
    """Sends through apprise (`inventory_runtime.notify.Notifier`): e-mail and the IM robots.
    The notifier checks every host the URL contacts with the outbound guard."""

    def __init__(self, kind: ChannelKind, config: BaseModel, notifier: Notifier) -> None:
        self._kind = kind
        self._config = config
        self._notifier = notifier

    async def send(self, notification: Notification) -> None:
        language: Language = getattr(self._config, "language", "bilingual")
        title = notification.title_in(language)
        body = notification.text_in(language)
        try:
            await self._notifier.send(self._kind, recipient(self._kind, self._config), title, body)
        except OutboundRefused as exc:
            raise ChannelError(f"outbound address refused: {exc}") from None
        except (DeliveryFailed, NotifyError) as exc:
            raise ChannelError(f"{self._kind}: {exc}") from exc


def build_channel(
    kind: str,
    config: dict[str, Any],
    *,
    http: httpx.AsyncClient,
    timeout: float,
    guard: OutboundGuard,
    url_overrides: Mapping[str, str] | None = None,
) -> Channel:
    """The channel for a stored kind and config (raises `ChannelError` for unknown kinds); it
    checks its hosts with `guard` before each send. `url_overrides`: ``NOTIFY_<KIND>_URL``."""
    if kind == "webhook":
        return WebhookChannel(WebhookConfig.model_validate(config), http, guard)
    if kind in APPRISE_KINDS:
        model = CONFIGS[kind].model_validate(config)
        templates = templates_for(kind, model, url_overrides or {})
        return AppriseChannel(kind, model, Notifier(templates, guard, timeout))
    raise ChannelError(f"unknown channel kind {kind!r}")
