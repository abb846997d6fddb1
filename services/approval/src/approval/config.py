"""Settings of the approval service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url
from pydantic import Field


class ApprovalSettings(ServiceSettings):
    """Approval settings; every field can be set by the environment variable of its name."""

    service_name: str = "approval"
    database_url: str = dev_database_url("approval")
    http_port: int = 8004
    approval_reminder_share: float = Field(0.5, gt=0, lt=1)
    """When a step's reminder falls due, as a share of its time limit."""
    approval_timer_poll_seconds: float = Field(5.0, gt=0)
    """How often the timer job looks for due reminders and escalations."""
    approval_escalation_fallback_role: str = "approval_admin"
    """Whom an overdue step goes to without an escalation role holder or a known manager."""
