"""Settings of the approval service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url


class ApprovalSettings(ServiceSettings):
    """Approval settings; every field can be set by the environment variable of its name."""

    service_name: str = "approval"
    database_url: str = dev_database_url("approval")
    http_port: int = 8004
