"""Settings come from the environment and refuse development defaults in production."""

from collections.abc import Mapping
from typing import ClassVar

import pytest
from inventory_runtime.settings import (
    SecretSetting,
    ServiceSettings,
    dev_database_url,
    undeclared_secrets,
)
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


def test_development_defaults_are_accepted_in_development() -> None:
    settings = ReservationSettings(environment="development")
    assert settings.database_url.endswith("/reservation")


@pytest.mark.parametrize("environment", ["test", "production"])
def test_outside_development_the_development_password_is_refused(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", environment)
    with pytest.raises(ValidationError) as caught:
        ReservationSettings()
    message = str(caught.value)
    assert f"refusing to start in {environment}" in message
    assert "DATABASE_URL uses the development password" in message


def test_debug_logging_is_refused_in_production_only() -> None:
    assert ReservationSettings(environment="test", database_url=REAL_URL, log_level="DEBUG")
    with pytest.raises(ValidationError, match="LOG_LEVEL=DEBUG"):
        ReservationSettings(environment="production", database_url=REAL_URL, log_level="DEBUG")


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
        ("http_max_body_bytes", 10),
    ],
)
def test_malformed_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        ReservationSettings.model_validate({field: value})


def test_service_name_is_required_in_the_base_class() -> None:
    with pytest.raises(ValidationError, match="service_name"):
        ServiceSettings()


class ChatSettings(ServiceSettings):
    """A service with secrets of its own, declared the one way the runtime checks them."""

    service_name: str = "chat"
    secrets: ClassVar[Mapping[str, SecretSetting]] = {
        **ServiceSettings.secrets,
        "chat_token": SecretSetting(frozenset({"dev-chat-token"}), required=True),
        "relay_password": SecretSetting(frozenset({"changeme"}), min_length=12),
    }
    chat_token: str = "dev-chat-token"
    relay_password: str | None = None
    idempotency_key_ttl_hours: float = 24.0


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, "CHAT_TOKEN is a development default"),
        ({"chat_token": ""}, "CHAT_TOKEN is empty"),
        ({"chat_token": "short"}, "CHAT_TOKEN is shorter than 16 characters"),
        ({"chat_token": "REPLACE_ME_CHAT_TOKEN"}, "CHAT_TOKEN still holds a REPLACE_ME"),
        ({"chat_token": "t" * 16, "relay_password": "changeme"}, "RELAY_PASSWORD is a development"),
        ({"chat_token": "t" * 16, "relay_password": "eleven-char"}, "RELAY_PASSWORD is shorter"),
        (
            {"chat_token": "t" * 16, "database_url": dev_database_url("chat")},
            "DATABASE_URL uses the development password",
        ),
    ],
)
def test_a_service_secret_left_weak_is_refused_naming_its_variable(
    changes: dict[str, str], problem: str
) -> None:
    values = {"database_url": REAL_URL, **changes}
    with pytest.raises(ValidationError, match=problem):
        ChatSettings.model_validate({**values, "environment": "production"})
    assert ChatSettings.model_validate({**values, "environment": "development"})


def test_a_service_with_real_secrets_starts_and_an_optional_secret_may_be_unset() -> None:
    settings = ChatSettings(
        environment="production", database_url=REAL_URL, chat_token="a-real-token-from-vault"
    )
    assert settings.relay_password is None


def test_secret_like_settings_must_be_declared() -> None:
    class Leaky(ChatSettings):
        smtp_password: str | None = None
        api_key: str = ""
        webhook_url: str = ""

    assert undeclared_secrets(ChatSettings) == []
    assert undeclared_secrets(Leaky) == ["smtp_password", "api_key"]
