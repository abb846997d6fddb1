"""The task list: the tasks an approver may act on, or has decided (a read query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, any_, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.adapters.instances import DEFAULT_LIST_LIMIT
from approval.domain import ALL_DEPARTMENTS


@dataclass(frozen=True)
class TaskRow:
    """A task with what an approver needs to decide it."""

    request_id: str
    step_no: int
    role: str
    status: str
    subject_type: str
    subject_id: str
    amount: Decimal
    currency: str
    department: str
    summary: str
    activated_at: datetime | None
    due_at: datetime | None
    approver: str | None
    decided_at: datetime | None
    flow_id: str | None = None
    requested_by: str = ""
    mode: str = "single"


class TaskList:
    """Tasks joined with what an approver needs to decide them."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(
        self, *, approver: str | None, status: str, limit: int = DEFAULT_LIST_LIMIT
    ) -> list[TaskRow]:
        """Tasks by status; with `approver`, pending ones they may act on (by role and
        department, not after approving an earlier step, not on their own request) or decided
        ones they decided."""
        tasks, inst = tables.approval_tasks, tables.approval_instances
        query = (
            select(
                tasks.c.request_id,
                tasks.c.step_no,
                tasks.c.role,
                tasks.c.status,
                inst.c.subject_type,
                inst.c.subject_id,
                inst.c.amount,
                inst.c.currency,
                inst.c.department,
                inst.c.summary,
                tasks.c.activated_at,
                tasks.c.due_at,
                tasks.c.approver,
                tasks.c.decided_at,
                inst.c.flow_id,
                inst.c.requested_by,
                tasks.c.mode,
            )
            .join(inst, inst.c.request_id == tasks.c.request_id)
            .where(tasks.c.status == status)
            .order_by(tasks.c.activated_at, tasks.c.request_id)
            .limit(limit)
        )
        if approver is not None and status == "pending":
            query = query.where(_may_act(approver))
        elif approver is not None:
            query = query.where(tasks.c.approver == approver)
        rows = await self._session.execute(query)
        return [TaskRow(**r._mapping) for r in rows]

    async def names(self, login: str) -> bool:
        """Whether a task names `login` as an assignee or its approver."""
        tasks = tables.approval_tasks
        named = or_(literal(login) == any_(tasks.c.assignees), tasks.c.approver == login)
        return bool(await self._session.scalar(select(exists().where(named))))


def _may_act(approver: str) -> ColumnElement[bool]:
    """A pending task `approver` may act on: by role and department (or as a named assignee),
    not on their own request, not after approving a step of it (or their part of this
    countersign step)."""
    tasks, inst, appr = tables.approval_tasks, tables.approval_instances, tables.approvers
    holds_role = exists().where(
        appr.c.approver_id == approver,
        appr.c.role == tasks.c.role,
        or_(appr.c.department == ALL_DEPARTMENTS, appr.c.department == inst.c.department),
    )
    assigned = or_(
        and_(func.cardinality(tasks.c.assignees) == 0, holds_role),
        literal(approver) == any_(tasks.c.assignees),
    )
    other = tables.approval_tasks.alias("other")
    approved_one = exists().where(
        other.c.request_id == tasks.c.request_id,
        or_(
            and_(other.c.status == "approved", other.c.approver == approver),
            other.c.votes.contains([{"login": approver}]),
            other.c.votes.contains([{"on_behalf_of": approver}]),
        ),
    )
    return and_(assigned, ~approved_one, inst.c.requested_by != approver)
