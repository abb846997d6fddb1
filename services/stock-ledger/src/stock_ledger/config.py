"""Settings of the stock-ledger service, read from the environment at startup."""

from __future__ import annotations

from decimal import Decimal

from inventory_runtime.settings import BatchingConsumerSettings, dev_database_url


class StockLedgerSettings(BatchingConsumerSettings):
    """Stock ledger settings; every field can be set by the environment variable of its name."""

    service_name: str = "stock-ledger"
    database_url: str = dev_database_url("stock_ledger")
    http_port: int = 8001
    http_max_body_bytes: int = 4 * 1024 * 1024
    """Documents carry up to 1,000 lines: the widest (100-character lots, long codes, a note)
    is about 0.4 MB, the load kit's receipts about 0.1 MB; 4 MiB leaves ten times that
    (env HTTP_MAX_BODY_BYTES)."""
    count_variance_approval_amount: Decimal = Decimal(1000)
    """A count variance worth more than this (absolute value) needs approval before it posts."""
    count_task_interval_seconds: float = 3600.0
    """How often the background job generates due count tasks (0: only over the API)."""
