"""The repository of approval flows: each flow's row points at its current version; the
versions (branches as JSON) are immutable rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.domain import Branch, Flow


class FlowRepository:
    """`ports.Flows` on PostgreSQL."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self) -> list[Flow]:
        """The current version of every flow, by key."""
        flows, versions = tables.approval_flows, tables.approval_flow_versions
        query = (
            select(versions)
            .join(
                flows,
                and_(flows.c.flow_id == versions.c.flow_id, flows.c.version == versions.c.version),
            )
            .order_by(versions.c.flow_id)
        )
        return [_flow(row) for row in await self._session.execute(query)]

    async def get(self, flow_id: str) -> Flow | None:
        return next((f for f in await self.find() if f.flow_id == flow_id), None)

    async def versions(self, flow_id: str) -> list[Flow]:
        """Every version of `flow_id`, oldest first (none for an unknown flow)."""
        t = tables.approval_flow_versions
        query = select(t).where(t.c.flow_id == flow_id).order_by(t.c.version)
        return [_flow(row) for row in await self._session.execute(query)]

    async def version(self, flow_id: str, version: int) -> Flow | None:
        t = tables.approval_flow_versions
        query = select(t).where(t.c.flow_id == flow_id, t.c.version == version)
        row = (await self._session.execute(query)).first()
        return None if row is None else _flow(row)

    async def for_subject_type(self, subject_type: str) -> Flow | None:
        """The current version of the flow serving `subject_type`, if it is active."""
        return next(
            (f for f in await self.find() if f.subject_type == subject_type and f.active), None
        )

    async def owner_of(self, subject_type: str) -> str | None:
        query = select(tables.approval_flows.c.flow_id).where(
            tables.approval_flows.c.subject_type == subject_type
        )
        return await self._session.scalar(query)

    async def lock(self, flow_id: str) -> None:
        """Hold `flow_id` for this transaction, so two puts of one flow number their versions
        one after the other (a new flow has no row to lock yet: a transaction-level lock)."""
        await self._session.execute(select(func.pg_advisory_xact_lock(func.hashtext(flow_id))))

    async def add_version(self, flow: Flow, created_by: str) -> None:
        """Store `flow` as its `version` and make it the current one (the flow's row is created
        with version 1)."""
        values: dict[str, Any] = {
            "flow_id": flow.flow_id,
            "subject_type": flow.subject_type,
            "name": flow.name,
            "name_en": flow.name_en,
            "active": flow.active,
            "version": flow.version,
        }
        await self._session.execute(
            insert(tables.approval_flows)
            .values(values)
            .on_conflict_do_update(
                index_elements=["flow_id"], set_={**values, "updated_at": func.now()}
            )
        )
        await self._session.execute(
            insert(tables.approval_flow_versions).values(
                values | {"branches": flow.definition(), "created_by": created_by}
            )
        )


def _flow(row: Row[Any]) -> Flow:
    return Flow(
        flow_id=row.flow_id,
        subject_type=row.subject_type,
        name=row.name,
        branches=tuple(Branch.from_record(branch) for branch in row.branches),
        active=row.active,
        name_en=row.name_en,
        version=row.version,
    )
