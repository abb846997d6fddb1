"""Planning runs: at most one queued or running at a time (a unique index, across replicas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from replenishment.adapters import tables
from replenishment.adapters.rows import build, columns_of
from replenishment.domain.planning_runs import ACTIVE_RUN_STATUSES, PlanningRun


class PlanningRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_if_none_active(self, run: PlanningRun) -> bool:
        """Queue `run`; False (nothing written) while another run is queued or running."""
        statement = (
            insert(tables.planning_runs)
            .values(columns_of(run))
            .on_conflict_do_nothing()
            .returning(tables.planning_runs.c.run_id)
        )
        return (await self._session.scalar(statement)) is not None

    async def active(self) -> PlanningRun | None:
        t = tables.planning_runs
        query = select(t).where(t.c.status.in_(ACTIVE_RUN_STATUSES))
        row = (await self._session.execute(query)).first()
        return None if row is None else build(PlanningRun, row._mapping)

    async def get(self, run_id: str) -> PlanningRun | None:
        query = select(tables.planning_runs).where(tables.planning_runs.c.run_id == run_id)
        row = (await self._session.execute(query)).first()
        return None if row is None else build(PlanningRun, row._mapping)

    async def update(self, run_id: str, **values: Any) -> None:
        t = tables.planning_runs
        await self._session.execute(update(t).where(t.c.run_id == run_id).values(**values))

    async def fail_interrupted(self, at: datetime) -> int:
        """Runs left queued or running by a stopped process are failed (one active run rule)."""
        t = tables.planning_runs
        result = await self._session.execute(
            update(t)
            .where(t.c.status.in_(ACTIVE_RUN_STATUSES))
            .values(status="failed", finished_at=at, error="interrupted by a restart")
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
