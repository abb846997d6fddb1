"""Settings of the reservation service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url


class ReservationSettings(ServiceSettings):
    """Reservation settings; every field can be set by the environment variable of its name."""

    service_name: str = "reservation"
    database_url: str = dev_database_url("reservation")
    http_port: int = 8002
