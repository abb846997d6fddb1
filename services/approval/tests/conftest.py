"""Fixtures of the approval tests: an in-memory unit of work, and a migrated database."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest
from approval.domain import ApprovalInstance, Assignment, AuditEntry, Flow, FlowStep
from approval.main import MIGRATIONS
from approval.repository import ApprovalUnitOfWork
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

DEFAULT_FLOW = Flow(
    "purchase-requisition",
    "purchase_requisition",
    "Purchase requisition approval",
    (
        FlowStep("department_manager", time_limit_hours=24),
        FlowStep("finance_director", min_amount_exclusive=Decimal(50000), time_limit_hours=48),
    ),
)
APPROVERS = [
    Assignment("wang.manager", "Wang", "department_manager", "*"),
    Assignment("li.finance", "Li", "finance_director", "*"),
    Assignment("zhao.ops", "Zhao", "department_manager", "operations"),
]


class FakeFlows:
    def __init__(self) -> None:
        self.rows: dict[str, Flow] = {DEFAULT_FLOW.flow_id: DEFAULT_FLOW}

    async def find(self) -> list[Flow]:
        return list(self.rows.values())

    async def for_subject_type(self, subject_type: str) -> Flow | None:
        return next((f for f in self.rows.values() if f.subject_type == subject_type), None)


class FakeApprovers:
    def __init__(self) -> None:
        self.rows = list(APPROVERS)

    async def of(self, approver_id: str) -> list[Assignment]:
        return [a for a in self.rows if a.approver_id == approver_id]


class FakeInstances:
    def __init__(self) -> None:
        self.rows: dict[str, ApprovalInstance] = {}
        self.audit_rows: dict[str, list[AuditEntry]] = {}

    async def get(self, request_id: str, *, for_update: bool = False) -> ApprovalInstance | None:
        found = self.rows.get(request_id)
        return copy.deepcopy(found) if found else None

    async def add(self, instance: ApprovalInstance) -> bool:
        if instance.request_id in self.rows:
            return False
        await self.save(instance)
        return True

    async def save(self, instance: ApprovalInstance) -> None:
        self.audit_rows.setdefault(instance.request_id, []).extend(instance.new_audit)
        instance.new_audit.clear()
        stored = copy.deepcopy(instance)
        stored.events = []
        self.rows[instance.request_id] = stored

    async def audit(self, request_id: str) -> list[AuditEntry]:
        return list(self.audit_rows.get(request_id, []))


class FakeApprovalUoW(FakeUnitOfWork):
    """`ApprovalUnitOfWork` in memory, with the default flow and three approvers."""

    def __init__(self) -> None:
        super().__init__(source="/services/approval")
        self.flows = FakeFlows()
        self.approvers = FakeApprovers()
        self.instances = FakeInstances()


@pytest.fixture
def uow() -> FakeApprovalUoW:
    return FakeApprovalUoW()


# --- integration: a migrated database per test module ---


@pytest.fixture(scope="module")
async def approval_db(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """URL of a fresh database with the approval migrations (and seeds) applied."""
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = await fresh_database(database_url, module)
    await migrate_async(url, MIGRATIONS)
    yield url
    await drop_database(url)


@pytest.fixture
async def session_factory(approval_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(approval_db, pool_size=10)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def make_uow(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[[], ApprovalUnitOfWork]:
    return lambda: ApprovalUnitOfWork(session_factory, source="/services/approval")
