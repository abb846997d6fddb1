"""Settings of the alerting service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url


class AlertingSettings(ServiceSettings):
    """Alerting settings; every field can be set by the environment variable of its name."""

    service_name: str = "alerting"
    database_url: str = dev_database_url("alerting")
    http_port: int = 8005
