"""Settings of the stock-ledger service, read from the environment at startup."""

from __future__ import annotations

from inventory_runtime.settings import ServiceSettings, dev_database_url


class StockLedgerSettings(ServiceSettings):
    """Stock ledger settings; every field can be set by the environment variable of its name."""

    service_name: str = "stock-ledger"
    database_url: str = dev_database_url("stock_ledger")
    http_port: int = 8001
