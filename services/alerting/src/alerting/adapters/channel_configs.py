"""What each channel kind is configured with, and the apprise URL it sends through.

E-mail and the IM robots (DingTalk, WeCom, Feishu, Slack) send through apprise: `templates_for`
turns a channel's config into the `ChannelTemplates` of `inventory_runtime.notify` (the URL with
``{id}``, ``{token}`` and ``{secret}`` filled in at send time from `recipient` and the channel's
decrypted secrets). ``NOTIFY_<KIND>_URL`` replaces a kind's built-in URL (a local receiver in
tests, a proxy in a closed network). The generic webhook is signed by alerting itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Final, Literal
from urllib.parse import quote

from inventory_runtime.notify import ChannelKind, ChannelTemplates
from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field

Language = Literal["bilingual", "zh-CN", "en"]
"""The language of a channel's messages: both (Chinese first, the default), or one."""

APPRISE_KINDS: Final[tuple[ChannelKind, ...]] = ("email", "dingtalk", "wecom", "feishu", "slack")
"""The kinds sent through apprise; ``webhook`` is alerting's own signed POST."""

_ADDRESS = re.compile(r"^[^@\s<>,]+@[^@\s<>,]+$")
_ALNUM = r"^[A-Za-z0-9]+$"
_KEY = r"^[A-Za-z0-9_\-]+$"
_MOBILE = re.compile(r"^\+?\d{5,20}$")
NO_ID: Final = "all"
"""The recipient of a robot that posts to its one group (WeCom, Feishu, DingTalk to all)."""


def _address(value: str) -> str:
    if not _ADDRESS.match(value):
        raise ValueError(f"not an email address: {value!r}")
    return value


def _mobile(value: str) -> str:
    if not _MOBILE.match(value):
        raise ValueError(f"not a mobile number: {value!r}")
    return value


EmailAddress = Annotated[str, AfterValidator(_address)]
Mobile = Annotated[str, AfterValidator(_mobile)]
AlnumToken = Annotated[str, Field(min_length=8, max_length=200, pattern=_ALNUM)]
"""A DingTalk access token or signing secret (letters and digits, as apprise accepts)."""
KeyToken = Annotated[str, Field(min_length=8, max_length=200, pattern=_KEY)]
"""A WeCom key or Feishu token (letters, digits, ``_`` and ``-``)."""
SlackToken = Annotated[
    str, Field(min_length=8, max_length=200, pattern=r"^(?:xoxe\.)?xox[abp]-[A-Za-z0-9-]+$")
]
"""A Slack bot or user token (``xoxb-...``)."""


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language = "bilingual"


class WebhookConfig(_Config):
    """POST the alert as JSON to `url`, signed with `secret` when one is set."""

    url: AnyHttpUrl
    secret: str | None = Field(None, min_length=8)


class EmailConfig(_Config):
    """Send a plain-text e-mail through an SMTP server (apprise)."""

    host: str = Field(min_length=1, pattern=r"^[A-Za-z0-9.\-:\[\]]+$")
    port: int = Field(587, ge=1, le=65535)
    from_address: EmailAddress
    to: list[EmailAddress] = Field(min_length=1)
    username: str | None = None
    password: str | None = None
    starttls: bool = Field(False, description="Upgrade the connection with STARTTLS.")
    use_tls: bool = Field(False, description="Connect with implicit TLS (usually port 465).")


class DingTalkConfig(_Config):
    """A DingTalk group robot: its access token, its signing secret, members to @-mention."""

    token: AlnumToken
    secret: AlnumToken | None = None
    mobiles: list[Mobile] = Field(default_factory=list, max_length=50)


class WeComConfig(_Config):
    """A WeCom (企业微信) group robot: the key of its webhook."""

    key: KeyToken


class FeishuConfig(_Config):
    """A Feishu (飞书) group robot: the token of its webhook."""

    token: KeyToken


class SlackConfig(_Config):
    """A Slack bot token (``xoxb-...``) and the channel (``#alerts`` or an id) it posts to."""

    token: SlackToken
    channel: str = Field(min_length=1, max_length=80, pattern=r"^#?[A-Za-z0-9_\-.]+$")


CONFIGS: Final[Mapping[str, type[_Config]]] = {
    "webhook": WebhookConfig,
    "email": EmailConfig,
    "dingtalk": DingTalkConfig,
    "wecom": WeComConfig,
    "feishu": FeishuConfig,
    "slack": SlackConfig,
}


def recipient(kind: ChannelKind, config: BaseModel) -> str:
    """The ``{id}`` of a channel's URL: the e-mail recipients, the DingTalk members, the Slack
    channel; `NO_ID` for a robot that posts to its own group."""
    if isinstance(config, EmailConfig):
        return ",".join(config.to)
    if isinstance(config, DingTalkConfig) and config.mobiles:
        return ",".join(config.mobiles)
    if isinstance(config, SlackConfig):
        return config.channel
    return NO_ID


def _email_url(config: EmailConfig) -> str:
    auth = ""
    if config.username:
        auth = f"{quote(config.username, safe='')}:{{token}}@"
    mode = "ssl" if config.use_tls else "starttls" if config.starttls else "insecure"
    host = config.host
    return (
        f"mailto://{auth}{host}:{config.port}?smtp={host}"
        f"&from={quote(config.from_address, safe='')}&to={{id}}&mode={mode}"
    )


def builtin_url(config: BaseModel) -> str:
    """The apprise URL template of a channel's config (``{id}``, ``{token}``, ``{secret}`` are
    filled in by `ChannelTemplates.url`)."""
    if isinstance(config, EmailConfig):
        return _email_url(config)
    if isinstance(config, DingTalkConfig):
        signing = "{secret}@" if config.secret else ""
        return f"dingtalk://{signing}{{token}}/" + "/".join(config.mobiles)
    if isinstance(config, WeComConfig):
        return "wecombot://{token}"
    if isinstance(config, FeishuConfig):
        return "feishu://{token}"
    if isinstance(config, SlackConfig):
        return "slack://{token}/{id}"
    raise ValueError(f"{type(config).__name__} is not sent through apprise")


def _token(config: BaseModel) -> str:
    if isinstance(config, EmailConfig):
        return config.password or ""
    if isinstance(config, WeComConfig):
        return config.key
    return str(getattr(config, "token", ""))


def templates_for(
    kind: ChannelKind, config: BaseModel, overrides: Mapping[str, str]
) -> ChannelTemplates:
    """The templates `Notifier` sends a channel's messages with: ``overrides[kind]``
    (``NOTIFY_<KIND>_URL``) when set, else the built-in URL of its config."""
    template = overrides.get(kind) or builtin_url(config)
    secret = getattr(config, "secret", None) if isinstance(config, DingTalkConfig) else None
    return ChannelTemplates({kind: template}, {kind: _token(config)}, secret or "")
