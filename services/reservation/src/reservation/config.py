"""Settings of the reservation service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url
from pydantic import Field, field_validator


class ReservationSettings(ServiceSettings):
    """Reservation settings; every field can be set by the environment variable of its name."""

    service_name: str = "reservation"
    database_url: str = dev_database_url("reservation")
    http_port: int = 8002
    consumer_max_batch_size: int = 2000
    """Orders decided per transaction at most (env CONSUMER_MAX_BATCH_SIZE)."""
    relay_batch_size: int = 2000
    """Outbox rows per relay round (env RELAY_BATCH_SIZE): at 200, the runtime's default, the
    relay was the bottleneck (bench/README.md)."""
    relay_retention_hours: float = 0
    """Outbox rows are deleted once Kafka has them (env RELAY_RETENTION_HOURS): marking them
    was the largest statement of the order path; outcomes stay in Kafka and in `reservations`."""
    consumer_fetch_max_wait_ms: int = 20
    """How long the broker may hold an empty fetch (env CONSUMER_FETCH_MAX_WAIT_MS); at the
    runtime's 500 ms, polls at 1,000 orders/s waited 200-370 ms for records already there."""
    consumer_fetch_top_up_ms: int = 10
    """Take the records of the fetch a poll started into that poll (env
    CONSUMER_FETCH_TOP_UP_MS): a cycle less latency per order (bench/README.md)."""
    relay_poll_interval_seconds: float = 0.5
    """How soon an idle relay looks again (env RELAY_POLL_INTERVAL_SECONDS). Outcomes do not
    wait for it: each commit with events wakes the relay at once, and a relay that finds another
    instance's relay publishing looks again within 20 ms. Polling every 20 ms instead cost the
    idle service a sixth of a core."""

    default_reservation_ttl_seconds: int | None = Field(default=None, gt=0)
    """How long a reservation holds when the order names no TTL; unset: until shipped or
    cancelled (env DEFAULT_RESERVATION_TTL_SECONDS)."""
    reservation_batch: bool = True
    """Decide a whole consumer batch in one transaction; false: one message per transaction
    (env RESERVATION_BATCH; for measuring the difference)."""
    expiry_interval_seconds: float = Field(default=1.0, gt=0)
    """How often expired reservations are looked for (env EXPIRY_INTERVAL_SECONDS)."""
    history_retention_days: float = Field(default=90.0, ge=7)
    """Finished reservations (rejected, released, fulfilled, expired, with their lines and
    fills), early cancellations and the ids of applied movements are deleted this long after
    they were last changed (env HISTORY_RETENTION_DAYS). At least 7 days, Kafka's retention: an
    order or movement that can still be redelivered is never forgotten."""

    quote_hold_default_seconds: int = Field(default=900, gt=0)
    """How long a quote's hold lasts when the quote names no time (env
    QUOTE_HOLD_DEFAULT_SECONDS)."""
    quote_hold_max_seconds: int = Field(default=86400, gt=0)
    """The longest hold a quote may ask for; longer is refused (env QUOTE_HOLD_MAX_SECONDS)."""

    @field_validator("consumer_max_batch_size", "relay_batch_size")
    @classmethod
    def _positive_batch(cls, value: int) -> int:
        if value < 1:
            raise ValueError("batch sizes must be at least 1")
        return value

    @field_validator("relay_poll_interval_seconds")
    @classmethod
    def _positive_interval(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("RELAY_POLL_INTERVAL_SECONDS must be positive")
        return value
