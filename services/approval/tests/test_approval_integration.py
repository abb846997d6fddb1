"""Approval on the real PostgreSQL: migrations and seeds, instances through a real unit of work
with their outbox rows, and the HTTP API (httpx ASGITransport) on the test database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from approval.adapters import tables
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from inventory_contracts.envelope import decode
from inventory_contracts.events.approvals import ApprovalGranted, ApprovalRequested
from inventory_runtime.audit import AUDIT_TABLE
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import outbox_table
from inventory_runtime.inbound import InboundEvent
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]


def as_approver(login: str) -> dict[str, str]:
    """The headers of `login`'s access token, as a person holding the approver role."""
    return TEST_ISSUER.headers("approver", login=login)


UowFactory = Callable[[], ApprovalUnitOfWork]
MessageOf = Callable[..., InboundEvent[ApprovalRequested]]
Start = Callable[[ApprovalRequested], Awaitable[None]]


def requested(request_id: str, amount: str, department: str = "purchasing") -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D(amount),
        department=department,
        requested_by="replenishment",
        summary="采购申请 / Purchase requisition",
        details={"sku": "SKU-1", "quantity": "100"},
    )


async def outbox(session_factory: async_sessionmaker[AsyncSession]) -> list[Any]:
    async with session_factory() as session:
        return list(await session.execute(select(outbox_table).order_by(outbox_table.c.id)))


async def test_migrations_match_the_table_definitions(approval_db: str) -> None:
    engine = create_async_engine(approval_db)

    def ours(name: str | None, type_: str, parent_names: Any) -> bool:
        # The runtime's audit_log is compared with its migration by the runtime's own test.
        return not (type_ == "table" and name == AUDIT_TABLE)

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"include_name": ours})
        return list(compare_metadata(context, tables.metadata))

    async with engine.connect() as connection:
        found = await connection.run_sync(differences)
    await engine.dispose()
    assert found == []


async def test_request_is_stored_once_with_steps_chosen_by_amount(
    make_uow: UowFactory, start: Start
) -> None:
    await start(requested("APR-1", "50000"))
    await start(requested("APR-2", "50000.01"))
    await start(requested("APR-2", "50000.01"))  # duplicate request id
    async with make_uow() as uow:
        one = await uow.instances.get("APR-1")
        two = await uow.instances.get("APR-2")
        listed = await uow.instances.find(status="pending", subject_type=None)
    assert one is not None and [t.role for t in one.tasks] == ["department_manager"]
    assert two is not None
    assert [t.role for t in two.tasks] == ["department_manager", "finance_director"]
    assert [(t.status) for t in two.tasks] == ["pending", "waiting"]
    assert one.details == {"sku": "SKU-1", "quantity": "100"}
    assert sorted(i.request_id for i in listed) == ["APR-1", "APR-2"]


# --- the HTTP API on the test database ---


async def test_one_step_approval_over_http_writes_granted_to_the_outbox(
    client: httpx.AsyncClient,
    start: Start,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await start(requested("APR-10", "50000"))
    pending = (await client.get("/v1/approvals", params={"status": "pending"})).json()
    assert [(a["request_id"], a["current_step"]["role"]) for a in pending] == [
        ("APR-10", "department_manager")
    ]
    tasks = (await client.get("/v1/tasks", params={"approver": "wang.manager"})).json()
    assert [t["request_id"] for t in tasks] == ["APR-10"]
    assert (await client.get("/v1/tasks", params={"approver": "li.finance"})).json() == []
    wrong = await client.post(
        "/v1/approvals/APR-10/approve", json={}, headers=as_approver("li.finance")
    )
    assert wrong.status_code == 403
    assert "department_manager" in wrong.json()["detail"]
    ok = await client.post(
        "/v1/approvals/APR-10/approve",
        json={"comment": "同意"},
        headers=as_approver("wang.manager"),
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "approved"
    again = await client.post(
        "/v1/approvals/APR-10/approve", json={}, headers=as_approver("wang.manager")
    )
    assert again.status_code == 409
    rows = await outbox(session_factory)
    assert [r.event_type for r in rows] == ["inventory.approval.granted.v1"]
    granted = decode(rows[0].payload)
    assert granted.data["subject_id"] == "REQ-APR-10"
    assert rows[0].key == "REQ-APR-10"
    steps = granted.data["steps"]
    assert isinstance(steps, list) and len(steps) == 1
    detail = (await client.get("/v1/approvals/APR-10")).json()
    assert [e["action"] for e in detail["audit"]] == ["requested", "approved", "granted"]
    assert detail["audit"][1]["actor"] == "wang.manager"
    assert detail["audit"][1]["comment"] == "同意"


async def test_two_step_approval_then_rejection_paths(
    client: httpx.AsyncClient,
    start: Start,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await start(requested("APR-20", "80000"))
    await start(requested("APR-21", "80000"))
    first = await client.post(
        "/v1/approvals/APR-20/approve", json={}, headers=as_approver("wang.manager")
    )
    assert first.json()["status"] == "pending"
    assert first.json()["current_step"]["role"] == "finance_director"
    assert await outbox(session_factory) == []  # advancing a step publishes nothing
    tasks = (await client.get("/v1/tasks", params={"approver": "li.finance"})).json()
    assert [t["request_id"] for t in tasks] == ["APR-20"]
    done = await client.post(
        "/v1/approvals/APR-20/approve", json={}, headers=as_approver("li.finance")
    )
    assert done.json()["status"] == "approved"
    no_reason = await client.post(
        "/v1/approvals/APR-21/reject", json={}, headers=as_approver("wang.manager")
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["field"] == "body.comment"
    rejected = await client.post(
        "/v1/approvals/APR-21/reject",
        json={"comment": "超预算"},
        headers=as_approver("wang.manager"),
    )
    assert rejected.status_code == 200
    rows = await outbox(session_factory)
    assert [r.event_type for r in rows] == [
        "inventory.approval.granted.v1",
        "inventory.approval.rejected.v1",
    ]
    granted = ApprovalGranted.model_validate(decode(rows[0].payload).data)
    assert [s.approver for s in granted.steps] == ["wang.manager", "li.finance"]
    assert decode(rows[1].payload).data["reason"] == "超预算"


async def test_unknown_and_bad_requests(client: httpx.AsyncClient) -> None:
    missing = await client.post(
        "/v1/approvals/APR-NOPE/approve", json={}, headers=as_approver("wang.manager")
    )
    assert missing.status_code == 404
    assert (await client.get("/v1/approvals/APR-NOPE")).status_code == 404
    assert (await client.get("/v1/tasks", params={"approver": "nobody"})).status_code == 404
    bad = await client.post(
        "/v1/approvals/APR-1/approve",
        json={"comment": "x" * 2001},
        headers=as_approver("wang.manager"),
    )
    assert bad.status_code == 422
    assert (await client.get("/v1/approvals", params={"status": "x"})).status_code == 422


async def test_flows_and_approvers_api(client: httpx.AsyncClient) -> None:
    flows = (await client.get("/v1/flows")).json()
    assert [(f["flow_id"], f["version"], len(f["branches"])) for f in flows] == [
        ("production-work-order", 1, 2),
        ("purchase-requisition", 1, 2),
        ("stock-count-variance", 1, 2),
    ]
    bad = await client.put(
        "/v1/flows/expenses",
        json={
            "subject_type": "expense_claim",
            "name": "Expenses",
            "steps": [{"role": "manager", "min_amount_exclusive": 10, "max_amount_inclusive": 5}],
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "body.steps.0.max_amount_inclusive"
    empty = await client.put(
        "/v1/flows/expenses", json={"subject_type": "expense_claim", "name": "E", "steps": []}
    )
    assert empty.status_code == 422
    body = {"subject_type": "expense_claim", "name": "Expenses", "steps": [{"role": "manager"}]}
    assert (await client.put("/v1/flows/expenses", json=body)).status_code == 201
    assert (await client.put("/v1/flows/expenses", json=body)).status_code == 200
    taken = await client.put(
        "/v1/flows/other", json={**body, "subject_type": "purchase_requisition"}
    )
    assert taken.status_code == 409
    approvers = (await client.get("/v1/approvers")).json()
    assert {(a["approver_id"], a["role"]) for a in approvers} >= {
        ("wang.manager", "department_manager"),
        ("li.finance", "finance_director"),
    }
    added = await client.post(
        "/v1/approvers",
        json={
            "approver_id": "zhao.ops",
            "display_name": "赵经理",
            "role": "department_manager",
            "department": "operations",
        },
    )
    assert added.status_code == 201
    bad_role = await client.post(
        "/v1/approvers", json={"approver_id": "x", "display_name": "X", "role": "Bad Role"}
    )
    assert bad_role.status_code == 422


async def test_department_bound_approver_sees_only_their_departments_tasks(
    client: httpx.AsyncClient, start: Start
) -> None:
    await client.post(
        "/v1/approvers",
        json={
            "approver_id": "zhao.ops",
            "display_name": "Zhao",
            "role": "department_manager",
            "department": "operations",
        },
    )
    await start(requested("APR-30", "100", department="operations"))
    await start(requested("APR-31", "100", department="purchasing"))
    tasks = (await client.get("/v1/tasks", params={"approver": "zhao.ops"})).json()
    assert [t["request_id"] for t in tasks] == ["APR-30"]
    refused = await client.post(
        "/v1/approvals/APR-31/approve", json={}, headers=as_approver("zhao.ops")
    )
    assert refused.status_code == 403
