"""The repository of approval flows and their steps."""

from __future__ import annotations

from sqlalchemy import delete, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.domain import Flow, FlowStep


class FlowRepository:
    """`ports.Flows` on PostgreSQL."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self) -> list[Flow]:
        flows = (await self._session.execute(select(tables.approval_flows))).all()
        steps = (
            await self._session.execute(
                select(tables.approval_flow_steps).order_by(
                    tables.approval_flow_steps.c.flow_id, tables.approval_flow_steps.c.step_no
                )
            )
        ).all()
        by_flow: dict[str, list[FlowStep]] = {}
        for s in steps:
            by_flow.setdefault(s.flow_id, []).append(
                FlowStep(
                    s.role,
                    s.min_amount_exclusive,
                    s.max_amount_inclusive,
                    s.time_limit_hours,
                    s.time_limit_minutes,
                    s.escalation_role,
                )
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
        query = select(tables.approval_flows.c.flow_id).where(
            tables.approval_flows.c.subject_type == subject_type
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
            insert(tables.approval_flows)
            .values(values)
            .on_conflict_do_update(
                index_elements=["flow_id"], set_={**values, "updated_at": func.now()}
            )
            .returning(literal_column("xmax = 0"))  # true for an insert, false for an update
        )
        steps_table = tables.approval_flow_steps
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
                    "time_limit_minutes": step.time_limit_minutes,
                    "escalation_role": step.escalation_role,
                }
                for no, step in enumerate(flow.steps, start=1)
            ],
        )
        return bool(created)
