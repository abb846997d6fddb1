"""Settings of the approval service, read from the environment at startup."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import ClassVar

from inventory_runtime.notify import ChannelTemplates, NotifyingSettings
from inventory_runtime.settings import SecretSetting, dev_database_url
from pydantic import Field

from approval.adapters.notifications import DEV_LINK_SECRET, NoticeConfig

DEV_SERVICE_CLIENT_SECRET = "dev-approval-service-secret"
"""The development secret of the service account `approval-service` (the integration gateway
ensures that account with the same default in development; refused outside development)."""


class ApprovalSettings(NotifyingSettings):
    """Approval settings; every field can be set by the environment variable of its name
    (the ``NOTIFY_*`` channels are the runtime's, `inventory_runtime.notify`)."""

    service_name: str = "approval"
    database_url: str = dev_database_url("approval")
    http_port: int = 8004
    approval_reminder_share: float = Field(0.5, gt=0, lt=1)
    """When a step's reminder falls due, as a share of its time limit."""
    approval_timer_poll_seconds: float = Field(5.0, gt=0)
    """How often the timer job looks for due reminders and escalations."""
    approval_escalation_fallback_role: str = "approval_admin"
    """Whom an overdue step goes to without an escalation role holder or a known manager."""
    approval_public_url: str = "http://127.0.0.1:8004"
    """Where people open the inbox: the base of the task links in messages."""
    approval_link_secret: str = DEV_LINK_SECRET
    """Signs the task links (HMAC-SHA256); a real one outside development."""
    approval_link_ttl_hours: float = Field(72.0, gt=0)
    """How long a task link works (each works once)."""
    notification_batch_size: int = Field(20, ge=1)
    notification_poll_interval_seconds: float = Field(2.0, gt=0)
    notification_timeout_seconds: float = Field(20.0, gt=0)
    notification_max_attempts: int = Field(8, ge=1)
    notification_backoff_base_seconds: float = Field(5.0, gt=0)
    notification_backoff_cap_seconds: float = Field(900.0, gt=0)
    notification_retention_days: float = Field(30.0, gt=0)
    """How long sent and failed messages, and expired task links, are kept."""

    secrets: ClassVar[Mapping[str, SecretSetting]] = {
        **NotifyingSettings.secrets,
        "approval_link_secret": SecretSetting(frozenset({DEV_LINK_SECRET}), required=True),
        # Empty is allowed: then the detail page's "why" panel says its facts are unavailable.
        "service_client_secret": SecretSetting(frozenset({DEV_SERVICE_CLIENT_SECRET})),
    }

    not_secret: ClassVar[frozenset[str]] = frozenset({"oidc_token_url"})
    replenishment_url: str = "http://127.0.0.1:8003"
    """Where the detail page reads forecasts, policies, positions, suppliers and orders."""
    reservation_url: str = "http://127.0.0.1:8002"
    """Where the detail page reads on hand, reserved and backordered."""
    service_client_id: str = "approval-service"
    """The service account approval reads those with (client-credentials grant)."""
    service_client_secret: str = DEV_SERVICE_CLIENT_SECRET
    oidc_token_url: str = ""
    """The issuer's token endpoint; empty: `OIDC_ISSUER` + ``/oauth/token``."""
    why_timeout_seconds: float = Field(1.5, gt=0, le=30)
    """How long the detail page waits for each of those reads (they run in parallel)."""

    @property
    def notice_config(self) -> NoticeConfig:
        """How the unit of work addresses messages (channels, links)."""
        return NoticeConfig(
            channels=ChannelTemplates.from_settings(self).enabled,
            public_url=self.approval_public_url,
            link_secret=self.approval_link_secret,
            link_ttl=timedelta(hours=self.approval_link_ttl_hours),
        )

    @property
    def token_url(self) -> str:
        return self.oidc_token_url or f"{self.oidc_issuer.rstrip('/')}/oauth/token"
