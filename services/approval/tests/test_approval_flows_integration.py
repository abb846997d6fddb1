"""Flows as versioned data on PostgreSQL, over the HTTP API: the seed's two branches, an
instance keeping its version while the flow changes, countersign and or-sign steps, the manager
chain, branches by supplier and class, the field-level 422s, the detail page of a countersign
step and its escalation, and the migration's way back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from alembic import command
from approval import consumer, handlers
from approval.adapters.timer_job import fire_all_due
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.domain import AssigneeRule, Branch, Flow, Person, Step
from approval.main import MIGRATIONS
from approval.ports import ApprovalUoW
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.migrations import alembic_config, migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .conftest import as_message

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]

Start = Callable[[ApprovalRequested], Awaitable[None]]
REQUESTER = "chen.planner"


def token_of(login: str) -> dict[str, str]:
    return TEST_ISSUER.headers("approver", login=login)


def requested(
    request_id: str, subject_type: str, amount: str = "100", **details: str
) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type=subject_type,
        subject_id=f"S-{request_id}",
        amount=D(amount),
        department="purchasing",
        requested_by=REQUESTER,
        summary=f"request {request_id}",
        details=dict(details),
    )


def named(*logins: str, mode: str = "single", **limits: Any) -> dict[str, Any]:
    return {"mode": mode, "assignees": [{"kind": "people", "logins": list(logins)}], **limits}


def flow_of(subject_type: str, *branches: dict[str, Any]) -> dict[str, Any]:
    return {"subject_type": subject_type, "name": "测试流程", "name_en": "Test flow",
            "branches": list(branches)}  # fmt: skip


async def approval(client: httpx.AsyncClient, request_id: str) -> dict[str, Any]:
    answer = await client.get(f"/v1/approvals/{request_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def decide(client: httpx.AsyncClient, request_id: str, login: str) -> httpx.Response:
    return await client.post(
        f"/v1/approvals/{request_id}/approve", json={"comment": "同意"}, headers=token_of(login)
    )


async def test_the_seed_flow_is_version_1_with_its_two_branches(
    client: httpx.AsyncClient, start: Start
) -> None:
    seed = (await client.get("/v1/flows/purchase-requisition")).json()
    assert (seed["version"], seed["name"], seed["name_en"]) == (
        1,
        "采购申请审批",
        "Purchase requisition approval",
    )
    over, default = seed["branches"]
    assert over["condition"] == {"field": "amount", "op": "gt", "value": 50000}
    assert default["condition"] is None
    await start(requested("SEED-1", "purchase_requisition", "50000"))
    await start(requested("SEED-2", "purchase_requisition", "50000.01"))
    small, big = await approval(client, "SEED-1"), await approval(client, "SEED-2")
    assert [s["role"] for s in small["steps"]] == ["department_manager"]
    assert [s["role"] for s in big["steps"]] == ["department_manager", "finance_director"]
    assert [s["time_limit_hours"] for s in big["steps"]] == [24, 48]
    assert (big["flow_id"], big["flow_version"]) == ("purchase-requisition", 1)
    counts = (await client.get("/v1/flows/stock-count-variance")).json()
    assert counts["branches"][0]["condition"] == {"field": "amount", "op": "gt", "value": 10000}


async def test_an_instance_keeps_its_version_after_the_flow_changes(
    client: httpx.AsyncClient, start: Start
) -> None:
    first = await client.put("/v1/flows/capex", json=flow_of("capex", {"steps": [named("a.one")]}))
    assert (first.status_code, first.json()["version"]) == (201, 1)
    await start(requested("KEEP-1", "capex"))
    second = await client.put("/v1/flows/capex", json=flow_of("capex", {"steps": [named("b.two")]}))
    assert (second.status_code, second.json()["version"]) == (200, 2)
    again = await client.put("/v1/flows/capex", json=flow_of("capex", {"steps": [named("b.two")]}))
    assert (again.status_code, again.json()["version"]) == (200, 2)  # unchanged: no version
    await start(requested("KEEP-2", "capex"))
    old, new = await approval(client, "KEEP-1"), await approval(client, "KEEP-2")
    assert (old["flow_version"], old["steps"][0]["assignees"]) == (1, ["a.one"])
    assert (new["flow_version"], new["steps"][0]["assignees"]) == (2, ["b.two"])
    assert (await decide(client, "KEEP-1", "b.two")).status_code == 403
    assert (await decide(client, "KEEP-1", "a.one")).status_code == 200
    assert (await approval(client, "KEEP-1"))["status"] == "approved"
    versions = (await client.get("/v1/flows/capex/versions")).json()
    assert [v["version"] for v in versions] == [1, 2]
    one = (await client.get("/v1/flows/capex/versions/1")).json()
    assert one["branches"][0]["steps"][0]["assignees"][0]["logins"] == ["a.one"]
    assert (await client.get("/v1/flows/capex/versions/3")).status_code == 404


async def test_a_countersign_step_needs_every_assignee_and_shows_who_decided(
    client: httpx.AsyncClient, start: Start
) -> None:
    body = flow_of("tooling", {"steps": [named("a.one", "b.two", mode="all_of"), named("d.four")]})
    assert (await client.put("/v1/flows/tooling", json=body)).status_code == 201
    await start(requested("ALL-1", "tooling"))
    assert (await decide(client, "ALL-1", "a.one")).status_code == 200
    twice = await decide(client, "ALL-1", "a.one")
    assert twice.status_code == 403 and "already approved step 1" in twice.json()["detail"]
    state = await approval(client, "ALL-1")
    assert [v["login"] for v in state["steps"][0]["votes"]] == ["a.one"]
    assert [s["status"] for s in state["steps"]] == ["pending", "waiting"]
    mine = (await client.get("/v1/tasks", params={"approver": "a.one"})).json()
    theirs = (await client.get("/v1/tasks", params={"approver": "b.two"})).json()
    assert ([t["request_id"] for t in mine], [t["request_id"] for t in theirs]) == ([], ["ALL-1"])
    page = await client.get("/inbox/ALL-1", params={"lang": "en"})
    assert page.status_code == 200, page.text
    assert "Countersign (all must approve)" in page.text
    assert 'data-assignee="a.one" class="approved"' in page.text
    assert 'data-assignee="b.two" class="undecided"' in page.text
    assert (await decide(client, "ALL-1", "b.two")).status_code == 200
    state = await approval(client, "ALL-1")
    assert [s["status"] for s in state["steps"]] == ["approved", "pending"]
    assert state["steps"][1]["assignees"] == ["d.four"]


async def test_an_or_sign_step_finishes_on_the_first_approval(
    client: httpx.AsyncClient, start: Start
) -> None:
    body = flow_of("training", {"steps": [named("a.one", "b.two", mode="any_of")]})
    assert (await client.put("/v1/flows/training", json=body)).status_code == 201
    await start(requested("ANY-1", "training"))
    assert (await decide(client, "ANY-1", "b.two")).status_code == 200
    assert (await approval(client, "ANY-1"))["status"] == "approved"
    assert (await decide(client, "ANY-1", "a.one")).status_code == 409


async def test_the_manager_chain_is_resolved_when_each_step_becomes_pending(
    client: httpx.AsyncClient, start: Start, make_uow: Callable[[], ApprovalUnitOfWork]
) -> None:
    async def directory(*people: tuple[str, str | None]) -> None:
        async with make_uow() as uow:
            for login, manager in people:
                now = datetime.now(UTC)
                await uow.people.apply(Person(login, manager, "purchasing", True, now))
            await uow.commit()

    await directory((REQUESTER, "m.one"), ("m.one", "m.two"), ("m.two", None))
    chain = [{"assignees": [{"kind": "manager_chain", "level": level}]} for level in (2, 1)]
    assert (
        await client.put("/v1/flows/travel", json=flow_of("travel", {"steps": chain}))
    ).is_success
    await start(requested("CHAIN-1", "travel"))
    assert (await approval(client, "CHAIN-1"))["steps"][0]["assignees"] == ["m.two"]
    await directory((REQUESTER, "m.three"))  # a new manager before step 2 becomes pending
    assert (await decide(client, "CHAIN-1", "m.two")).status_code == 200
    assert (await approval(client, "CHAIN-1"))["steps"][1]["assignees"] == ["m.three"]
    # Nobody in the chain: the step goes to the fallback role, and the timeline says so.
    await start(requested("CHAIN-2", "travel").model_copy(update={"requested_by": "new.hire"}))
    lonely = await approval(client, "CHAIN-2")
    assert (lonely["steps"][0]["role"], lonely["steps"][0]["assignees"]) == ("approval_admin", [])
    assert "unassigned" in [entry["action"] for entry in lonely["audit"]]


async def test_a_step_nobody_may_decide_goes_to_the_configured_fallback_role(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """`APPROVAL_ESCALATION_FALLBACK_ROLE` reaches a step resolved to nobody at its start, not
    only an overdue one."""
    chain = [{"assignees": [{"kind": "manager_chain", "level": 1}]}]
    assert (await client.put("/v1/flows/visit", json=flow_of("visit", {"steps": chain}))).is_success
    configured = ApprovalUnitOfWork.with_fallback_role("ops_lead")
    async with configured(session_factory, source="/services/approval") as uow:
        await consumer.subscription().handler(
            [as_message(requested("FB-1", "visit").model_copy(update={"requested_by": "x.new"}))],
            uow,
        )
        await uow.commit()
    step = (await approval(client, "FB-1"))["steps"][0]
    assert (step["role"], step["assignees"]) == ("ops_lead", [])


async def test_branches_by_supplier_and_abc_class(client: httpx.AsyncClient, start: Start) -> None:
    key_supplier = {"all": [{"field": "supplier", "op": "in", "value": ["SUP-9"]},
                            {"not": {"field": "abc_class", "op": "eq", "value": "C"}}]}  # fmt: skip
    body = flow_of(
        "sourcing",
        {"name": "key supplier", "condition": key_supplier, "steps": [named("k.buyer")]},
        {"steps": [{"assignees": [{"kind": "role", "role": "department_manager"}]}]},
    )
    assert (await client.put("/v1/flows/sourcing", json=body)).status_code == 201
    await start(requested("SRC-1", "sourcing", supplier_id="SUP-9", abc_class="A"))
    await start(requested("SRC-2", "sourcing", supplier_id="SUP-9", abc_class="C"))
    await start(requested("SRC-3", "sourcing"))
    steps = [(await approval(client, f"SRC-{n}"))["steps"][0] for n in (1, 2, 3)]
    assert [(s["role"], s["assignees"]) for s in steps] == [
        ("people", ["k.buyer"]),
        ("department_manager", []),
        ("department_manager", []),
    ]


STEP = {"assignees": [{"kind": "role", "role": "department_manager"}]}
AT = "body.branches.0"


def when(condition: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"condition": condition, "steps": [STEP]}, {"steps": [STEP]}]


def only(*steps: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"steps": list(steps)}]


@pytest.mark.parametrize(
    ("branches", "field"),
    [
        (when({"field": "colour", "op": "eq", "value": 1}), f"{AT}.condition.field"),
        (when({"field": "amount", "op": "like", "value": 1}), f"{AT}.condition.op"),
        (when({"any": [{"field": "supplier", "op": "eq", "value": ""}]}),
         f"{AT}.condition.any.0.value"),
        ([{"steps": []}], f"{AT}.steps"),
        ([{"steps": [STEP]}, {"steps": [STEP]}], f"{AT}.condition"),
        (only({"assignees": []}), f"{AT}.steps.0.assignees"),
        (only(named("a", "b")), f"{AT}.steps.0.assignees"),
        (only(named("a", "a", mode="all_of")), f"{AT}.steps.0.assignees.0.logins"),
        (only({"assignees": [{"kind": "role"}]}), f"{AT}.steps.0.assignees.0.role"),
        (only({"assignees": [{"kind": "boss"}]}), f"{AT}.steps.0.assignees.0.kind"),
        (only(named("a", mode="some_of")), f"{AT}.steps.0.mode"),
        (only(named("a", time_limit_hours=0)), f"{AT}.steps.0.time_limit_hours"),
        (only(named("a", time_limit_minutes=10**7)), f"{AT}.steps.0.time_limit_minutes"),
    ],
)  # fmt: skip
async def test_a_bad_flow_is_a_422_naming_the_field(
    client: httpx.AsyncClient, branches: list[dict[str, Any]], field: str
) -> None:
    answer = await client.put("/v1/flows/bad", json=flow_of("bad_subject", *branches))
    assert answer.status_code == 422, answer.text
    assert field in [problem["field"] for problem in answer.json()["detail"]]
    assert (await client.get("/v1/flows/bad")).status_code == 404


async def test_an_overdue_countersign_step_escalates_only_its_undecided_part(
    client: httpx.AsyncClient, start: Start, make_uow: Callable[[], ApprovalUnitOfWork]
) -> None:
    step = named("a.one", "b.two", mode="all_of", time_limit_minutes=1)
    assert (
        await client.put("/v1/flows/audit", json=flow_of("audit", {"steps": [step]}))
    ).is_success
    async with make_uow() as uow:
        await uow.people.apply(Person("b.two", "b.boss", "purchasing", True, datetime.now(UTC)))
        await uow.commit()
    await start(requested("LATE-1", "audit"))
    assert (await decide(client, "LATE-1", "a.one")).status_code == 200

    async def fire_due(uow: ApprovalUoW, now: datetime, limit: int) -> int:
        return await handlers.fire_due_timers(uow, now, limit)

    for minutes in (5, 6):  # the second run finds nothing left to fire
        at = datetime.now(UTC) + timedelta(minutes=minutes)
        await fire_all_due(make_uow, fire_due, lambda at=at: at)  # type: ignore[misc]
    escalated = [
        e for e in (await approval(client, "LATE-1"))["audit"] if e["action"] == "escalated"
    ]
    assert len(escalated) == 1 and "b.boss" in escalated[0]["comment"]
    assert (await approval(client, "LATE-1"))["steps"][0]["assignees"] == ["a.one", "b.boss"]
    assert (await decide(client, "LATE-1", "b.two")).status_code == 403
    assert (await decide(client, "LATE-1", "b.boss")).status_code == 200
    assert (await approval(client, "LATE-1"))["status"] == "approved"


async def test_downgrading_0009_gives_back_the_seed_flows_amount_bands(database_url: str) -> None:
    url = await fresh_database(database_url, "flows_downgrade")
    try:
        await migrate_async(url, MIGRATIONS)
        config = alembic_config(url, MIGRATIONS)

        def downgrade(connection: Connection) -> None:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")

        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
        async with engine.connect() as connection:
            steps = await connection.execute(
                text(
                    "SELECT role, min_amount_exclusive, max_amount_inclusive, time_limit_hours "
                    "FROM approval_flow_steps WHERE flow_id = 'purchase-requisition' "
                    "ORDER BY step_no"
                )
            )
            assert [tuple(row) for row in steps] == [
                ("department_manager", None, None, 24),
                ("finance_director", D(50000), None, 48),
            ]
        await engine.dispose()
        await migrate_async(url, MIGRATIONS)  # and up again
    finally:
        await drop_database(url)


def one(login: str) -> AssigneeRule:
    return AssigneeRule("people", logins=(login,))


async def test_puts_at_once_store_their_versions_one_after_the_other(
    client: httpx.AsyncClient, make_uow: Callable[[], ApprovalUnitOfWork]
) -> None:
    admin = Principal("root.admin", "sub-root", frozenset({"admin"}))
    flows = [
        Flow("puts", "parallel_puts", "并发", (Branch((Step((one(login),)),)),))
        for login in ("a.one", "b.two", "c.three", "d.four")
    ]  # fmt: skip
    stored = await asyncio.gather(*(handlers.put_flow(f, admin, make_uow()) for f in flows))
    assert sorted((f.version, created) for f, created in stored) == [
        (1, True), (2, False), (3, False), (4, False)
    ]  # fmt: skip
    versions = (await client.get("/v1/flows/puts/versions")).json()
    assert [v["version"] for v in versions] == [1, 2, 3, 4]
