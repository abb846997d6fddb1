"""Settings of the integration-gateway service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url


class IntegrationGatewaySettings(ServiceSettings):
    """Integration gateway settings; every field can be set by the environment variable of its name."""

    service_name: str = "integration-gateway"
    database_url: str = dev_database_url("integration_gateway")
    http_port: int = 8006
