"""Request and response bodies of the alerting API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from alerting.adapters.channel_configs import (
    DingTalkConfig,
    EmailConfig,
    FeishuConfig,
    SlackConfig,
    WebhookConfig,
    WeComConfig,
)
from alerting.domain import AlertStatus, Severity


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookChannelBody(_Body):
    """A webhook channel: the alert is POSTed as JSON (signed when a secret is set)."""

    kind: Literal["webhook"]
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    config: WebhookConfig


class EmailChannelBody(_Body):
    """An email channel: a bilingual plain-text email over SMTP."""

    kind: Literal["email"]
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    config: EmailConfig


class DingTalkChannelBody(_Body):
    """A DingTalk group robot (apprise); its token and secret are stored encrypted."""

    kind: Literal["dingtalk"]
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    config: DingTalkConfig


class WeComChannelBody(_Body):
    """A WeCom group robot (apprise); its key is stored encrypted."""

    kind: Literal["wecom"]
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    config: WeComConfig


class FeishuChannelBody(_Body):
    """A Feishu group robot (apprise); its token is stored encrypted."""

    kind: Literal["feishu"]
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    config: FeishuConfig


class SlackChannelBody(_Body):
    """A Slack channel through a bot token (apprise); the token is stored encrypted."""

    kind: Literal["slack"]
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    config: SlackConfig


ChannelBody = Annotated[
    WebhookChannelBody
    | EmailChannelBody
    | DingTalkChannelBody
    | WeComChannelBody
    | FeishuChannelBody
    | SlackChannelBody,
    Field(discriminator="kind"),
]


class ChannelView(BaseModel):
    """A channel as the API shows it (secrets and passwords as ``***``)."""

    id: str
    name: str
    kind: str
    enabled: bool
    config: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class RuleChanges(_Body):
    """What may be changed on a rule; absent fields are left as they are."""

    enabled: bool | None = None
    severity: Severity | None = None
    channel_ids: list[str] | None = Field(
        None, description="Channels to notify; empty: every enabled channel."
    )


class RuleView(BaseModel):
    id: str
    kind: str
    event_type: str
    severity: str
    enabled: bool
    channel_ids: list[str]
    name_zh: str
    name_en: str
    params: dict[str, Any]
    updated_at: datetime
    version: int


class AlertView(BaseModel):
    id: str
    rule_id: str
    subject: str
    status: AlertStatus
    severity: str
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    details: dict[str, Any]
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None = Field(description="Login of who acknowledged (from the token).")
    resolved_at: datetime | None
    resolved_by: str | None = Field(
        description="Login of who resolved it by hand; null when it resolved by itself."
    )
    resolution: str | None
    snoozed_until: datetime | None = None
    snoozed_by: str | None = None
    escalated_at: datetime | None = None


class NotificationView(BaseModel):
    id: int
    alert_id: str
    channel_id: str
    channel_kind: str
    status: Literal["pending", "sent", "failed"]
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
