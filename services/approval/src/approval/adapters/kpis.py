"""The read behind approval's business gauges (approval.metrics): per flow (the subject type
an approval flow decides), never per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

PENDING = """
WITH flows AS (
  SELECT subject_type FROM approval_flows
  UNION SELECT DISTINCT subject_type FROM approval_instances WHERE status = 'pending'
), pending AS (
  SELECT i.subject_type, count(*) AS requests, min(i.requested_at) AS oldest
  FROM approval_instances i WHERE i.status = 'pending' GROUP BY i.subject_type
), overdue AS (
  SELECT i.subject_type, count(*) AS tasks
  FROM approval_tasks t JOIN approval_instances i ON i.request_id = t.request_id
  WHERE t.status = 'pending' AND t.due_at < :now GROUP BY i.subject_type
)
SELECT f.subject_type AS flow, coalesce(p.requests, 0) AS requests, p.oldest,
       coalesce(o.tasks, 0) AS overdue
FROM flows f LEFT JOIN pending p USING (subject_type) LEFT JOIN overdue o USING (subject_type)
"""


@dataclass(frozen=True)
class FlowFigures:
    flow: str
    pending: int
    oldest_requested_at: datetime | None
    overdue_tasks: int


async def pending_by_flow(session: AsyncSession, now: datetime) -> list[FlowFigures]:
    """Per flow: requests pending, when the oldest was requested, tasks past their time limit."""
    rows = await session.execute(text(PENDING), {"now": now})
    return [FlowFigures(r.flow, r.requests, r.oldest, r.overdue) for r in rows]
