"""approval refuses to start outside development with a development secret."""

from __future__ import annotations

import pytest
from approval.config import ApprovalSettings
from inventory_runtime.settings import dev_database_url, undeclared_secrets
from pydantic import ValidationError

REAL_URL = "postgresql+asyncpg://approval:Vault-issued-9f3k@db.internal:5432/approval"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_development_database_password_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL uses the development password"):
        ApprovalSettings(environment=environment, database_url=dev_database_url("approval"))
    with pytest.raises(ValidationError, match="DATABASE_URL has no password"):
        ApprovalSettings(
            environment=environment, database_url=REAL_URL.replace(":Vault-issued-9f3k", "")
        )


LINK_SECRET = "f3K9-real-link-signing-secret"


def test_real_secrets_start_in_production_and_development_keeps_its_defaults() -> None:
    real = ApprovalSettings(
        environment="production",
        database_url=REAL_URL,
        approval_link_secret=LINK_SECRET,
        service_client_secret="k9-" + "x" * 30,
    )
    assert real.database_url == REAL_URL
    without_why = ApprovalSettings(
        environment="production",
        database_url=REAL_URL,
        approval_link_secret=LINK_SECRET,
        service_client_secret="",
    )
    assert without_why.service_client_secret == ""
    assert ApprovalSettings(environment="development", database_url=dev_database_url("approval"))


def test_every_secret_like_setting_is_checked() -> None:
    assert undeclared_secrets(ApprovalSettings) == []


@pytest.mark.parametrize("link_secret", ["development-approval-link-secret", "", "short"])
def test_the_task_link_secret_must_be_real_outside_development(link_secret: str) -> None:
    with pytest.raises(ValidationError, match="APPROVAL_LINK_SECRET"):
        ApprovalSettings(
            environment="production",
            database_url=REAL_URL,
            approval_link_secret=link_secret,
            service_client_secret="k9-" + "x" * 30,
        )


@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_development_service_account_secret_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="SERVICE_CLIENT_SECRET is a development default"):
        ApprovalSettings(
            environment=environment, database_url=REAL_URL, approval_link_secret=LINK_SECRET
        )
