"""Settings refuse unsafe production values; the hand-written migrations match `db.py`."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from integration_gateway.adapters.tables import metadata
from integration_gateway.config import IntegrationGatewaySettings
from inventory_runtime.audit import AUDIT_TABLE
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import create_async_engine

PROD_DB = "postgresql+asyncpg://inventory:Str0ng-s3cret@db:5432/integration_gateway"


def test_production_refuses_the_development_api_key() -> None:
    with pytest.raises(ValidationError, match="BOOTSTRAP_API_KEY"):
        IntegrationGatewaySettings(environment="production", database_url=PROD_DB)
    ok = IntegrationGatewaySettings(
        environment="production",
        database_url=PROD_DB,
        bootstrap_api_key="",
        bootstrap_admin_password="",
        approval_service_secret="",
        data_encryption_key="q0S8bBvG3V3cJm5rO9a0Jm2Y7bB0b7b2p4Q8kU1xj0w=",
        oidc_web_redirect_uris="https://inventory.example.com/auth/callback",
    )
    assert ok.bootstrap_api_key == ""


def test_webhook_url_without_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="ERP_WEBHOOK_SECRET"):
        IntegrationGatewaySettings(erp_webhook_url="http://erp/po")


def test_development_defaults_to_the_purchase_order_write_back() -> None:
    settings = IntegrationGatewaySettings(bootstrap_api_key="dev-api-key")
    assert settings.erp_webhook_event_types == [
        "inventory.purchase-order.released.v1",
        "inventory.purchase-order.cancelled.v1",  # the ERP must hear of a cancellation too
    ]


def _ours(name: str | None, type_: str, parent_names: Any) -> bool:
    # The runtime's audit_log is compared with its migration by the runtime's own test.
    return not (type_ == "table" and name == AUDIT_TABLE)


@pytest.mark.integration
async def test_migrations_create_exactly_the_tables_of_db_py(gateway_db: str) -> None:
    engine = create_async_engine(gateway_db)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"include_name": _ours}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == []
