"""The task list: the tasks an approver may act on, or has decided (a read query)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, any_, exists, false, func, literal, or_, select, union
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


def approved_earlier(approver: str) -> ColumnElement[bool]:
    """`approver` approved a step of the task's request, or their part of a countersign step
    (four eyes)."""
    tasks = tables.approval_tasks
    other = tasks.alias("other")
    return exists().where(
        other.c.request_id == tasks.c.request_id,
        or_(
            and_(other.c.status == "approved", other.c.approver == approver),
            other.c.votes.contains([{"login": approver}]),
            other.c.votes.contains([{"on_behalf_of": approver}]),
        ),
    )


def by_role(held: Sequence[tuple[str, str]]) -> Any:
    """A role-assigned task whose role `held` gives for its request's department: one plain
    predicate per role (the assignments are read first), not a lookup per task."""
    tasks, inst = tables.approval_tasks, tables.approval_instances
    departments: dict[str, set[str]] = {}
    for role, department in held:
        departments.setdefault(role, set()).add(department)
    return or_(
        false(),
        *(
            tasks.c.role == role
            if ALL_DEPARTMENTS in where
            else and_(tasks.c.role == role, inst.c.department.in_(sorted(where)))
            for role, where in sorted(departments.items())
        ),
    )


class TaskList:
    """Tasks joined with what an approver needs to decide them."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _may_act(self, approver: str) -> Any:
        """Assigned to `approver` by name, or by a role they hold for the request's department.
        Their few requests are found first through indexes (by department, by a role held
        everywhere, by name among the assignees), so the list does not grow with all pending
        tasks; the exact rule is then applied to those."""
        tasks, inst, appr = tables.approval_tasks, tables.approval_instances, tables.approvers
        held = await self._session.execute(
            select(appr.c.role, appr.c.department).where(appr.c.approver_id == approver)
        )
        roles = [(row.role, row.department) for row in held]
        pending_tasks = select(tasks.c.request_id).where(tasks.c.status == "pending")
        paths = [pending_tasks.where(tasks.c.assignees.contains([approver]))]
        everywhere = sorted({role for role, department in roles if department == ALL_DEPARTMENTS})
        if everywhere:
            paths.append(pending_tasks.where(tasks.c.role.in_(everywhere)))
        if departments := sorted({d for _, d in roles if d != ALL_DEPARTMENTS}):
            paths.append(
                select(inst.c.request_id).where(
                    inst.c.status == "pending", inst.c.department.in_(departments)
                )
            )
        rule = or_(
            and_(func.cardinality(tasks.c.assignees) == 0, by_role(roles)),
            literal(approver) == any_(tasks.c.assignees),
        )
        return and_(tasks.c.request_id.in_(union(*paths)), rule)

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
            query = query.where(
                await self._may_act(approver), inst.c.requested_by != approver
            ).where(~approved_earlier(approver))
        elif approver is not None:
            query = query.where(tasks.c.approver == approver)
        rows = await self._session.execute(query)
        return [TaskRow(**r._mapping) for r in rows]

    async def names(self, login: str) -> bool:
        """Whether a task names `login` as an assignee or its approver."""
        tasks = tables.approval_tasks
        named = or_(literal(login) == any_(tasks.c.assignees), tasks.c.approver == login)
        return bool(await self._session.scalar(select(exists().where(named))))
