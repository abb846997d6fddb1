"""The repository of approvers: who holds which role, per department."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.domain import ALL_DEPARTMENTS, Assignment


class ApproverRepository:
    """`ports.Approvers` on PostgreSQL."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, *, role: str | None = None) -> list[Assignment]:
        t = tables.approvers
        query = select(t).order_by(t.c.approver_id, t.c.role, t.c.department)
        if role is not None:
            query = query.where(t.c.role == role)
        rows = (await self._session.execute(query)).all()
        return [Assignment(r.approver_id, r.display_name, r.role, r.department) for r in rows]

    async def holders(self, role: str, department: str) -> list[str]:
        """The logins holding `role` for `department` (or for every department)."""
        t = tables.approvers
        query = select(t.c.approver_id).where(
            t.c.role == role, t.c.department.in_([ALL_DEPARTMENTS, department])
        )
        return sorted(set(await self._session.scalars(query)))

    async def of(self, approver_id: str) -> list[Assignment]:
        return [a for a in await self.find() if a.approver_id == approver_id]

    async def add(self, assignment: Assignment) -> bool:
        """Add a role assignment (or rename it); True if it is new."""
        t = tables.approvers
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
