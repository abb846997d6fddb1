"""Count schedules, count tasks and variance approvals, in the unit of work's session."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters.tables import (
    balances,
    count_approvals,
    count_schedules,
    count_tasks,
    items,
)
from stock_ledger.domain import PointKey
from stock_ledger.domain.counting import CountApproval, CountTask, Variance

GENERATE = """
INSERT INTO count_tasks (task_id, sku, location, abc_class, due_date, status)
SELECT 'CT-' || to_char(CAST(:today AS date), 'YYYYMMDD') || '-' || b.sku || '@' || b.location,
       b.sku, b.location, i.abc_class, :today, 'open'
FROM balances b
JOIN items i ON i.sku = b.sku AND i.active
JOIN count_schedules s ON s.abc_class = i.abc_class
WHERE (b.last_counted_date IS NULL OR b.last_counted_date + s.interval_days <= :today)
ON CONFLICT DO NOTHING
RETURNING task_id
"""


class SqlCountingRepository:
    """`CountingRepository`, and the settings and lists the API reads and writes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def abc_class_of(self, sku: str) -> tuple[bool, str | None]:
        """Whether the SKU is known, and its ABC class (None: none yet), its row locked until
        the transaction ends."""
        query = select(items.c.abc_class).where(items.c.sku == sku).with_for_update()
        row = (await self.session.execute(query)).one_or_none()
        return (False, None) if row is None else (True, row.abc_class)

    async def schedule_of(self, abc_class: str) -> int | None:
        """Days between counts of the class, its row locked (None: not set)."""
        query = (
            select(count_schedules.c.interval_days)
            .where(count_schedules.c.abc_class == abc_class)
            .with_for_update()
        )
        days: int | None = (await self.session.execute(query)).scalar_one_or_none()
        return days

    async def set_abc_class(self, sku: str, abc_class: str) -> bool:
        """Set an item's ABC class; False when the SKU is unknown."""
        result = await self.session.execute(
            update(items).where(items.c.sku == sku).values(abc_class=abc_class)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def schedules(self) -> dict[str, int]:
        rows = await self.session.execute(
            count_schedules.select().order_by(count_schedules.c.abc_class)
        )
        return {r.abc_class: r.interval_days for r in rows}

    async def set_schedule(self, abc_class: str, interval_days: int) -> None:
        statement = insert(count_schedules).values(abc_class=abc_class, interval_days=interval_days)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["abc_class"], set_={"interval_days": interval_days}
            )
        )

    async def generate_tasks(self, today: date) -> list[str]:
        """Open a task per due stock point that has none open (the unique index skips the rest)."""
        result = await self.session.execute(text(GENERATE), {"today": today})
        return sorted(result.scalars().all())

    async def tasks(self, status: str | None, limit: int) -> list[dict[str, Any]]:
        query = count_tasks.select().order_by(count_tasks.c.due_date, count_tasks.c.task_id)
        if status is not None:
            query = query.where(count_tasks.c.status == status)
        return [dict(r._mapping) for r in await self.session.execute(query.limit(limit))]

    async def task(self, task_id: str, *, lock: bool = False) -> CountTask | None:
        query = count_tasks.select().where(count_tasks.c.task_id == task_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else CountTask(row.task_id, row.sku, row.location, row.status)

    async def close_task(self, task_id: str, status: str, document_id: str, now: datetime) -> None:
        done = status in ("done", "rejected")
        await self.session.execute(
            update(count_tasks)
            .where(count_tasks.c.task_id == task_id)
            .values(status=status, document_id=document_id, completed_at=now if done else None)
        )

    async def mark_counted(self, key: PointKey, day: date) -> None:
        sku, location = key
        await self.session.execute(
            update(balances)
            .where(balances.c.sku == sku, balances.c.location == location)
            .values(last_counted_date=day)
        )

    async def add_approval(
        self,
        document_id: str,
        request_id: str,
        amount: Decimal,
        task_id: str | None = None,
        variance: Variance | None = None,
    ) -> None:
        """A document waiting for approval: a count task's (with its variance), or a count or
        adjustment posted otherwise (quantities per line are on the document)."""
        await self.session.execute(
            insert(count_approvals).values(
                document_id=document_id,
                request_id=request_id,
                task_id=task_id,
                amount=amount,
                book_quantity=None if variance is None else variance.book,
                counted_quantity=None if variance is None else variance.counted,
            )
        )

    async def approval(self, document_id: str) -> CountApproval | None:
        """The approval of a count document, locked until the transaction ends."""
        row = (
            await self.session.execute(
                count_approvals.select()
                .where(count_approvals.c.document_id == document_id)
                .with_for_update()
            )
        ).one_or_none()
        return None if row is None else CountApproval(row.document_id, row.task_id, row.status)

    async def decide(
        self,
        document_id: str,
        status: str,
        decided_by: str,
        decided_at: datetime,
        reason: str | None,
    ) -> None:
        await self.session.execute(
            update(count_approvals)
            .where(count_approvals.c.document_id == document_id)
            .values(status=status, decided_by=decided_by, decided_at=decided_at, reason=reason)
        )
