"""Settings of the replenishment service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url


class ReplenishmentSettings(ServiceSettings):
    """Replenishment settings; every field can be set by the environment variable of its name."""

    service_name: str = "replenishment"
    database_url: str = dev_database_url("replenishment")
    http_port: int = 8003
