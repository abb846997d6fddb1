"""Notifications on PostgreSQL, as the people concerned live them: the department manager's
task message reaches their IM (a webhook receiver standing in for it) in Chinese, the finance
director's reaches the SMTP server in English, each with a link that opens the task once, for
them only; the requester hears the decision; a person nobody can reach is a failed message an
administrator sees, and a receiver that fails is tried again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from approval import consumer
from approval.adapters import tables
from approval.adapters.notification_job import notification_worker
from approval.adapters.notifications import NoticeConfig
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.api import get_uow
from approval.config import ApprovalSettings
from approval.domain.people import Person
from approval.main import create_app
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.audit import audit_table
from inventory_runtime.auth.routes import SESSION_COOKIE, csrf_token_for
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.inbound import InboundEvent
from inventory_testkit.standins import SmtpServer, WebhookReceiver, body_of, subject_of
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean", "forget_messages")]

SECRET = "integration-link-secret-0123456789"
CHANNELS = ("email", "dingtalk")
PEOPLE = [
    Person("wang.manager", None, "purchasing", True, datetime.now(UTC),
           email="wang@example.com", locale="zh-CN", dingtalk_user_id="wang-dt"),
    Person("li.finance", None, None, True, datetime.now(UTC),
           email="li.finance@example.com", locale="en"),
    Person("chen.planner", "wang.manager", "purchasing", True, datetime.now(UTC),
           email="chen@example.com", locale="zh-CN"),
]  # fmt: skip
Uows = Callable[..., Callable[[], ApprovalUnitOfWork]]


@pytest.fixture
async def forget_messages(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        for table in (tables.approval_notifications, tables.approval_links, tables.people):
            await session.execute(delete(table))
        await session.commit()


@pytest.fixture
def uows(session_factory: async_sessionmaker[AsyncSession]) -> Uows:
    """Units of work that address messages with e-mail and DingTalk configured."""

    def factory(ttl: timedelta = timedelta(hours=72)) -> Callable[[], ApprovalUnitOfWork]:
        config = NoticeConfig(CHANNELS, "http://test", SECRET, ttl)
        uow_class = ApprovalUnitOfWork.with_notices(config)
        return lambda: uow_class(session_factory, source="/services/approval")

    return factory


@pytest.fixture
async def people(uows: Uows, client: httpx.AsyncClient) -> None:
    """The directory's people with their addresses (the approvers are seeded by `client`)."""
    async with uows()() as uow:
        for person in PEOPLE:
            await uow.people.apply(person)
        await uow.commit()


def requisition(request_id: str, amount: str = "60000") -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"PR-{request_id}",
        amount=D(amount),
        department="purchasing",
        requested_by="chen.planner",
        summary=f"restock green tea ({request_id})",
    )


async def start(make: Callable[[], ApprovalUnitOfWork], request: ApprovalRequested,
                message_of: Callable[..., InboundEvent[ApprovalRequested]]) -> None:  # fmt: skip
    async with make() as uow:
        await consumer.subscription().handler([message_of(request)], uow)
        await uow.commit()


async def messages(session_factory: async_sessionmaker[AsyncSession], request_id: str) -> list[Any]:
    t = tables.approval_notifications
    async with session_factory() as session:
        query = select(t).where(t.c.request_id == request_id).order_by(t.c.id)
        return list((await session.execute(query)).all())


def link_of(body: str) -> str:
    found = re.search(r"http://test(/inbox/\S+\?link=\S+)", body)
    assert found is not None, body
    return found.group(1)


@pytest.fixture
def receivers() -> Iterator[tuple[WebhookReceiver, SmtpServer]]:
    im, smtp = WebhookReceiver(), SmtpServer()
    im.start()
    smtp.start()
    yield im, smtp
    im.stop()
    smtp.stop()


def sender_settings(im: WebhookReceiver, smtp: SmtpServer) -> ApprovalSettings:
    return ApprovalSettings(
        notify_dingtalk_url=im.url.replace("http://", "json://") + "?:to={id}",
        notify_smtp_host="127.0.0.1",
        notify_smtp_port=smtp.port,
        notify_smtp_security="insecure",
        notify_smtp_from="approvals@example.com",
        outbound_allowlist="127.0.0.1",
        notification_backoff_base_seconds=0.1,
    )


@pytest.fixture
async def browser_as(uows: Uows) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """A browser signed in as a login (None: signed out) on the app with notifications."""
    opened: list[httpx.AsyncClient] = []

    def browser(login: str | None, ttl: timedelta = timedelta(hours=72)) -> httpx.AsyncClient:
        app = create_app(ApprovalSettings())
        app.dependency_overrides[get_uow] = uows(ttl)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        if login is not None:
            client.cookies.set(SESSION_COOKIE, TEST_ISSUER.token("approver", login=login))
        opened.append(client)
        return client

    yield browser
    for client in opened:
        await client.aclose()


async def approve_from_link(browser: httpx.AsyncClient, link: str, comment: str) -> str:
    """Open the link (first tap) and approve on the page it leads to (second tap)."""
    opened = await browser.get(link)
    assert opened.status_code == 303, opened.text
    page = await browser.get(opened.headers["location"])
    assert 'id="decide"' in page.text
    token = csrf_token_for(browser.cookies[SESSION_COOKIE])
    request_path = opened.headers["location"].split("?")[0]
    done = await browser.post(
        f"{request_path}/approve",
        data={"csrf_token": token, "comment": comment},
        headers={"X-CSRF-Token": token},
    )
    assert done.status_code == 303, done.text
    return request_path


async def test_each_approver_gets_their_message_and_approves_from_its_link(
    people: None,
    uows: Uows,
    session_factory: async_sessionmaker[AsyncSession],
    receivers: tuple[WebhookReceiver, SmtpServer],
    browser_as: Callable[..., httpx.AsyncClient],
    message_of: Callable[..., InboundEvent[ApprovalRequested]],
) -> None:
    im, smtp = receivers
    worker = notification_worker(session_factory, sender_settings(im, smtp))
    await start(uows(), requisition("NT-1"), message_of)
    (task,) = await messages(session_factory, "NT-1")
    assert (task.kind, task.recipient, task.channel, task.address, task.locale) == (
        "new_task", "wang.manager", "dingtalk", "wang-dt", "zh-CN"
    )  # fmt: skip
    assert await worker.deliver_due() == 1
    (chat,) = im.received
    assert chat.json["to"] == "wang-dt" and chat.json["title"] == "待您审批：采购申请 PR-NT-1"
    assert "60,000.00 CNY" in chat.json["message"]

    await approve_from_link(browser_as("wang.manager"), link_of(chat.json["message"]), "同意")
    await worker.deliver_due()
    (mail,) = smtp.messages
    assert mail["To"] == "li.finance@example.com"
    assert subject_of(mail) == "Waiting for your approval: purchase requisition PR-NT-1"

    await approve_from_link(browser_as("li.finance"), link_of(body_of(mail)), "fine")
    await worker.deliver_due()
    decision = smtp.messages[-1]
    assert mail is not decision and decision["To"] == "chen@example.com"
    assert subject_of(decision) == "审批结果：采购申请 PR-NT-1 已通过"
    sent = await messages(session_factory, "NT-1")
    assert [(m.kind, m.recipient, m.status) for m in sent] == [
        ("new_task", "wang.manager", "sent"),
        ("new_task", "li.finance", "sent"),
        ("decision", "chen.planner", "sent"),
    ]


async def test_a_link_is_for_its_person_only_and_works_once(
    people: None,
    uows: Uows,
    session_factory: async_sessionmaker[AsyncSession],
    browser_as: Callable[..., httpx.AsyncClient],
    message_of: Callable[..., InboundEvent[ApprovalRequested]],
) -> None:
    await start(uows(), requisition("NT-2"), message_of)
    link = link_of((await messages(session_factory, "NT-2"))[0].body)
    signed_out = await browser_as(None).get(link)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/auth/login?next=%2Finbox%2FNT-2%3Flink%3D")

    other = await browser_as("li.finance").get(link)
    assert other.status_code == 403 and "这不是您的审批链接" in other.text
    assert "不是发给 li.finance 的" in other.text
    english = await browser_as("li.finance").get(link + "&lang=en")
    assert "This link is not yours" in english.text

    wang = browser_as("wang.manager")
    assert (await wang.get(link)).status_code == 303  # the refusals above did not use it
    again = await wang.get(link)
    assert again.status_code == 410 and "链接已使用" in again.text
    async with session_factory() as session:
        uses = await session.scalars(
            select(audit_table.c.actor).where(
                audit_table.c.action == "use",
                audit_table.c.entity_type == "approval_link",
                audit_table.c.after["request_id"].astext == "NT-2",
            )
        )
        assert list(uses) == ["wang.manager"]  # once, by the person it was sent to
    tampered = await wang.get(link.replace("link=", "link=x"))
    assert tampered.status_code == 404 and "链接无效" in tampered.text


async def test_an_expired_link_says_so(
    people: None,
    uows: Uows,
    session_factory: async_sessionmaker[AsyncSession],
    browser_as: Callable[..., httpx.AsyncClient],
    message_of: Callable[..., InboundEvent[ApprovalRequested]],
) -> None:
    await start(uows(timedelta(seconds=-1)), requisition("NT-3"), message_of)
    link = link_of((await messages(session_factory, "NT-3"))[0].body)
    page = await browser_as("wang.manager").get(link + "&lang=en")
    assert page.status_code == 410 and "This link has expired" in page.text


async def test_nobody_to_reach_is_a_failed_message_the_admin_sees_and_failures_retry(
    people: None,
    uows: Uows,
    client: httpx.AsyncClient,
    session_factory: async_sessionmaker[AsyncSession],
    receivers: tuple[WebhookReceiver, SmtpServer],
    message_of: Callable[..., InboundEvent[ApprovalRequested]],
) -> None:
    im, smtp = receivers
    im.fail_first = 1
    async with uows()() as uow:
        await uow.people.apply(Person("wang.manager", None, None, True, datetime.now(UTC)))
        await uow.commit()  # a newer change: no address left
    await start(uows(), requisition("NT-4"), message_of)
    failed = await client.get("/v1/notifications", params={"status": "failed"})
    assert failed.status_code == 200, failed.text
    (row,) = failed.json()
    assert row["recipient"] == "wang.manager" and "no address of wang.manager" in row["last_error"]
    assert "link=***" in row["body"] and "link=ey" not in row["body"]
    approver = TEST_ISSUER.headers("approver", login="wang.manager")
    assert (await client.get("/v1/notifications", headers=approver)).status_code == 403

    async with uows()() as uow:
        await uow.people.apply(replace(PEOPLE[0], changed_at=datetime.now(UTC)))
        await uow.commit()
    await start(uows(), requisition("NT-5"), message_of)
    worker = notification_worker(session_factory, sender_settings(im, smtp))
    await worker.deliver_due()
    (retrying,) = await messages(session_factory, "NT-5")
    assert (retrying.status, retrying.attempts) == ("pending", 1) and "503" in retrying.last_error
    async with session_factory() as session:
        await session.execute(
            update(tables.approval_notifications).values(next_attempt_at=datetime.now(UTC))
        )
        await session.commit()
    await worker.deliver_due()
    (sent,) = await messages(session_factory, "NT-5")
    assert (sent.status, sent.attempts, len(im.received)) == ("sent", 2, 2)
