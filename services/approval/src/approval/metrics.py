"""Approval's business gauges (docs/conventions.md), read from its tables every
`KPI_REFRESH_SECONDS` by `kpi_job(refresh)`: per flow (subject type), never per request.
Every instance exports the same values: aggregate with max."""

from __future__ import annotations

from inventory_runtime.clock import utc_now
from inventory_runtime.kpi import Sessions, publish
from prometheus_client import Gauge

from approval.adapters import kpis

PENDING = Gauge(
    "inventory_approvals_pending", "Approval requests waiting for a decision.", ["flow"]
)
OLDEST_PENDING_AGE = Gauge(
    "inventory_approvals_pending_oldest_age_seconds",
    "Age of the oldest approval request waiting for a decision (0 if none).",
    ["flow"],
)
OVERDUE = Gauge(
    "inventory_approvals_overdue",
    "Pending approval tasks past their step's time limit (breaches).",
    ["flow"],
)


async def refresh(sessions: Sessions) -> None:
    now = utc_now()
    async with sessions() as session:
        flows = await kpis.pending_by_flow(session, now)
    publish(PENDING, {(f.flow,): f.pending for f in flows})
    publish(
        OLDEST_PENDING_AGE,
        {
            (f.flow,): (now - f.oldest_requested_at).total_seconds() if f.oldest_requested_at else 0
            for f in flows
        },
    )
    publish(OVERDUE, {(f.flow,): f.overdue_tasks for f in flows})
