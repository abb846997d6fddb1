"""The timers of pending steps (`approval_timers`): written with the tasks, claimed when due.

A claim is `SELECT ... FOR UPDATE SKIP LOCKED`: two jobs (two processes, or a restart while one
still runs) never take the same timer, and a timer marked `fired_at` in the transaction that
acted on it is never taken again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import ColumnElement, and_, delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.domain import ApprovalInstance, Timer, timers_for

DEFAULT_REMINDER_SHARE: Final = 0.5


class TimerRepository:
    """`ports.Timers` on PostgreSQL."""

    def __init__(self, session: AsyncSession, reminder_share: float = DEFAULT_REMINDER_SHARE):
        self._session = session
        self._reminder_share = reminder_share

    async def sync(self, instance: ApprovalInstance) -> None:
        """Timers for the tasks that run them (kept when there); the unfired ones of every other
        task deleted, except those a running job holds (it finds the task decided and drops
        them), so a decision never waits on the job."""
        t = tables.approval_timers
        wanted = [
            timer
            for task in instance.tasks
            for timer in timers_for(instance.request_id, task, self._reminder_share)
        ]
        if wanted:
            rows = [
                {
                    "request_id": w.request_id,
                    "step_no": w.step_no,
                    "kind": w.kind,
                    "due_at": w.due_at,
                }
                for w in wanted
            ]
            # A timer already there is kept (fired or not) unless its step started again with
            # a new limit (a resubmitted request): then it is due anew.
            upsert = insert(t).values(rows)
            await self._session.execute(
                upsert.on_conflict_do_update(
                    index_elements=[t.c.request_id, t.c.step_no, t.c.kind],
                    set_={"due_at": upsert.excluded.due_at, "fired_at": None},
                    where=t.c.due_at != upsert.excluded.due_at,
                )
            )
        idle = [task.step_no for task in instance.tasks if not task.runs_timers]
        if idle:
            doomed = (
                select(t.c.request_id, t.c.step_no, t.c.kind)
                .where(
                    t.c.request_id == instance.request_id,
                    t.c.step_no.in_(idle),
                    t.c.fired_at.is_(None),
                )
                .with_for_update(skip_locked=True)
            )
            await self._session.execute(
                delete(t).where(tuple_(t.c.request_id, t.c.step_no, t.c.kind).in_(doomed))
            )

    async def claim_due(self, now: datetime, limit: int) -> list[Timer]:
        """Up to `limit` unfired timers due by `now`, earliest first, locked for this
        transaction; timers another transaction holds are skipped."""
        t = tables.approval_timers
        query = (
            select(t.c.request_id, t.c.step_no, t.c.kind, t.c.due_at)
            .where(t.c.fired_at.is_(None), t.c.due_at <= now)
            .order_by(t.c.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = await self._session.execute(query)
        return [Timer(r.request_id, r.step_no, r.kind, r.due_at) for r in rows]

    async def mark_fired(self, timer: Timer, now: datetime) -> None:
        t = tables.approval_timers
        await self._session.execute(update(t).where(_is(timer)).values(fired_at=now))

    async def drop(self, timer: Timer) -> None:
        """Forget a timer whose task no longer waits on it (decided, or escalated)."""
        await self._session.execute(delete(tables.approval_timers).where(_is(timer)))


def _is(timer: Timer) -> ColumnElement[bool]:
    t = tables.approval_timers
    return and_(
        t.c.request_id == timer.request_id, t.c.step_no == timer.step_no, t.c.kind == timer.kind
    )
