"""Reminders and escalations tell people, on PostgreSQL through the timer job: the assignee is
reminded once with a link to the task; at the limit the manager the step escalated to is told
in their language with a link of their own, and the old assignee that it left them, without
one; firing again tells nobody twice. A running delegate is told of the delegator's tasks.
Finished messages and expired links are purged after their retention."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from approval import consumer, handlers
from approval.adapters import tables
from approval.adapters.notification_retention import purges
from approval.adapters.notifications import NoticeConfig
from approval.adapters.timer_job import fire_all_due
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.config import ApprovalSettings
from approval.domain.people import Person
from approval.ports import ApprovalUoW
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.retention import purge_once
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]
MakeUow = Callable[[], ApprovalUnitOfWork]
FLOW = {
    "subject_type": "notify_timer_test",
    "name": "Notified timer test",
    "steps": [{"role": "department_manager", "time_limit_minutes": 1}],
}


@pytest.fixture
async def notifying(session_factory: async_sessionmaker[AsyncSession]) -> MakeUow:
    async with session_factory() as session:
        for table in (tables.approval_notifications, tables.approval_links, tables.people):
            await session.execute(delete(table))
        await session.commit()
    config = NoticeConfig(("email",), "http://test", "timer-link-secret-0123456789")
    uow_class = ApprovalUnitOfWork.with_notices(config)
    return lambda: uow_class(session_factory, source="/services/approval")


async def fire(make_uow: MakeUow, at: datetime) -> None:
    async def fire_due(uow: ApprovalUoW, now: datetime, limit: int) -> int:
        return await handlers.fire_due_timers(uow, now, limit)

    await fire_all_due(make_uow, fire_due, lambda: at)


async def told(make_uow: MakeUow, request_id: str) -> list[tuple[str, str, str, bool]]:
    """(kind, recipient, title, has a link) of each message about `request_id`."""
    t = tables.approval_notifications
    async with make_uow() as uow:
        rows = await uow.session.execute(
            select(t).where(t.c.request_id == request_id).order_by(t.c.id)
        )
        return [(r.kind, r.recipient, r.title, "?link=" in r.body) for r in rows]


async def test_the_assignee_is_reminded_and_an_escalation_tells_both_sides_once(
    client: httpx.AsyncClient,
    notifying: MakeUow,
    message_of: Callable[..., InboundEvent[ApprovalRequested]],
) -> None:
    assert (await client.put("/v1/flows/notify-timer-test", json=FLOW)).status_code in (200, 201)
    async with notifying() as uow:
        at = datetime.now(UTC)
        await uow.people.apply(Person("wang.manager", "chen.boss", "purchasing", True, at,
                                      email="wang@example.com"))  # fmt: skip
        await uow.people.apply(Person("chen.boss", None, "purchasing", True, at,
                                      email="boss@example.com", locale="en"))  # fmt: skip
        await uow.commit()
    request_id = f"NT-{uuid.uuid4().hex[:8]}"
    request = ApprovalRequested(
        request_id=request_id,
        subject_type="notify_timer_test",
        subject_id=request_id,
        amount=Decimal(10),
        department="purchasing",
        requested_by="replenishment",
        summary="timer",
    )
    async with notifying() as uow:
        await consumer.subscription().handler([message_of(request)], uow)
        await uow.commit()
    now = datetime.now(UTC)
    await fire(notifying, now + timedelta(seconds=35))
    await fire(notifying, now + timedelta(seconds=65))
    await fire(notifying, now + timedelta(seconds=125))  # nothing is due twice

    subject = f"notify_timer_test {request_id}"  # a subject type without a name of its own
    messages = await told(notifying, request_id)
    assert [(kind, who, link) for kind, who, _, link in messages] == [
        ("new_task", "wang.manager", True),
        ("reminder", "wang.manager", True),
        ("escalation", "chen.boss", True),
        ("escalated_away", "wang.manager", False),
    ]
    titles = [title for _, _, title, _ in messages]
    assert titles[0] == f"待您审批：{subject}"
    assert titles[1].startswith(f"催办提醒：{subject} 将于 ") and titles[1].endswith(" UTC 到期")
    assert titles[2:] == [f"Escalated to you: {subject}", f"超时升级：{subject} 已转由他人审批"]


async def test_a_running_delegate_is_told_of_the_task_with_a_link_of_their_own(
    client: httpx.AsyncClient,
    notifying: MakeUow,
    message_of: Callable[..., InboundEvent[ApprovalRequested]],
) -> None:
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(minutes=1)).isoformat()}
    given = await client.post(
        "/v1/delegations",
        json={"to": "zhou.deputy", **window, "ends_at": (now + timedelta(days=1)).isoformat()},
        headers=TEST_ISSUER.headers("approver", login="wang.manager"),
    )
    assert given.status_code == 201, given.text
    async with notifying() as uow:
        for login in ("wang.manager", "zhou.deputy"):
            await uow.people.apply(
                Person(login, None, "purchasing", True, now, email=f"{login}@example.com")
            )
        await uow.commit()
    request_id = f"ND-{uuid.uuid4().hex[:8]}"
    request = ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=request_id,
        amount=Decimal(100),
        department="purchasing",
        requested_by="replenishment",
        summary="delegated",
    )
    async with notifying() as uow:
        await consumer.subscription().handler([message_of(request)], uow)
        await uow.commit()
    messages = await told(notifying, request_id)
    assert [(kind, who, link) for kind, who, _, link in messages] == [
        ("new_task", "wang.manager", True),
        ("new_task", "zhou.deputy", True),
    ]
    cancelled = await client.delete(
        f"/v1/delegations/{given.json()['delegation_id']}",
        headers=TEST_ISSUER.headers("approver", login="wang.manager"),
    )
    assert cancelled.status_code == 200, cancelled.text


async def test_finished_messages_and_expired_links_go_after_their_retention(
    session_factory: async_sessionmaker[AsyncSession], notifying: MakeUow
) -> None:
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=31), now - timedelta(days=1)
    message = {"request_id": "R", "kind": "new_task", "recipient": "wang.manager",
               "locale": "zh-CN", "title": "t", "body": "b"}  # fmt: skip
    link = {"request_id": "R", "step_no": 1, "login": "wang.manager"}
    async with session_factory() as session:
        await session.execute(
            insert(tables.approval_notifications),
            [
                message | {"status": "sent", "created_at": old},
                message | {"status": "failed", "created_at": old},
                message | {"status": "pending", "created_at": old},  # not given up on yet
                message | {"status": "sent", "created_at": recent},
            ],
        )
        await session.execute(
            insert(tables.approval_links),
            [
                link | {"link_id": "gone", "expires_at": old},
                link | {"link_id": "kept", "expires_at": recent},
                link | {"link_id": "works", "expires_at": now + timedelta(days=2)},
            ],
        )
        await session.commit()
    deleted = await purge_once(session_factory, purges(ApprovalSettings()), now)
    assert deleted == {"finished notifications": 2, "expired task links": 1}
    async with session_factory() as session:
        left = await session.execute(select(tables.approval_notifications.c.status))
        links = await session.scalars(select(tables.approval_links.c.link_id))
        assert sorted(left.scalars()) == ["pending", "sent"]
        assert sorted(links) == ["kept", "works"]
