"""stock-ledger refuses to start outside development with a development secret."""

from __future__ import annotations

import pytest
from inventory_runtime.settings import dev_database_url, undeclared_secrets
from pydantic import ValidationError
from stock_ledger.config import StockLedgerSettings

REAL_URL = "postgresql+asyncpg://stock_ledger:Vault-issued-9f3k@db.internal:5432/stock_ledger"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_development_database_password_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL uses the development password"):
        StockLedgerSettings(environment=environment, database_url=dev_database_url("stock_ledger"))
    with pytest.raises(ValidationError, match="DATABASE_URL has no password"):
        StockLedgerSettings(
            environment=environment, database_url=REAL_URL.replace(":Vault-issued-9f3k", "")
        )


def test_real_secrets_start_in_production_and_development_keeps_its_defaults() -> None:
    assert (
        StockLedgerSettings(environment="production", database_url=REAL_URL).database_url
        == REAL_URL
    )
    assert StockLedgerSettings(
        environment="development", database_url=dev_database_url("stock_ledger")
    )


def test_every_secret_like_setting_is_checked() -> None:
    assert undeclared_secrets(StockLedgerSettings) == []
