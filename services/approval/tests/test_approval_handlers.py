"""Approval handlers against the in-memory unit of work (fixtures in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest
from approval import domain, handlers
from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def requested(request_id: str = "APR-1", amount: str = "1000") -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D(amount),
        department="purchasing",
        requested_by="replenishment",
        summary="restock",
    )


async def start(uow: Any, event: ApprovalRequested) -> None:
    async with uow:
        await handlers.start_approval(event, uow, lambda: NOW)
        await uow.commit()


async def test_request_creates_a_pending_instance_and_publishes_nothing(uow: Any) -> None:
    await start(uow, requested(amount="60000"))
    instance = uow.instances.rows["APR-1"]
    assert instance.status == "pending"
    assert [t.role for t in instance.tasks] == ["department_manager", "finance_director"]
    assert uow.published == []


async def test_duplicate_request_id_creates_nothing_new(uow: Any) -> None:
    await start(uow, requested())
    await handlers.decide("APR-1", "approve", "wang.manager", None, uow, lambda: NOW)
    await start(uow, requested())  # redelivered with a new event id
    assert uow.instances.rows["APR-1"].status == "approved"
    assert len(uow.events_of(ApprovalGranted)) == 1


async def test_decide_publishes_granted_once(uow: Any) -> None:
    await start(uow, requested())
    outcome = await handlers.decide("APR-1", "approve", "wang.manager", "fine", uow, lambda: NOW)
    assert outcome.instance.status == "approved"
    assert [a.action for a in outcome.audit] == ["requested", "approved", "granted"]
    (granted,) = uow.events_of(ApprovalGranted)
    assert granted.subject_id == "REQ-APR-1"  # type: ignore[attr-defined]
    with pytest.raises(domain.AlreadyDecided):
        await handlers.decide("APR-1", "approve", "wang.manager", None, uow, lambda: NOW)
    assert len(uow.published) == 1


async def test_refused_decision_changes_nothing(uow: Any) -> None:
    await start(uow, requested())
    with pytest.raises(domain.NotAuthorized):
        await handlers.decide("APR-1", "approve", "li.finance", None, uow, lambda: NOW)
    assert uow.instances.rows["APR-1"].status == "pending"
    assert uow.published == []


async def test_reject_publishes_rejected_with_reason(uow: Any) -> None:
    await start(uow, requested())
    await handlers.decide("APR-1", "reject", "wang.manager", "not needed", uow, lambda: NOW)
    (rejected,) = uow.events_of(ApprovalRejected)
    assert rejected.reason == "not needed"  # type: ignore[attr-defined]


async def test_unknown_request(uow: Any) -> None:
    with pytest.raises(handlers.UnknownRequest):
        await handlers.decide("APR-X", "approve", "wang.manager", None, uow, lambda: NOW)
