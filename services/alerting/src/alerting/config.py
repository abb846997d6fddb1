"""Settings of the alerting service, read from the environment at startup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from inventory_runtime.secret_box import (
    DATA_ENCRYPTION_KEY_RULE,
    DEV_DATA_ENCRYPTION_KEY,
    DataEncryptionKey,
    SecretBox,
)
from inventory_runtime.settings import (
    BatchingConsumerSettings,
    SecretSetting,
    ServiceSettings,
    dev_database_url,
)
from pydantic import Field


class AlertingSettings(BatchingConsumerSettings):
    """Alerting settings; every field can be set by the environment variable of its name.

    Channels (webhook, e-mail, DingTalk, WeCom, Feishu, Slack) and rules live in the database
    and are managed over the API.
    """

    service_name: str = "alerting"
    database_url: str = dev_database_url("alerting")
    http_port: int = 8005

    secrets: ClassVar[Mapping[str, SecretSetting]] = {
        **ServiceSettings.secrets,
        "data_encryption_key": DATA_ENCRYPTION_KEY_RULE,
    }
    data_encryption_key: DataEncryptionKey = DEV_DATA_ENCRYPTION_KEY
    """Encrypts the channels' secrets (webhook and DingTalk `secret`, e-mail
    `password`, robot `token` / `key`) in the database:
    base64 of 32 random bytes, required outside development (env DATA_ENCRYPTION_KEY)."""

    notification_max_attempts: int = Field(default=8, ge=1)
    notification_backoff_base_seconds: float = Field(default=5.0, gt=0)
    notification_backoff_cap_seconds: float = Field(default=900.0, gt=0)
    notification_timeout_seconds: float = Field(default=15.0, gt=0)
    notification_poll_interval_seconds: float = Field(default=0.5, gt=0)
    notification_batch_size: int = Field(default=20, ge=1)
    notification_retention_days: float = Field(default=90.0, gt=0)
    """Sent and failed notifications are deleted this long after they were queued (env
    NOTIFICATION_RETENTION_DAYS); pending ones never."""
    alert_retention_days: float = Field(default=365.0, gt=0)
    """Resolved alerts, with their finished notifications, are deleted this long after they
    were resolved (env ALERT_RETENTION_DAYS); open and acknowledged ones never."""

    rule_evaluation_poll_seconds: float = Field(default=30.0, gt=0)
    """How often the rule job looks for KPI rules due for their scheduled evaluation and for
    alerts to escalate (env RULE_EVALUATION_POLL_SECONDS); each rule says how often it runs."""

    notify_email_url: str = ""
    notify_dingtalk_url: str = ""
    notify_wecom_url: str = ""
    notify_feishu_url: str = ""
    notify_slack_url: str = ""
    """An apprise URL template replacing a channel kind's built-in URL (env
    ``NOTIFY_<KIND>_URL``; ``{id}``, ``{token}``, ``{secret}`` as in `inventory_runtime.notify`):
    a proxy in a closed network, or a local receiver in tests. Empty: the built-in one."""

    @property
    def notify_url_overrides(self) -> dict[str, str]:
        """The set ``NOTIFY_<KIND>_URL`` templates by channel kind."""
        kinds = ("email", "dingtalk", "wecom", "feishu", "slack")
        urls = {kind: str(getattr(self, f"notify_{kind}_url")) for kind in kinds}
        return {kind: url for kind, url in urls.items() if url}

    @property
    def secret_box(self) -> SecretBox:
        """Encrypts and decrypts the secrets alerting stores, with `data_encryption_key`."""
        return SecretBox.from_setting(self.data_encryption_key)
