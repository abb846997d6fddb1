"""Timers on PostgreSQL: a one-minute step reminds once and escalates exactly once, also with
two jobs at once and across a new app on the same database; a decision cancels its timers;
after escalation the old assignee gets 403 and the manager approves."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from approval import handlers
from approval.adapters import tables
from approval.adapters.timer_job import fire_all_due
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.domain import Person
from approval.ports import ApprovalUoW
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import outbox_table
from sqlalchemy import func, select

pytestmark = pytest.mark.integration
MakeUow = Callable[[], ApprovalUnitOfWork]
FLOW = {
    "subject_type": "timer_test",
    "name": "Timer test",
    "steps": [{"role": "department_manager", "time_limit_minutes": 1}],
}


async def fire(make_uow: MakeUow, at: datetime) -> None:
    async def fire_due(uow: ApprovalUoW, now: datetime, limit: int) -> int:
        return await handlers.fire_due_timers(uow, now, limit)

    await fire_all_due(make_uow, fire_due, lambda: at)


async def outbox_types(make_uow: MakeUow) -> list[str]:
    async with make_uow() as uow:
        rows = await uow.session.scalars(select(outbox_table.c.event_type))
        return list(rows)


async def started(client: httpx.AsyncClient, start: Callable[..., Awaitable[None]]) -> str:
    assert (await client.put("/v1/flows/timer-test", json=FLOW)).status_code in (200, 201)
    request_id = f"T-{uuid.uuid4().hex[:8]}"
    await start(
        ApprovalRequested(
            request_id=request_id,
            subject_type="timer_test",
            subject_id=request_id,
            amount=Decimal(10),
            department="purchasing",
            requested_by="replenishment",
            summary="timer",
        )
    )
    return request_id


def as_person(login: str) -> dict[str, str]:
    return TEST_ISSUER.headers("approver", login=login)


async def test_a_one_minute_step_reminds_once_and_escalates_once_to_the_manager(
    client: httpx.AsyncClient, start: Callable[..., Awaitable[None]], make_uow: MakeUow, clean: None
) -> None:
    request_id = await started(client, start)
    async with make_uow() as uow:
        at = datetime.now(UTC)
        await uow.people.apply(Person("wang.manager", "chen.boss", "purchasing", True, at))
        await uow.commit()
    now = datetime.now(UTC)

    await fire(make_uow, now + timedelta(seconds=35))
    await fire(make_uow, now + timedelta(seconds=40))
    await asyncio.gather(*(fire(make_uow, now + timedelta(seconds=65)) for _ in range(2)))
    await fire(make_uow, now + timedelta(minutes=5))  # as a restarted app would

    types = await outbox_types(make_uow)
    assert types.count("inventory.approval.reminder-due.v1") == 1
    assert types.count("inventory.approval.escalated.v1") == 1
    old = await client.post(
        f"/v1/approvals/{request_id}/approve", json={}, headers=as_person("wang.manager")
    )
    assert old.status_code == 403
    new = await client.post(
        f"/v1/approvals/{request_id}/approve", json={}, headers=as_person("chen.boss")
    )
    assert new.status_code == 200, new.text
    assert new.json()["status"] == "approved"
    actions = [entry["action"] for entry in new.json()["audit"]]
    assert actions.count("reminded") == 1 and actions.count("escalated") == 1


async def test_a_decision_before_the_limit_cancels_the_timers(
    client: httpx.AsyncClient, start: Callable[..., Awaitable[None]], make_uow: MakeUow, clean: None
) -> None:
    request_id = await started(client, start)
    decided = await client.post(
        f"/v1/approvals/{request_id}/approve", json={}, headers=as_person("wang.manager")
    )
    assert decided.status_code == 200, decided.text

    await fire(make_uow, datetime.now(UTC) + timedelta(minutes=5))

    async with make_uow() as uow:
        t = tables.approval_timers
        left = await uow.session.scalar(
            select(func.count()).select_from(t).where(t.c.request_id == request_id)
        )
    assert left == 0
    types = await outbox_types(make_uow)
    assert "inventory.approval.escalated.v1" not in types
    assert "inventory.approval.reminder-due.v1" not in types
