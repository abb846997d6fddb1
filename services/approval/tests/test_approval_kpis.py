"""Approval's business gauges on the real PostgreSQL: requests applied by the consumer's
handler, one refresh, then the in-process app's /metrics read as Prometheus reads it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

import httpx
import pytest
from approval import metrics
from inventory_contracts.events.approvals import ApprovalRequested
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.integration
Sessions = async_sessionmaker[AsyncSession]


def requisition(amount: str) -> ApprovalRequested:
    request_id = f"K-{uuid.uuid4().hex[:8]}"
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=request_id,
        amount=Decimal(amount),
        department="purchasing",
        requested_by="replenishment",
        summary="kpi test",
    )


async def scrape(client: httpx.AsyncClient, sessions: Sessions) -> dict[tuple[str, str], float]:
    await metrics.refresh(sessions)
    body = (await client.get("/metrics")).text
    return {
        (sample.name, sample.labels["flow"]): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name.startswith("inventory_approvals_")
    }


async def test_pending_requests_their_age_and_overdue_tasks_per_flow(
    client: httpx.AsyncClient,
    start: Callable[[ApprovalRequested], Awaitable[None]],
    session_factory: Sessions,
    clean: None,
) -> None:
    seen = await scrape(client, session_factory)
    assert seen[("inventory_approvals_pending", "purchase_requisition")] == 0  # a known flow
    assert seen[("inventory_approvals_pending_oldest_age_seconds", "purchase_requisition")] == 0

    old, new = requisition("100"), requisition("200")
    for request in (old, new):
        await start(request)
    async with session_factory.begin() as session:
        await session.execute(
            text(
                "UPDATE approval_instances SET requested_at = now() - interval '2 hours' "
                "WHERE request_id = :id"
            ),
            {"id": old.request_id},
        )
        await session.execute(
            text(
                "UPDATE approval_tasks SET due_at = now() - interval '5 minutes' "
                "WHERE request_id = :id AND status = 'pending'"
            ),
            {"id": old.request_id},
        )

    seen = await scrape(client, session_factory)

    assert seen[("inventory_approvals_pending", "purchase_requisition")] == 2
    age = seen[("inventory_approvals_pending_oldest_age_seconds", "purchase_requisition")]
    assert 7200 <= age < 7300
    assert seen[("inventory_approvals_overdue", "purchase_requisition")] == 1
