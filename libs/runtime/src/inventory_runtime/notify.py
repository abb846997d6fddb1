"""Notifications to a person on their own channel (e-mail, DingTalk, WeCom, Feishu, Slack, or a
webhook), sent by apprise: no hand-written IM client.

A service's settings subclass `NotifyingSettings`; `Notifier.from_settings(settings)` turns a
channel kind and the person's id on it (e-mail address, DingTalk mobile number, Slack member id,
...) into an apprise URL from the configured templates, checks every host the URL will contact
with the runtime's `OutboundGuard` (``OUTBOUND_ALLOWLIST``), and sends the title and body in a
worker thread with a timeout, so the event loop never waits on a slow SMTP server or chat API.

URL templates (``NOTIFY_<KIND>_URL``) replace the built-in ones; they may use ``{id}`` (the
person's id on the channel, URL-quoted), ``{token}`` (the channel's secret) and, for DingTalk,
``{secret}`` (its signing secret). Built in: e-mail from ``NOTIFY_SMTP_*``; DingTalk, WeCom and
Feishu group robots from ``NOTIFY_DINGTALK_TOKEN`` (+ ``NOTIFY_DINGTALK_SECRET``),
``NOTIFY_WECOM_KEY``, ``NOTIFY_FEISHU_TOKEN``; Slack from the bot token
``NOTIFY_SLACK_TOKEN`` to ``@<member id>``. A webhook has no built-in URL: set
``NOTIFY_WEBHOOK_URL`` (e.g. ``jsons://hooks.example.com/im?:to={id}``). A kind without a URL is
not `enabled`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Final, Literal, get_args
from urllib.parse import parse_qs, quote, urlsplit

import apprise
from pydantic import Field

from inventory_runtime.delivery import DeliveryFailed
from inventory_runtime.outbound import OutboundGuard
from inventory_runtime.settings import SecretSetting, ServiceSettings

ChannelKind = Literal["email", "dingtalk", "wecom", "feishu", "slack", "webhook"]
CHANNEL_KINDS: Final[tuple[ChannelKind, ...]] = get_args(ChannelKind)
IM_KINDS: Final[tuple[ChannelKind, ...]] = ("dingtalk", "wecom", "feishu", "slack")
"""The instant-messaging kinds, in the order a person's preferred one is chosen."""

SERVICE_HOSTS: Final[Mapping[str, tuple[str, ...]]] = {
    "dingtalk": ("oapi.dingtalk.com",),
    "wecombot": ("qyapi.weixin.qq.com",),
    "feishu": ("open.feishu.cn",),
    "lark": ("open.larksuite.com",),
    "slack": ("slack.com", "hooks.slack.com"),
}
"""The fixed hosts the apprise plugins of the chat services call."""
URL_HOST_SCHEMES: Final = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})
MAIL_SCHEMES: Final = frozenset({"mailto", "mailtos"})
SmtpSecurity = Literal["insecure", "starttls", "ssl"]


class NotifyError(ValueError):
    """A notification that cannot be sent as configured (no URL, an unknown scheme)."""


class NotifyingSettings(ServiceSettings):
    """Settings of a service that notifies people through apprise (env ``NOTIFY_*``)."""

    notify_smtp_host: str = ""
    """The SMTP server; empty: no e-mail."""
    notify_smtp_port: int = Field(587, ge=1, le=65535)
    notify_smtp_security: SmtpSecurity = "starttls"
    notify_smtp_from: str = "inventory@localhost"
    notify_smtp_user: str = ""
    notify_smtp_password: str = ""
    notify_dingtalk_token: str = ""
    notify_dingtalk_secret: str = ""
    notify_wecom_key: str = ""
    notify_feishu_token: str = ""
    notify_slack_token: str = ""
    notify_email_url: str = ""
    notify_dingtalk_url: str = ""
    notify_wecom_url: str = ""
    notify_feishu_url: str = ""
    notify_slack_url: str = ""
    notify_webhook_url: str = ""
    notify_send_timeout_seconds: float = Field(15.0, gt=0)

    secrets: ClassVar[Mapping[str, SecretSetting]] = {
        **ServiceSettings.secrets,
        **{
            name: SecretSetting(min_length=1)
            for name in (
                "notify_smtp_password",
                "notify_dingtalk_token",
                "notify_dingtalk_secret",
                "notify_wecom_key",
                "notify_feishu_token",
                "notify_slack_token",
            )
        },
    }


def _builtin_templates(settings: NotifyingSettings) -> dict[ChannelKind, str]:
    s = settings
    templates: dict[ChannelKind, str] = {}
    if s.notify_smtp_host:
        auth = ""
        if s.notify_smtp_user:
            auth = f"{quote(s.notify_smtp_user, safe='')}:{quote(s.notify_smtp_password, safe='')}@"
        host = quote(s.notify_smtp_host, safe="")
        sender = quote(s.notify_smtp_from, safe="")
        templates["email"] = (
            f"mailto://{auth}{host}:{s.notify_smtp_port}?smtp={host}&from={sender}"
            f"&to={{id}}&mode={s.notify_smtp_security}"
        )
    if s.notify_dingtalk_token:
        signing = "{secret}@" if s.notify_dingtalk_secret else ""
        templates["dingtalk"] = f"dingtalk://{signing}{{token}}/{{id}}"
    if s.notify_wecom_key:
        templates["wecom"] = "wecombot://{token}"
    if s.notify_feishu_token:
        templates["feishu"] = "feishu://{token}"
    if s.notify_slack_token:
        templates["slack"] = "slack://{token}/@{id}"
    return templates


@dataclass(frozen=True)
class ChannelTemplates:
    """The apprise URL template of each enabled channel kind, with the secrets they use."""

    templates: Mapping[ChannelKind, str]
    tokens: Mapping[ChannelKind, str] = field(default_factory=dict)
    dingtalk_secret: str = ""

    @classmethod
    def from_settings(cls, settings: NotifyingSettings) -> ChannelTemplates:
        templates = _builtin_templates(settings)
        for kind in CHANNEL_KINDS:
            override = getattr(settings, f"notify_{kind}_url")
            if override:
                templates[kind] = override
        tokens: dict[ChannelKind, str] = {
            "dingtalk": settings.notify_dingtalk_token,
            "wecom": settings.notify_wecom_key,
            "feishu": settings.notify_feishu_token,
            "slack": settings.notify_slack_token,
        }
        return cls(templates, tokens, settings.notify_dingtalk_secret)

    @property
    def enabled(self) -> tuple[ChannelKind, ...]:
        """The kinds that have a URL, in `CHANNEL_KINDS` order."""
        return tuple(kind for kind in CHANNEL_KINDS if kind in self.templates)

    def url(self, kind: ChannelKind, person_id: str) -> str:
        """The apprise URL that reaches `person_id` on `kind`."""
        template = self.templates.get(kind)
        if template is None:
            raise NotifyError(f"no {kind} channel is configured (NOTIFY_{kind.upper()}_URL)")
        if not person_id.strip():
            raise NotifyError(f"an empty {kind} id")
        return template.format(
            id=quote(person_id.strip(), safe="@"),
            token=quote(self.tokens.get(kind, ""), safe=""),
            secret=quote(self.dingtalk_secret, safe=""),
        )


def hosts_of(url: str) -> tuple[str, ...]:
    """The hosts an apprise URL makes the sender contact (the SMTP server for e-mail, the
    service's API for a chat robot, the URL's host for a generic webhook)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in SERVICE_HOSTS:
        return SERVICE_HOSTS[scheme]
    if scheme in MAIL_SCHEMES:
        smtp = parse_qs(parts.query).get("smtp", [""])[0]
        host = smtp or parts.hostname or ""
    elif scheme in URL_HOST_SCHEMES:
        host = parts.hostname or ""
    else:
        raise NotifyError(f"apprise scheme {scheme!r} is not one the platform sends through")
    if not host:
        raise NotifyError("the notification URL has no host")
    return (host,)


@dataclass(frozen=True)
class Notifier:
    """Sends a title and body to a person's id on a channel kind (`send`)."""

    channels: ChannelTemplates
    guard: OutboundGuard
    timeout_seconds: float = 15.0

    @classmethod
    def from_settings(cls, settings: NotifyingSettings) -> Notifier:
        return cls(
            ChannelTemplates.from_settings(settings),
            settings.outbound_guard,
            settings.notify_send_timeout_seconds,
        )

    async def send(self, kind: ChannelKind, person_id: str, title: str, body: str) -> None:
        """Send, or raise `DeliveryFailed` (refused address, apprise's failure, timeout) or
        `NotifyError` (not configured)."""
        url = self.channels.url(kind, person_id)
        for host in hosts_of(url):
            await self.guard.check_host(host)  # raises OutboundRefused (a ValueError)
        try:
            async with asyncio.timeout(self.timeout_seconds):
                await asyncio.to_thread(_send_blocking, url, title, body, self.timeout_seconds)
        except TimeoutError:
            raise DeliveryFailed(f"{kind}: no answer within {self.timeout_seconds:g} s") from None


def _send_blocking(url: str, title: str, body: str, timeout: float) -> None:
    sender = apprise.Apprise()
    if not sender.add(_with_timeouts(url, timeout)):
        raise NotifyError(f"apprise does not accept the {urlsplit(url).scheme} URL")
    with apprise.LogCapture(level=apprise.logging.WARNING) as log:  # type: ignore[no-untyped-call]
        sent = sender.notify(title=title, body=body)
        if not sent:
            problems = " ".join(str(log.getvalue()).split())[-400:]
            raise DeliveryFailed(problems or "apprise could not send the notification")


def _with_timeouts(url: str, timeout: float) -> str:
    """`url` with apprise's connect and read timeouts (its HTTP plugins honour them)."""
    if urlsplit(url).scheme.lower() in MAIL_SCHEMES:
        return url
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}cto={timeout:g}&rto={timeout:g}"
