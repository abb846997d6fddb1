"""alerting refuses to start outside development with a development secret."""

from __future__ import annotations

import pytest
from alerting.config import AlertingSettings
from inventory_runtime.settings import dev_database_url, undeclared_secrets
from pydantic import ValidationError

REAL_URL = "postgresql+asyncpg://alerting:Vault-issued-9f3k@db.internal:5432/alerting"
REAL_DATA_KEY = "q0S8bBvG3V3cJm5rO9a0Jm2Y7bB0b7b2p4Q8kU1xj0w="


@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_development_database_password_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL uses the development password"):
        AlertingSettings(environment=environment, database_url=dev_database_url("alerting"))
    with pytest.raises(ValidationError, match="DATABASE_URL has no password"):
        AlertingSettings(
            environment=environment, database_url=REAL_URL.replace(":Vault-issued-9f3k", "")
        )


def test_real_secrets_start_in_production_and_development_keeps_its_defaults() -> None:
    settings = AlertingSettings(
        environment="production", database_url=REAL_URL, data_encryption_key=REAL_DATA_KEY
    )
    assert settings.database_url == REAL_URL
    assert REAL_DATA_KEY not in repr(settings)
    assert AlertingSettings(environment="development", database_url=dev_database_url("alerting"))


def test_every_secret_like_setting_is_checked() -> None:
    assert undeclared_secrets(AlertingSettings) == []


@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_development_data_encryption_key_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="DATA_ENCRYPTION_KEY is a development default"):
        AlertingSettings(environment=environment, database_url=REAL_URL)
