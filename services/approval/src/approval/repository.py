"""Repositories of flows and approvers, and the unit of work that carries all repositories."""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork
from sqlalchemy import delete, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval import db
from approval.domain import Assignment, Flow, FlowStep
from approval.instance_repository import InstanceRepository

DEFAULT_LIST_LIMIT = 100


class FlowRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self) -> list[Flow]:
        flows = (await self._session.execute(select(db.approval_flows))).all()
        steps = (
            await self._session.execute(
                select(db.approval_flow_steps).order_by(
                    db.approval_flow_steps.c.flow_id, db.approval_flow_steps.c.step_no
                )
            )
        ).all()
        by_flow: dict[str, list[FlowStep]] = {}
        for s in steps:
            by_flow.setdefault(s.flow_id, []).append(
                FlowStep(s.role, s.min_amount_exclusive, s.max_amount_inclusive, s.time_limit_hours)
            )
        return [
            Flow(f.flow_id, f.subject_type, f.name, tuple(by_flow.get(f.flow_id, ())), f.active)
            for f in sorted(flows, key=lambda f: f.flow_id)
        ]

    async def get(self, flow_id: str) -> Flow | None:
        return next((f for f in await self.find() if f.flow_id == flow_id), None)

    async def for_subject_type(self, subject_type: str) -> Flow | None:
        """The active flow serving `subject_type`, if any."""
        return next(
            (f for f in await self.find() if f.subject_type == subject_type and f.active), None
        )

    async def owner_of(self, subject_type: str) -> str | None:
        query = select(db.approval_flows.c.flow_id).where(
            db.approval_flows.c.subject_type == subject_type
        )
        return await self._session.scalar(query)

    async def save(self, flow: Flow) -> bool:
        """Create or replace `flow` and its steps; True if it was created."""
        values = {
            "flow_id": flow.flow_id,
            "subject_type": flow.subject_type,
            "name": flow.name,
            "active": flow.active,
        }
        created = await self._session.scalar(
            insert(db.approval_flows)
            .values(values)
            .on_conflict_do_update(
                index_elements=["flow_id"], set_={**values, "updated_at": func.now()}
            )
            .returning(literal_column("xmax = 0"))  # true for an insert, false for an update
        )
        steps_table = db.approval_flow_steps
        await self._session.execute(
            delete(steps_table).where(steps_table.c.flow_id == flow.flow_id)
        )
        await self._session.execute(
            insert(steps_table),
            [
                {
                    "flow_id": flow.flow_id,
                    "step_no": no,
                    "role": step.role,
                    "min_amount_exclusive": step.min_amount_exclusive,
                    "max_amount_inclusive": step.max_amount_inclusive,
                    "time_limit_hours": step.time_limit_hours,
                }
                for no, step in enumerate(flow.steps, start=1)
            ],
        )
        return bool(created)


class ApproverRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, *, role: str | None = None) -> list[Assignment]:
        t = db.approvers
        query = select(t).order_by(t.c.approver_id, t.c.role, t.c.department)
        if role is not None:
            query = query.where(t.c.role == role)
        rows = (await self._session.execute(query)).all()
        return [Assignment(r.approver_id, r.display_name, r.role, r.department) for r in rows]

    async def of(self, approver_id: str) -> list[Assignment]:
        return [a for a in await self.find() if a.approver_id == approver_id]

    async def add(self, assignment: Assignment) -> bool:
        """Add a role assignment (or rename it); True if it is new."""
        t = db.approvers
        existing = await self._session.scalar(
            select(func.count())
            .select_from(t)
            .where(
                t.c.approver_id == assignment.approver_id,
                t.c.role == assignment.role,
                t.c.department == assignment.department,
            )
        )
        values = {
            "approver_id": assignment.approver_id,
            "role": assignment.role,
            "department": assignment.department,
            "display_name": assignment.display_name,
        }
        await self._session.execute(
            insert(t)
            .values(values)
            .on_conflict_do_update(
                index_elements=["approver_id", "role", "department"],
                set_={"display_name": assignment.display_name},
            )
        )
        return not existing


class ApprovalUnitOfWork(UnitOfWork):
    """The unit of work with the approval repositories on its session."""

    flows: FlowRepository
    approvers: ApproverRepository
    instances: InstanceRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.flows = FlowRepository(self.session)
        self.approvers = ApproverRepository(self.session)
        self.instances = InstanceRepository(self.session)
        return self
