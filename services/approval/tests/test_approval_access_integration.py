"""Approval integrity as an attacker would try it, over HTTP on the test database: the token
decides who approves, only an assignee of the active step may decide it, nobody decides their
own request, and only administrators set up flows and approvers. Every refusal is a 403 that
says why and changes nothing: the request and its timeline, the outbox and the audit log stay
as they were. What is allowed is audited with the state before and after."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from inventory_contracts.envelope import decode
from inventory_contracts.events.approvals import ApprovalGranted, ApprovalRequested
from inventory_runtime.audit import audit_table
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import outbox_table
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]

Start = Callable[[ApprovalRequested], Awaitable[None]]
Sessions = async_sessionmaker[AsyncSession]


def token_of(login: str, *roles: str) -> dict[str, str]:
    """The headers of `login`'s access token (the approver role when no roles are given)."""
    return TEST_ISSUER.headers(*(roles or ("approver",)), login=login)


def requested(
    request_id: str, amount: str = "100", requested_by: str = "replenishment"
) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D(amount),
        department="purchasing",
        requested_by=requested_by,
        summary="restock",
    )


async def everything(client: httpx.AsyncClient, sessions: Sessions, request_id: str) -> Any:
    """What a refusal must leave as it was: the request with its steps and timeline, the
    outbox, the audit log, the flows and the approvers."""
    async with sessions() as session:
        outbox = list(await session.scalars(select(outbox_table.c.event_id)))
        audited = await session.scalar(select(func.count()).select_from(audit_table))
    return (
        (await client.get(f"/v1/approvals/{request_id}")).json(),
        outbox,
        audited,
        (await client.get("/v1/flows")).json(),
        (await client.get("/v1/approvers")).json(),
    )


async def refused(
    client: httpx.AsyncClient, sessions: Sessions, request_id: str, attempt: Any
) -> str:
    """Make `attempt` (an awaitable of a response) and check it was refused and changed
    nothing; the refusal's reason."""
    before = await everything(client, sessions, request_id)
    response = await attempt
    assert response.status_code == 403, response.text
    assert await everything(client, sessions, request_id) == before
    detail: str = response.json()["detail"]
    return detail


def decide(
    client: httpx.AsyncClient, request_id: str, who: dict[str, str], **body: Any
) -> Awaitable[httpx.Response]:
    verb = "reject" if "reason" in body else "approve"
    body = {"comment": body.pop("reason"), **body} if verb == "reject" else body
    return client.post(f"/v1/approvals/{request_id}/{verb}", json=body, headers=who)


async def test_a_forged_approver_in_the_body_is_ignored_the_token_decides(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-40"))
    forged = decide(client, "APR-40", token_of("li.finance"), approver="wang.manager")
    assert "department_manager" in await refused(client, session_factory, "APR-40", forged)
    ok = await decide(client, "APR-40", token_of("wang.manager"), approver="li.finance")
    assert ok.status_code == 200, ok.text
    detail = ok.json()
    assert detail["decided_by"] == "wang.manager"
    assert [s["approver"] for s in detail["steps"]] == ["wang.manager"]
    assert [(e["action"], e["actor"]) for e in detail["audit"]][1] == ("approved", "wang.manager")
    async with session_factory() as session:
        (payload,) = await session.scalars(select(outbox_table.c.payload))
        decisions = select(audit_table).where(audit_table.c.entity_type == "approval_request")
        (entry,) = (await session.execute(decisions)).all()
    granted = ApprovalGranted.model_validate(decode(payload).data)
    assert granted.decided_by == "wang.manager"
    assert [s.approver for s in granted.steps] == ["wang.manager"]
    assert (entry.actor, entry.action, entry.entity_id) == ("wang.manager", "approve", "APR-40")
    assert entry.before["status"] == "pending" and entry.after["status"] == "approved"


async def test_nobody_approves_their_own_request(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    # e.g. a count variance wang.manager posted himself: he holds the step's role, yet may not
    await start(requested("APR-41", requested_by="wang.manager"))
    tasks = await client.get("/v1/tasks", params={"approver": "wang.manager"})
    assert tasks.json() == []
    own = decide(client, "APR-41", token_of("wang.manager"), comment="fine by me")
    assert "never decides their own" in await refused(client, session_factory, "APR-41", own)


async def test_a_non_assignee_holding_approval_decide_is_refused(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-42"))
    stranger = token_of("chen.clerk", "approver", "finance")  # may decide, but no step is theirs
    reason = await refused(client, session_factory, "APR-42", decide(client, "APR-42", stranger))
    assert "chen.clerk is not an approver" in reason
    rejecting = decide(client, "APR-42", stranger, reason="no")
    assert "not an approver" in await refused(client, session_factory, "APR-42", rejecting)
    # an administrator holds no approval:decide: set-up rights are no approval rights
    admin = decide(client, "APR-42", token_of("root.admin", "admin"))
    assert "approval:decide" in await refused(client, session_factory, "APR-42", admin)


async def test_the_finance_director_may_not_decide_the_managers_step(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-43", amount="80000"))
    for attempt in (
        decide(client, "APR-43", token_of("li.finance")),
        decide(client, "APR-43", token_of("li.finance"), reason="over budget"),
    ):
        reason = await refused(client, session_factory, "APR-43", attempt)
        assert "li.finance does not hold role 'department_manager'" in reason


async def test_an_approver_may_not_decide_the_same_request_twice(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    for role in ("department_manager", "finance_director"):
        boss = {"approver_id": "boss", "display_name": "Boss", "role": role}
        assert (await client.post("/v1/approvers", json=boss)).status_code == 201
    await start(requested("APR-44", amount="80000"))
    first = await decide(client, "APR-44", token_of("boss"))
    assert first.json()["current_step"]["role"] == "finance_director"
    again = decide(client, "APR-44", token_of("boss"))
    assert "already approved an earlier step" in await refused(
        client, session_factory, "APR-44", again
    )
    replay = decide(client, "APR-44", token_of("wang.manager"))  # step 1 is decided already
    assert "does not hold role 'finance_director'" in await refused(
        client, session_factory, "APR-44", replay
    )
    assert (await decide(client, "APR-44", token_of("li.finance"))).status_code == 200
    before = await everything(client, session_factory, "APR-44")
    late = await decide(client, "APR-44", token_of("li.finance"))
    assert late.status_code == 409  # the request is decided: nothing is left to decide
    assert await everything(client, session_factory, "APR-44") == before


async def test_only_an_administrator_sets_up_flows_and_approvers(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-45"))
    one_step = {
        "subject_type": "purchase_requisition",
        "name": "rubber stamp",
        "steps": [{"role": "clerk"}],
    }
    me_finance = {"approver_id": "zhao.op", "display_name": "Zhao", "role": "finance_director"}
    for who in (token_of("zhao.op", "operator"), token_of("wang.manager"), token_of("li.finance")):
        for attempt in (
            client.put("/v1/flows/purchase-requisition", json=one_step, headers=who),
            client.post("/v1/approvers", json=me_finance, headers=who),
        ):
            assert "approval:admin (roles: admin)" in await refused(
                client, session_factory, "APR-45", attempt
            )


async def test_flow_and_approver_set_up_is_audited_with_before_and_after(
    client: httpx.AsyncClient, session_factory: Sessions
) -> None:
    async with session_factory() as session:
        mark = await session.scalar(select(func.coalesce(func.max(audit_table.c.id), 0)))
    flow = {"subject_type": "expense_claim", "name": "Expenses", "steps": [{"role": "manager"}]}
    assert (await client.put("/v1/flows/expenses", json=flow)).status_code == 201
    tighter = {**flow, "steps": [{"role": "manager"}, {"role": "finance_director"}]}
    assert (await client.put("/v1/flows/expenses", json=tighter)).status_code == 200
    wang = {"approver_id": "wang.manager", "role": "department_manager", "department": "*"}
    renamed = await client.post("/v1/approvers", json={**wang, "display_name": "Wang Wei"})
    assert renamed.status_code == 200
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(audit_table).where(audit_table.c.id > mark).order_by(audit_table.c.id)
            )
        ).all()
    assert [(r.actor, r.action, r.entity_type, r.entity_id) for r in rows] == [
        ("root.admin", "create", "approval_flow", "expenses"),
        ("root.admin", "update", "approval_flow", "expenses"),
        ("root.admin", "update", "approver", "wang.manager"),
    ]
    created, updated, approver = rows
    assert created.before is None and created.after["version"] == 1
    steps = [len(version["branches"][-1]["steps"]) for version in (updated.before, updated.after)]
    assert steps == [1, 2] and updated.after["version"] == 2
    assert approver.before["display_name"].startswith("王经理")
    assert approver.after == {**wang, "display_name": "Wang Wei"}
