"""The repository of approval instances, with their tasks and audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inventory_runtime.uow import RecordsEvents
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.adapters.timers import DEFAULT_REMINDER_SHARE, TimerRepository
from approval.domain import ApprovalInstance, AssigneeRule, AuditEntry, Task, Vote

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
    "time_limit_minutes",
    "escalation_role",
    "assignees",
    "escalated_at",
    "flow_role",
    "on_behalf_of",
    "mode",
)


class InstanceRepository:
    """`ports.Instances` on PostgreSQL; `track` is the unit of work's, so the events of the
    instances it loads or adds reach the outbox."""

    def __init__(
        self,
        session: AsyncSession,
        track: Callable[[RecordsEvents], None],
        reminder_share: float = DEFAULT_REMINDER_SHARE,
    ) -> None:
        self._session = session
        self._track = track
        self._timers = TimerRepository(session, reminder_share)

    async def add(self, instance: ApprovalInstance) -> bool:
        """Insert a new instance with its tasks and audit; False if the request_id exists."""
        inserted = await self._session.scalar(
            insert(tables.approval_instances)
            .values(self._instance_values(instance) | {"request_id": instance.request_id})
            .on_conflict_do_nothing(index_elements=["request_id"])
            .returning(tables.approval_instances.c.request_id)
        )
        if inserted is None:
            return False
        self._track(instance)
        if instance.tasks:
            await self._session.execute(
                insert(tables.approval_tasks),
                [self._task_values(instance.request_id, t) for t in instance.tasks],
            )
            await self._timers.sync(instance)
        await self._write_audit(instance)
        return True

    async def get(self, request_id: str, *, for_update: bool = False) -> ApprovalInstance | None:
        t = tables.approval_instances
        query = select(t).where(t.c.request_id == request_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        tasks = await self._tasks(request_id)
        r = row._mapping
        instance = ApprovalInstance(
            **{k: r[k] for k in self._instance_columns()},
            request_id=request_id,
            tasks=tasks,
        )
        self._track(instance)
        return instance

    async def save(self, instance: ApprovalInstance) -> None:
        t = tables.approval_instances
        await self._session.execute(
            update(t)
            .where(t.c.request_id == instance.request_id)
            .values(self._instance_values(instance))
        )
        tasks = tables.approval_tasks
        for task in instance.tasks:
            values = self._task_values(instance.request_id, task)
            await self._session.execute(
                update(tasks)
                .where(tasks.c.request_id == instance.request_id, tasks.c.step_no == task.step_no)
                .values(values)
            )
        await self._timers.sync(instance)
        await self._write_audit(instance)

    async def audit(self, request_id: str) -> list[AuditEntry]:
        t = tables.approval_audit
        rows = await self._session.execute(
            select(t).where(t.c.request_id == request_id).order_by(t.c.id)
        )
        return [AuditEntry(r.action, r.actor, r.at, r.step_no, r.comment, r.version) for r in rows]

    async def find(
        self, *, status: str | None, subject_type: str | None, limit: int = DEFAULT_LIST_LIMIT
    ) -> list[ApprovalInstance]:
        t = tables.approval_instances
        query = select(t.c.request_id).order_by(t.c.requested_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.c.status == status)
        if subject_type is not None:
            query = query.where(t.c.subject_type == subject_type)
        ids = list(await self._session.scalars(query))
        found = [await self.get(request_id) for request_id in ids]
        return [instance for instance in found if instance is not None]

    async def _tasks(self, request_id: str) -> list[Task]:
        t = tables.approval_tasks
        rows = await self._session.execute(
            select(t).where(t.c.request_id == request_id).order_by(t.c.step_no)
        )
        return [
            Task(
                **{k: r._mapping[k] for k in _TASK_FIELDS},
                rules=tuple(AssigneeRule.from_record(rule) for rule in r.rules),
                votes=tuple(Vote.from_record(vote) for vote in r.votes),
            )
            for r in rows
        ]

    async def _write_audit(self, instance: ApprovalInstance) -> None:
        if not instance.new_audit:
            return
        await self._session.execute(
            insert(tables.approval_audit),
            [
                {
                    "request_id": instance.request_id,
                    "step_no": e.step_no,
                    "action": e.action,
                    "actor": e.actor,
                    "comment": e.comment,
                    "at": e.at,
                    "version": e.version,
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
            "version",
            "flow_version",
        )

    def _instance_values(self, instance: ApprovalInstance) -> dict[str, Any]:
        return {k: getattr(instance, k) for k in self._instance_columns()}

    @staticmethod
    def _task_values(request_id: str, task: Task) -> dict[str, Any]:
        values = {k: getattr(task, k) for k in _TASK_FIELDS}
        return {
            "request_id": request_id,
            **values,
            "assignees": list(task.assignees),
            "rules": [rule.record() for rule in task.rules],
            "votes": [vote.record() for vote in task.votes],
        }
