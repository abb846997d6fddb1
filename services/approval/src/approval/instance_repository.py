"""The repository of approval instances: their tasks, audit trail and task lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval import db
from approval.domain import ApprovalInstance, AuditEntry, Task

DEFAULT_LIST_LIMIT = 100
_TASK_FIELDS = (
    "step_no",
    "role",
    "status",
    "time_limit_hours",
    "activated_at",
    "due_at",
    "approver",
    "decided_at",
    "comment",
)


@dataclass(frozen=True)
class TaskRow:
    """A pending task with what an approver needs to decide it."""

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


class InstanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, instance: ApprovalInstance) -> bool:
        """Insert a new instance with its tasks and audit; False if the request_id exists."""
        inserted = await self._session.scalar(
            insert(db.approval_instances)
            .values(self._instance_values(instance) | {"request_id": instance.request_id})
            .on_conflict_do_nothing(index_elements=["request_id"])
            .returning(db.approval_instances.c.request_id)
        )
        if inserted is None:
            return False
        if instance.tasks:
            await self._session.execute(
                insert(db.approval_tasks),
                [self._task_values(instance.request_id, t) for t in instance.tasks],
            )
        await self._write_audit(instance)
        return True

    async def get(self, request_id: str, *, for_update: bool = False) -> ApprovalInstance | None:
        t = db.approval_instances
        query = select(t).where(t.c.request_id == request_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        tasks = await self._tasks(request_id)
        r = row._mapping
        return ApprovalInstance(
            **{k: r[k] for k in self._instance_columns()},
            request_id=request_id,
            tasks=tasks,
        )

    async def save(self, instance: ApprovalInstance) -> None:
        t = db.approval_instances
        await self._session.execute(
            update(t)
            .where(t.c.request_id == instance.request_id)
            .values(self._instance_values(instance))
        )
        tasks = db.approval_tasks
        for task in instance.tasks:
            values = self._task_values(instance.request_id, task)
            await self._session.execute(
                update(tasks)
                .where(tasks.c.request_id == instance.request_id, tasks.c.step_no == task.step_no)
                .values(values)
            )
        await self._write_audit(instance)

    async def audit(self, request_id: str) -> list[AuditEntry]:
        t = db.approval_audit
        rows = await self._session.execute(
            select(t).where(t.c.request_id == request_id).order_by(t.c.id)
        )
        return [AuditEntry(r.action, r.actor, r.at, r.step_no, r.comment) for r in rows]

    async def find(
        self, *, status: str | None, subject_type: str | None, limit: int = DEFAULT_LIST_LIMIT
    ) -> list[ApprovalInstance]:
        t = db.approval_instances
        query = select(t.c.request_id).order_by(t.c.requested_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.c.status == status)
        if subject_type is not None:
            query = query.where(t.c.subject_type == subject_type)
        ids = list(await self._session.scalars(query))
        found = [await self.get(request_id) for request_id in ids]
        return [instance for instance in found if instance is not None]

    async def tasks(
        self, *, approver: str | None, status: str, limit: int = DEFAULT_LIST_LIMIT
    ) -> list[TaskRow]:
        """Tasks by status; with `approver`, pending ones they may act on (by role and
        department, not after approving an earlier step) or decided ones they decided."""
        tasks, inst, appr = db.approval_tasks, db.approval_instances, db.approvers
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
            )
            .join(inst, inst.c.request_id == tasks.c.request_id)
            .where(tasks.c.status == status)
            .order_by(tasks.c.activated_at, tasks.c.request_id)
            .limit(limit)
        )
        if approver is not None and status == "pending":
            holds_role = exists().where(
                appr.c.approver_id == approver,
                appr.c.role == tasks.c.role,
                or_(appr.c.department == "*", appr.c.department == inst.c.department),
            )
            earlier = db.approval_tasks.alias("earlier")
            approved_earlier = exists().where(
                and_(
                    earlier.c.request_id == tasks.c.request_id,
                    earlier.c.status == "approved",
                    earlier.c.approver == approver,
                )
            )
            query = query.where(holds_role, ~approved_earlier)
        elif approver is not None:
            query = query.where(tasks.c.approver == approver)
        rows = await self._session.execute(query)
        return [TaskRow(**r._mapping) for r in rows]

    async def _tasks(self, request_id: str) -> list[Task]:
        t = db.approval_tasks
        rows = await self._session.execute(
            select(t).where(t.c.request_id == request_id).order_by(t.c.step_no)
        )
        return [Task(**{k: r._mapping[k] for k in _TASK_FIELDS}) for r in rows]

    async def _write_audit(self, instance: ApprovalInstance) -> None:
        if not instance.new_audit:
            return
        await self._session.execute(
            insert(db.approval_audit),
            [
                {
                    "request_id": instance.request_id,
                    "step_no": e.step_no,
                    "action": e.action,
                    "actor": e.actor,
                    "comment": e.comment,
                    "at": e.at,
                }
                for e in instance.new_audit
            ],
        )
        instance.new_audit.clear()

    @staticmethod
    def _instance_columns() -> tuple[str, ...]:
        return (
            "subject_type",
            "subject_id",
            "amount",
            "currency",
            "department",
            "requested_by",
            "summary",
            "details",
            "requested_at",
            "flow_id",
            "status",
            "decided_at",
            "decided_by",
            "decision_reason",
        )

    def _instance_values(self, instance: ApprovalInstance) -> dict[str, Any]:
        return {k: getattr(instance, k) for k in self._instance_columns()}

    @staticmethod
    def _task_values(request_id: str, task: Task) -> dict[str, Any]:
        return {"request_id": request_id, **{k: getattr(task, k) for k in _TASK_FIELDS}}
