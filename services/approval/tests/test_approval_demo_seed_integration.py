"""Demo approvers exist only in development: no migration leaves one behind, and the development
seed (`inventory_testkit.demo_approvers`, run by `make demo` and the e2e suite) makes them,
idempotently, through the approval API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.api import get_uow
from approval.config import ApprovalSettings
from approval.main import MIGRATIONS, create_app
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from inventory_testkit.demo_approvers import DEMO_APPROVERS, seed_demo_approvers
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

pytestmark = pytest.mark.integration

DEMO_IDS = {approver["approver_id"] for approver in DEMO_APPROVERS}
SEEDED_BY_OLD_MIGRATIONS = {"wang.manager", "li.finance", "zhao.warehouse"}


async def approvers_in(url: str) -> set[tuple[str, str, str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT approver_id, role, display_name FROM approvers")
            )
            return {(row.approver_id, row.role, row.display_name) for row in rows}
    finally:
        await engine.dispose()


async def test_a_freshly_migrated_database_has_no_demo_approver(approval_db: str) -> None:
    assert {approver for approver, _, _ in await approvers_in(approval_db)} & DEMO_IDS == set()


async def test_the_migration_removes_only_the_untouched_demo_assignments(
    database_url: str,
) -> None:
    url = await fresh_database(database_url, "approval_demo_removal")
    try:
        await migrate_async(url, MIGRATIONS, "0004")  # an existing database, demo people seeded
        assert {a for a, _, _ in await approvers_in(url)} == SEEDED_BY_OLD_MIGRATIONS
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            # li.finance was made a real person's assignment; chen.cfo was added by an admin
            await connection.execute(
                text("UPDATE approvers SET display_name = 'Li Na' WHERE approver_id = 'li.finance'")
            )
            await connection.execute(
                text(
                    "INSERT INTO approvers (approver_id, role, department, display_name) "
                    "VALUES ('chen.cfo', 'finance_director', '*', 'Chen')"
                )
            )
        await engine.dispose()
        await migrate_async(url, MIGRATIONS)
        assert await approvers_in(url) == {
            ("li.finance", "finance_director", "Li Na"),
            ("chen.cfo", "finance_director", "Chen"),
        }
    finally:
        await drop_database(url)


@pytest.fixture
async def approval_http(approval_db: str) -> AsyncIterator[httpx.AsyncClient]:
    engine = create_async_engine(approval_db)
    factory = async_sessionmaker[AsyncSession](engine, expire_on_commit=False)
    app = create_app(ApprovalSettings())
    app.dependency_overrides[get_uow] = lambda: ApprovalUnitOfWork(factory, source="/test")
    transport = httpx.ASGITransport(app=app)
    headers = TEST_ISSUER.headers("admin", login="root.admin")  # the seed gives roles: admin only
    async with httpx.AsyncClient(
        transport=transport, base_url="http://approval", headers=headers
    ) as http:
        yield http
    await engine.dispose()


async def test_the_development_seed_makes_the_demo_approvers_once(
    approval_http: httpx.AsyncClient, approval_db: str
) -> None:
    assert set(await seed_demo_approvers(approval_http)) == DEMO_IDS
    assert await seed_demo_approvers(approval_http) == []  # again: nothing new, no error
    listed = (await approval_http.get("/v1/approvers")).json()
    assert sorted((a["approver_id"], a["role"]) for a in listed) == [
        ("li.finance", "finance_director"),
        ("wang.manager", "department_manager"),
        ("zhao.warehouse", "warehouse_manager"),
        ("zhou.production", "production_manager"),
    ]
