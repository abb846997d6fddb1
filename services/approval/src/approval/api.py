"""HTTP API of approval: approval requests, tasks and decisions (set-up is in `flows_api`).

Errors are JSON: ``{"error": "<code>", "detail": ...}`` -- 403 ``forbidden`` (not this
approver's step), 404 ``not_found``, 409 ``conflict`` (already decided, subject type taken),
422 ``validation_error`` naming each bad field as ``{"field": ..., "problem": ...}``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from inventory_runtime.app import runtime_of
from pydantic import BaseModel, ConfigDict, Field

from approval import domain, handlers
from approval.adapters.task_list import TaskRow
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.domain import ApprovalInstance, AuditEntry, Task

router = APIRouter(prefix="/v1", tags=["approval"])


def get_approval_uow(request: Request) -> ApprovalUnitOfWork:
    """A new unit of work per request (tests override this dependency)."""
    uow = runtime_of(request).uow_factory()
    assert isinstance(uow, ApprovalUnitOfWork)
    return uow


UowDep = Annotated[ApprovalUnitOfWork, Depends(get_approval_uow)]
Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^\S+$")]
Role = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
Limit = Annotated[int, Query(ge=1, le=1000)]


def error(status: int, code: str, detail: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": code, "detail": detail})


def invalid(problems: list[tuple[str, str]]) -> JSONResponse:
    detail = [{"field": f"body.{name}", "problem": problem} for name, problem in problems]
    return error(422, "validation_error", detail)


# --- approvals and tasks --------------------------------------------------------------------


class TaskView(BaseModel):
    step_no: int
    role: str
    status: str
    time_limit_hours: int | None
    activated_at: datetime | None
    due_at: datetime | None
    approver: str | None
    decided_at: datetime | None
    comment: str | None


class AuditView(BaseModel):
    action: str
    actor: str
    at: datetime
    step_no: int | None
    comment: str | None


class ApprovalSummary(BaseModel):
    request_id: str
    subject_type: str
    subject_id: str
    amount: Decimal
    currency: str
    department: str
    requested_by: str
    summary: str
    status: str
    current_step: TaskView | None
    step_count: int
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None


class ApprovalDetail(ApprovalSummary):
    flow_id: str | None
    details: dict[str, Any]
    steps: list[TaskView]
    audit: list[AuditView]


def _task_view(task: Task) -> TaskView:
    return TaskView(**task.__dict__)


def _summary_fields(instance: ApprovalInstance) -> dict[str, Any]:
    current = instance.current_task
    return {
        "request_id": instance.request_id,
        "subject_type": instance.subject_type,
        "subject_id": instance.subject_id,
        "amount": instance.amount,
        "currency": instance.currency,
        "department": instance.department,
        "requested_by": instance.requested_by,
        "summary": instance.summary,
        "status": instance.status,
        "current_step": _task_view(current) if current else None,
        "step_count": len(instance.tasks),
        "requested_at": instance.requested_at,
        "decided_at": instance.decided_at,
        "decided_by": instance.decided_by,
        "decision_reason": instance.decision_reason,
    }


def _detail(instance: ApprovalInstance, audit: list[AuditEntry]) -> ApprovalDetail:
    return ApprovalDetail(
        **_summary_fields(instance),
        flow_id=instance.flow_id,
        details=instance.details,
        steps=[_task_view(t) for t in instance.tasks],
        audit=[AuditView(**entry.__dict__) for entry in audit],
    )


@router.get("/approvals", response_model=list[ApprovalSummary])
async def list_approvals(
    uow: UowDep,
    status: Literal["pending", "approved", "rejected"] | None = None,
    subject_type: str | None = None,
    limit: Limit = 100,
) -> list[ApprovalSummary]:
    """Approval requests, newest first, with their current step."""
    async with uow:
        found = await uow.instances.find(status=status, subject_type=subject_type, limit=limit)
    return [ApprovalSummary(**_summary_fields(i)) for i in found]


@router.get("/approvals/{request_id}", response_model=ApprovalDetail, responses={404: {}})
async def get_approval(request_id: str, uow: UowDep) -> ApprovalDetail | JSONResponse:
    """One request with its steps (tasks) and audit trail."""
    async with uow:
        instance = await uow.instances.get(request_id)
        if instance is None:
            return error(404, "not_found", f"approval request {request_id} not found")
        audit = await uow.instances.audit(request_id)
    return _detail(instance, audit)


class TaskListItem(BaseModel):
    request_id: str
    step_no: int
    role: str
    status: str
    subject_type: str
    subject_id: str
    amount: Decimal
    currency: str
    department: str
    summary: str
    activated_at: datetime | None
    due_at: datetime | None
    approver: str | None
    decided_at: datetime | None


@router.get("/tasks", response_model=list[TaskListItem], responses={404: {}})
async def list_tasks(
    uow: UowDep,
    approver: Annotated[str | None, Query(min_length=1)] = None,
    status: Literal["pending", "approved", "rejected"] = "pending",
    limit: Limit = 100,
) -> list[TaskListItem] | JSONResponse:
    """Tasks by status; with `approver`, the pending tasks that approver may act on (or the
    tasks they decided)."""
    async with uow:
        if approver is not None and not await uow.approvers.of(approver):
            return error(404, "not_found", f"unknown approver {approver!r}")
        rows: list[TaskRow] = await uow.task_list.find(
            approver=approver, status=status, limit=limit
        )
    return [TaskListItem(**row.__dict__) for row in rows]


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver: Identifier
    comment: str | None = Field(None, max_length=2000)


async def _decide(
    request_id: str, decision: Literal["approve", "reject"], body: DecisionBody, uow: UowDep
) -> ApprovalDetail | JSONResponse:
    try:
        outcome = await handlers.decide(request_id, decision, body.approver, body.comment, uow)
    except domain.UnknownRequest:
        return error(404, "not_found", f"approval request {request_id} not found")
    except domain.NotAuthorized as exc:
        return error(403, "forbidden", str(exc))
    except domain.AlreadyDecided as exc:
        return error(409, "conflict", str(exc))
    except domain.ReasonRequired as exc:
        return invalid([("comment", str(exc))])
    return _detail(outcome.instance, outcome.audit)


DECISION_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "the approver may not act on the current step"},
    404: {"description": "unknown request"},
    409: {"description": "the request is already decided"},
    422: {"description": "invalid body (a rejection needs a comment)"},
}


@router.post(
    "/approvals/{request_id}/approve",
    response_model=ApprovalDetail,
    responses=DECISION_RESPONSES,
)
async def approve(
    request_id: str, body: DecisionBody, uow: UowDep
) -> ApprovalDetail | JSONResponse:
    """Approve the current step; the last approval publishes ApprovalGranted."""
    return await _decide(request_id, "approve", body, uow)


@router.post(
    "/approvals/{request_id}/reject",
    response_model=ApprovalDetail,
    responses=DECISION_RESPONSES,
)
async def reject(request_id: str, body: DecisionBody, uow: UowDep) -> ApprovalDetail | JSONResponse:
    """Reject at the current step (comment required); publishes ApprovalRejected."""
    return await _decide(request_id, "reject", body, uow)
