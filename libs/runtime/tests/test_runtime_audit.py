"""The audit log on PostgreSQL: written with the change it records, never rewritten, read by
auditors only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from inventory_runtime.app import create_service_app
from inventory_runtime.audit import audit_table, create_audit_log
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import create_engine, create_session_factory
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError

pytestmark = pytest.mark.integration

PLANNER = Principal(id="chen.planner", subject="s-1", roles=frozenset({"planner"}))


@pytest.fixture
async def audited_settings(
    make_settings: Callable[..., ServiceSettings],
) -> AsyncIterator[ServiceSettings]:
    settings = make_settings()
    engine = create_engine(settings)

    def migrate(connection: Connection) -> None:
        if not inspect(connection).has_table("audit_log"):
            create_audit_log(Operations(MigrationContext.configure(connection)))
        migrated = [column["name"] for column in inspect(connection).get_columns("audit_log")]
        assert migrated == [column.name for column in audit_table.columns]

    async with engine.begin() as connection:
        await connection.run_sync(migrate)
        await connection.execute(text("SET session_replication_role = replica"))
        await connection.execute(text("DELETE FROM audit_log"))  # triggers off for the reset
    await engine.dispose()
    yield settings


async def entries(settings: ServiceSettings) -> list[dict[str, Any]]:
    engine = create_engine(settings)
    async with engine.connect() as connection:
        rows = (await connection.execute(audit_table.select().order_by("id"))).mappings().all()
    await engine.dispose()
    return [dict(row) for row in rows]


async def test_an_entry_is_written_with_the_commit_and_dropped_by_a_rollback(
    audited_settings: ServiceSettings,
) -> None:
    engine = create_engine(audited_settings)
    factory = create_session_factory(engine)
    async with UnitOfWork(factory, source="/t") as uow:
        uow.audit(PLANNER, "update", "policy", "sku-1@wh", before={"z": 0.9}, after={"z": 0.95})
        await uow.commit()
    async with UnitOfWork(factory, source="/t") as uow:
        uow.audit("system:replenishment", "create", "policy", "sku-2@wh", after={"z": 0.9})
    await engine.dispose()
    [entry] = await entries(audited_settings)
    assert (entry["actor"], entry["actor_kind"], entry["action"]) == (
        "chen.planner",
        "person",
        "update",
    )
    assert (entry["before"], entry["after"]) == ({"z": 0.9}, {"z": 0.95})


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'someone.else'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
async def test_the_log_cannot_be_changed_even_with_sql(
    audited_settings: ServiceSettings, statement: str
) -> None:
    engine = create_engine(audited_settings)
    async with UnitOfWork(create_session_factory(engine), source="/t") as uow:
        uow.audit(PLANNER, "approve", "approval", "a-1")
        await uow.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as connection:
            await connection.execute(text(statement))
    await engine.dispose()
    assert [e["actor"] for e in await entries(audited_settings)] == ["chen.planner"]


async def test_auditors_read_it_newest_first_in_pages_and_others_cannot(
    audited_settings: ServiceSettings,
) -> None:
    engine = create_engine(audited_settings)
    async with UnitOfWork(create_session_factory(engine), source="/t") as uow:
        for number in range(3):
            uow.audit(PLANNER, "update", "policy", f"p-{number}", after={"n": number})
        uow.audit("system:x", "create", "rule", "r-1")
        await uow.commit()
    await engine.dispose()
    app = create_service_app(audited_settings, title="audited")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            auditor = TEST_ISSUER.headers("auditor")
            page = (
                await client.get("/v1/audit?entity_type=policy&limit=2", headers=auditor)
            ).json()
            assert [e["entity_id"] for e in page["entries"]] == ["p-2", "p-1"]
            rest = await client.get(
                f"/v1/audit?entity_type=policy&after_id={page['next_after_id']}", headers=auditor
            )
            assert [e["entity_id"] for e in rest.json()["entries"]] == ["p-0"]
            assert rest.json()["next_after_id"] is None
            refused = await client.get("/v1/audit", headers=TEST_ISSUER.headers("planner"))
            assert refused.status_code == 403
            for method in ("put", "patch", "delete", "post"):
                changed = await client.request(method, "/v1/audit", headers=auditor)
                assert changed.status_code == 405
