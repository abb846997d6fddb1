"""The actions on a request over HTTP on the test database, as their users and as an attacker
would try them: delegation, transfer, withdraw, reject with a reason and resubmit, comments.
Each refusal says why and changes nothing (the request and its timeline, the outbox, the audit
log); what is allowed lands on the timeline and in the audit log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from inventory_contracts.envelope import decode
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.audit import audit_table
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import outbox_table
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]

Start = Callable[[ApprovalRequested], Awaitable[None]]
Sessions = async_sessionmaker[AsyncSession]
REQUESTER = "chen.planner"


def token_of(login: str, *roles: str) -> dict[str, str]:
    return TEST_ISSUER.headers(*(roles or ("approver",)), login=login)


PLANNER = token_of(REQUESTER, "planner")
WANG, LI = token_of("wang.manager"), token_of("li.finance")


def requested(request_id: str, requested_by: str = REQUESTER) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D("100"),
        department="purchasing",
        requested_by=requested_by,
        summary="restock",
    )


async def _everything(client: httpx.AsyncClient, sessions: Sessions, request_id: str) -> Any:
    async with sessions() as session:
        outbox = list(await session.scalars(select(outbox_table.c.event_id)))
        audited = await session.scalar(select(func.count()).select_from(audit_table))
    return (await client.get(f"/v1/approvals/{request_id}")).json(), outbox, audited


async def refused(
    client: httpx.AsyncClient,
    sessions: Sessions,
    request_id: str,
    attempt: Awaitable[httpx.Response],
    status: int = 403,
) -> Any:
    """`attempt` was refused with `status` and changed nothing; the refusal's detail."""
    before = await _everything(client, sessions, request_id)
    response = await attempt
    assert response.status_code == status, response.text
    assert await _everything(client, sessions, request_id) == before
    return response.json()["detail"]


def act(
    client: httpx.AsyncClient, request_id: str, verb: str, who: dict[str, str], **body: Any
) -> Awaitable[httpx.Response]:
    return client.post(f"/v1/approvals/{request_id}/{verb}", json=body, headers=who)


def delegation(to: str, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(minutes=1)).isoformat()}
    return {"to": to, **window, "ends_at": (now + timedelta(days=1)).isoformat(), **extra}


async def test_a_delegate_decides_for_the_delegator_until_cancelled_and_never_chains(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-60"))
    own = await client.post("/v1/delegations", json=delegation("wang.manager"), headers=WANG)
    assert own.status_code == 422 and own.json()["detail"][0]["field"] == "body.to"
    given = await client.post("/v1/delegations", json=delegation("zhou.deputy"), headers=WANG)
    assert given.status_code == 201, given.text
    mine = await client.get("/v1/delegations", headers=token_of("zhou.deputy"))
    assert [d["delegator"] for d in mine.json()] == ["wang.manager"]
    listed = await client.get("/v1/tasks", params={"approver": "zhou.deputy"}, headers=WANG)
    assert [(t["request_id"], t["on_behalf_of"]) for t in listed.json()] == [
        ("APR-60", "wang.manager")
    ]
    # no chains: what zhou was given does not pass on to qian
    await client.post(
        "/v1/delegations", json=delegation("qian.temp"), headers=token_of("zhou.deputy")
    )
    qian = await client.get("/v1/tasks", params={"approver": "qian.temp"}, headers=WANG)
    assert qian.json() == []  # a delegation given by a delegate passes nothing on
    chained = act(client, "APR-60", "approve", token_of("qian.temp"))
    assert "not an approver" in await refused(client, session_factory, "APR-60", chained)
    ok = await act(client, "APR-60", "approve", token_of("zhou.deputy"), comment="for Wang")
    assert ok.status_code == 200, ok.text
    assert ok.json()["steps"][0]["on_behalf_of"] == "wang.manager"
    assert ("approved", "zhou.deputy for wang.manager") in [
        (e["action"], e["actor"]) for e in ok.json()["audit"]
    ]
    delegation_id = given.json()["delegation_id"]
    stolen = client.delete(f"/v1/delegations/{delegation_id}", headers=token_of("zhou.deputy"))
    assert (await stolen).status_code == 403
    cancelled = await client.delete(f"/v1/delegations/{delegation_id}", headers=WANG)
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"] is not None
    await start(requested("APR-61"))
    late = act(client, "APR-61", "approve", token_of("zhou.deputy"))
    assert "not an approver" in await refused(client, session_factory, "APR-61", late)


async def test_a_delegate_never_approves_their_own_request(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    given = await client.post("/v1/delegations", json=delegation("zhou.deputy"), headers=WANG)
    assert given.status_code == 201
    await start(requested("APR-62", requested_by="zhou.deputy"))
    own = act(client, "APR-62", "approve", token_of("zhou.deputy"))
    assert "never decides their own" in await refused(client, session_factory, "APR-62", own)


async def test_transfer_by_an_assignee_only_and_then_only_the_new_assignee_decides(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-63"))
    outsider = act(client, "APR-63", "transfer", LI, to="li.finance")
    assert "only an assignee" in await refused(client, session_factory, "APR-63", outsider)
    to_requester = act(client, "APR-63", "transfer", WANG, to=REQUESTER)
    await refused(client, session_factory, "APR-63", to_requester, 422)
    moved = await act(client, "APR-63", "transfer", WANG, to="sun.manager", comment="away")
    assert moved.status_code == 200, moved.text
    assert moved.json()["current_step"]["assignees"] == ["sun.manager"]
    old = act(client, "APR-63", "approve", WANG)
    assert "not an assignee" in await refused(client, session_factory, "APR-63", old)
    assert (await act(client, "APR-63", "approve", token_of("sun.manager"))).status_code == 200


async def test_only_the_requester_withdraws_a_pending_request(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-64"))
    other = act(client, "APR-64", "withdraw", WANG, reason="not needed")
    assert "only the requester" in await refused(client, session_factory, "APR-64", other)
    empty = act(client, "APR-64", "withdraw", PLANNER, reason=" ")
    await refused(client, session_factory, "APR-64", empty, 422)
    done = await act(client, "APR-64", "withdraw", PLANNER, reason="demand fell")
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    async with session_factory() as session:
        payloads = list(await session.scalars(select(outbox_table.c.payload)))
    assert [decode(p).type for p in payloads] == ["inventory.approval.withdrawn.v1"]
    again = act(client, "APR-64", "withdraw", PLANNER, reason="again")
    await refused(client, session_factory, "APR-64", again, 409)
    late = act(client, "APR-64", "approve", WANG)
    await refused(client, session_factory, "APR-64", late, 409)


async def test_rejected_with_a_reason_and_resubmitted_by_the_requester_as_a_new_version(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-65"))
    pending = act(client, "APR-65", "resubmit", PLANNER, comment="again")
    assert "still pending" in await refused(client, session_factory, "APR-65", pending, 409)
    no_reason = act(client, "APR-65", "reject", WANG, comment="")
    await refused(client, session_factory, "APR-65", no_reason, 422)
    rejected = await act(client, "APR-65", "reject", WANG, comment="too many boxes")
    assert rejected.json()["status"] == "rejected"
    other = act(client, "APR-65", "resubmit", WANG, comment="mine now")
    assert "only the requester" in await refused(client, session_factory, "APR-65", other)
    again = await act(
        client, "APR-65", "resubmit", PLANNER, comment="80 boxes", details={"quantity": "80"}
    )
    assert again.status_code == 200, again.text
    body = again.json()
    assert (body["version"], body["status"], body["details"]) == (2, "pending", {"quantity": "80"})
    assert body["steps"][0]["status"] == "pending" and body["steps"][0]["approver"] is None
    timeline = [(e["version"], e["action"]) for e in body["audit"]]
    assert timeline[:3] == [(1, "requested"), (1, "rejected"), (2, "resubmitted")]
    granted = await act(client, "APR-65", "approve", WANG)
    assert granted.json()["status"] == "approved"


async def test_participants_and_administrators_comment_and_outsiders_may_not(
    client: httpx.AsyncClient, start: Start, session_factory: Sessions
) -> None:
    await start(requested("APR-66"))
    outsider = act(client, "APR-66", "comments", token_of("qian.temp"), text="hello")
    assert "takes no part" in await refused(client, session_factory, "APR-66", outsider)
    for who in (PLANNER, WANG, client.headers):
        said = await act(client, "APR-66", "comments", dict(who), text="see the forecast")
        assert said.status_code == 201, said.text
    commenters = [e["actor"] for e in said.json()["audit"] if e["action"] == "commented"]
    assert commenters == [REQUESTER, "wang.manager", "root.admin"]
    async with session_factory() as session:
        entries = select(audit_table.c.action).where(audit_table.c.entity_id == "APR-66")
        assert list(await session.scalars(entries)) == ["comment"] * 3
