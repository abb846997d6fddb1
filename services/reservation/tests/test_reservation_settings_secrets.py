"""reservation refuses to start outside development with a development secret."""

from __future__ import annotations

import pytest
from inventory_runtime.settings import dev_database_url, undeclared_secrets
from pydantic import ValidationError
from reservation.config import ReservationSettings

REAL_URL = "postgresql+asyncpg://reservation:Vault-issued-9f3k@db.internal:5432/reservation"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_development_database_password_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL uses the development password"):
        ReservationSettings(environment=environment, database_url=dev_database_url("reservation"))
    with pytest.raises(ValidationError, match="DATABASE_URL has no password"):
        ReservationSettings(
            environment=environment, database_url=REAL_URL.replace(":Vault-issued-9f3k", "")
        )


def test_real_secrets_start_in_production_and_development_keeps_its_defaults() -> None:
    assert (
        ReservationSettings(environment="production", database_url=REAL_URL).database_url
        == REAL_URL
    )
    assert ReservationSettings(
        environment="development", database_url=dev_database_url("reservation")
    )


def test_every_secret_like_setting_is_checked() -> None:
    assert undeclared_secrets(ReservationSettings) == []
