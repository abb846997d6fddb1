"""The seeded production work order flow (make or buy) on the real PostgreSQL: a make item's
proposal goes to the production manager, and above 50,000 also to the finance director."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal as D

import httpx
import pytest
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.testing import TEST_ISSUER

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]

UowFactory = Callable[[], ApprovalUnitOfWork]
Start = Callable[[ApprovalRequested], Awaitable[None]]


def proposal(request_id: str, amount: str) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="production_work_order",
        subject_id=f"WOP-{request_id}",
        amount=D(amount),
        department="production",
        requested_by="replenishment",
        summary="生产工单申请 / Production work order proposal",
        details={"procurement_type": "make", "sku": "CAKE-1", "location": "WH-1"},
    )


async def test_a_work_order_proposal_follows_its_own_flow_by_amount(
    make_uow: UowFactory, start: Start
) -> None:
    await start(proposal("APR-W1", "50000"))
    await start(proposal("APR-W2", "80000"))
    async with make_uow() as uow:
        small = await uow.instances.get("APR-W1")
        large = await uow.instances.get("APR-W2")
    assert small is not None and small.flow_id == "production-work-order"
    assert [t.role for t in small.tasks] == ["production_manager"]
    assert large is not None
    assert [t.role for t in large.tasks] == ["production_manager", "finance_director"]


async def test_the_production_manager_of_the_demo_approvers_decides_it(
    client: httpx.AsyncClient, start: Start
) -> None:
    await start(proposal("APR-W3", "1200"))
    refused = await client.post(
        "/v1/approvals/APR-W3/approve",
        json={},
        headers=TEST_ISSUER.headers("approver", login="wang.manager"),
    )
    assert refused.status_code == 403
    approved = await client.post(
        "/v1/approvals/APR-W3/approve",
        json={},
        headers=TEST_ISSUER.headers("approver", login="zhou.production"),
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
