"""Settings come from the environment and refuse development defaults in production."""

import pytest
from inventory_runtime.settings import ServiceSettings, dev_database_url
from pydantic import ValidationError

REAL_URL = "postgresql+asyncpg://reservation:s3cr3t-from-vault@db.internal:5432/reservation"


class ReservationSettings(ServiceSettings):
    service_name: str = "reservation"
    database_url: str = dev_database_url("reservation")
    http_port: int = 8002
    default_reservation_ttl_seconds: int = 900


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SERVICE_NAME", "ENVIRONMENT", "DATABASE_URL", "LOG_LEVEL", "HTTP_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_subclass_reads_its_own_and_shared_fields_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEFAULT_RESERVATION_TTL_SECONDS", "60")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = ReservationSettings()
    assert settings.default_reservation_ttl_seconds == 60
    assert settings.bootstrap_servers == ["k1:9092", "k2:9092"]
    assert settings.log_level == "DEBUG"
    assert settings.http_port == 8002
    assert settings.event_source == "/services/reservation"


def test_development_defaults_are_accepted_outside_production() -> None:
    for environment in ("development", "test"):
        settings = ReservationSettings(environment=environment)
        assert settings.database_url.endswith("/reservation")


def test_production_refuses_the_development_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError) as caught:
        ReservationSettings()
    message = str(caught.value)
    assert "refusing to start in production" in message
    assert "DATABASE_URL uses the development password" in message


def test_production_refuses_a_url_without_password() -> None:
    url = "postgresql+asyncpg://reservation@db.internal/reservation"
    with pytest.raises(ValidationError, match="DATABASE_URL has no password"):
        ReservationSettings(environment="production", database_url=url)


def test_production_with_real_secrets_starts_and_does_not_show_them() -> None:
    settings = ReservationSettings(
        environment="production", database_url=REAL_URL, http_host="0.0.0.0"
    )
    assert settings.environment == "production"
    assert "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("database_url", "postgresql://inventory:inventory@localhost/reservation"),
        ("kafka_bootstrap_servers", "localhost"),
        ("environment", "staging"),
        ("http_port", 0),
    ],
)
def test_malformed_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        ReservationSettings.model_validate({field: value})


def test_service_name_is_required_in_the_base_class() -> None:
    with pytest.raises(ValidationError, match="service_name"):
        ServiceSettings()
