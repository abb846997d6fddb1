"""The pending tasks a person may decide for others, through their running delegations (the
inbox page and `GET /v1/tasks?approver=` list them with their own)."""

from __future__ import annotations

from datetime import datetime

from approval import handlers
from approval.adapters.task_list import TaskRow
from approval.api import Uow

INBOX_LIMIT = 500


async def delegated_tasks(
    uow: Uow, login: str, seen: set[str], now: datetime
) -> dict[TaskRow, str]:
    """The pending tasks of those whose running delegation lets `login` decide them now (the
    rules of `handlers.may_decide`), each with its delegator."""
    found: dict[TaskRow, str] = {}
    for delegation in await uow.delegations.to(login):
        theirs = await uow.task_list.find(
            approver=delegation.delegator, status="pending", limit=INBOX_LIMIT
        )
        for row in theirs:
            if row.request_id in seen or not delegation.covers(row.flow_id, now):
                continue
            instance = await uow.instances.get(row.request_id)
            if instance is not None and await handlers.may_decide(uow, instance, login, now):
                found[row] = delegation.delegator
                seen.add(row.request_id)
    return found
