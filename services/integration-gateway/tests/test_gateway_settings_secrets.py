"""The gateway refuses to start outside development with a development or weak secret."""

from __future__ import annotations

import pytest
from integration_gateway.config import (
    DEV_ADMIN_PASSWORD,
    DEV_API_KEY,
    DEV_APPROVAL_SERVICE_SECRET,
    IntegrationGatewaySettings,
)
from inventory_runtime.secret_box import DEV_DATA_ENCRYPTION_KEY
from inventory_runtime.settings import dev_database_url, undeclared_secrets
from pydantic import ValidationError

REAL_URL = (
    "postgresql+asyncpg://integration_gateway:Vault-issued-9f3k@db.internal/integration_gateway"
)
REAL_KEY = "ik_live_7QnV2mX9pL4sR8tW"
REAL_WEBHOOK_SECRET = "whsec_3JkP9qLm2VxN8rTz"
REAL_DATA_KEY = "q0S8bBvG3V3cJm5rO9a0Jm2Y7bB0b7b2p4Q8kU1xj0w="
REAL_ADMIN_PASSWORD = "tall-Horse-battery-77"
REAL_APPROVAL_SECRET = "svc_8HqT2nVb5LxW9pZr"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"bootstrap_api_key": DEV_API_KEY}, "BOOTSTRAP_API_KEY is a development default"),
        ({"bootstrap_api_key": "guessable"}, "BOOTSTRAP_API_KEY is shorter than 16"),
        ({"database_url": dev_database_url("integration_gateway")}, "DATABASE_URL uses the dev"),
        ({"data_encryption_key": DEV_DATA_ENCRYPTION_KEY}, "DATA_ENCRYPTION_KEY is a develop"),
        ({"bootstrap_admin_password": DEV_ADMIN_PASSWORD}, "BOOTSTRAP_ADMIN_PASSWORD is a dev"),
        ({"bootstrap_admin_password": "short-pw"}, "BOOTSTRAP_ADMIN_PASSWORD is shorter than 12"),
        (
            {"approval_service_secret": DEV_APPROVAL_SERVICE_SECRET},
            "APPROVAL_SERVICE_SECRET is a development default",
        ),
        ({"approval_service_secret": "short-secret"}, "APPROVAL_SERVICE_SECRET is shorter than 16"),
        (
            {"erp_webhook_url": "https://erp.example.com/po", "erp_webhook_secret": "12345678"},
            "ERP_WEBHOOK_SECRET is shorter than 16",
        ),
    ],
)
@pytest.mark.parametrize("environment", ["test", "production"])
def test_a_weak_or_development_secret_is_refused(
    environment: str, changes: dict[str, str], problem: str
) -> None:
    values = {
        "database_url": REAL_URL,
        "bootstrap_api_key": REAL_KEY,
        "data_encryption_key": REAL_DATA_KEY,
        "bootstrap_admin_password": REAL_ADMIN_PASSWORD,
        "approval_service_secret": REAL_APPROVAL_SECRET,
        **changes,
    }
    with pytest.raises(ValidationError, match=problem):
        IntegrationGatewaySettings.model_validate({**values, "environment": environment})
    assert IntegrationGatewaySettings.model_validate({**values, "environment": "development"})


def test_real_secrets_start_in_production() -> None:
    settings = IntegrationGatewaySettings(
        environment="production",
        database_url=REAL_URL,
        bootstrap_api_key=REAL_KEY,
        erp_webhook_url="https://erp.example.com/po",
        erp_webhook_secret=REAL_WEBHOOK_SECRET,
        data_encryption_key=REAL_DATA_KEY,
        bootstrap_admin_password=REAL_ADMIN_PASSWORD,
        approval_service_secret=REAL_APPROVAL_SECRET,
        oidc_web_redirect_uris="https://inventory.example.com/auth/callback",
    )
    assert settings.bootstrap_api_key == REAL_KEY
    assert REAL_APPROVAL_SECRET not in repr(settings)
    shown = repr(settings)
    assert REAL_KEY not in shown
    assert REAL_WEBHOOK_SECRET not in shown
    assert "Vault-issued" not in shown
    assert REAL_DATA_KEY not in shown
    assert REAL_ADMIN_PASSWORD not in shown


def test_every_secret_like_setting_is_checked() -> None:
    assert undeclared_secrets(IntegrationGatewaySettings) == []


def test_production_refuses_the_development_redirect_uris() -> None:
    with pytest.raises(ValueError, match="OIDC_WEB_REDIRECT_URIS is the development default"):
        IntegrationGatewaySettings(
            environment="production",
            database_url=REAL_URL,
            bootstrap_api_key=REAL_KEY,
            data_encryption_key=REAL_DATA_KEY,
            bootstrap_admin_password=REAL_ADMIN_PASSWORD,
            approval_service_secret=REAL_APPROVAL_SECRET,
        )
