"""Settings of the stock-ledger service, read from the environment at startup."""

from __future__ import annotations

from decimal import Decimal

from inventory_runtime.settings import ServiceSettings, dev_database_url


class StockLedgerSettings(ServiceSettings):
    """Stock ledger settings; every field can be set by the environment variable of its name."""

    service_name: str = "stock-ledger"
    database_url: str = dev_database_url("stock_ledger")
    http_port: int = 8001
    consumer_fetch_min_bytes: int = 65536
    consumer_fetch_max_wait_ms: int = 200
    """The ledger's group reads the orders topic for shipments among many placements; letting the
    broker gather up to 64 KiB or 200 ms per fetch (env CONSUMER_FETCH_MIN_BYTES,
    CONSUMER_FETCH_MAX_WAIT_MS) costs a shipment at most 200 ms and saves CPU under load."""
    count_variance_approval_amount: Decimal = Decimal(1000)
    """A count variance worth more than this (absolute value) needs approval before it posts."""
    count_task_interval_seconds: float = 3600.0
    """How often the background job generates due count tasks (0: only over the API)."""
