"""Approval requests, the approvers' task lists, and decisions on the current step."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ConfigDict, Field

from approval import handlers
from approval.api import Identifier, Limit, Uow
from approval.api.views import (
    ApprovalDetail,
    ApprovalSummary,
    TaskListItem,
    detail,
    summary,
    task_list_item,
)
from approval.domain import (
    AlreadyDecided,
    Decision,
    InstanceStatus,
    NotAuthorized,
    ReasonRequired,
    UnknownRequest,
)

router = APIRouter(prefix="/v1", tags=["approval"])


def _not_found(request_id: str) -> ApiError:
    return ApiError(404, "not_found", f"approval request {request_id} not found")


@router.get("/approvals", response_model=list[ApprovalSummary])
async def list_approvals(
    uow: Uow,
    status: InstanceStatus | None = None,
    subject_type: str | None = None,
    limit: Limit = 100,
) -> list[ApprovalSummary]:
    """Approval requests, newest first, with their current step."""
    async with uow:
        found = await uow.instances.find(status=status, subject_type=subject_type, limit=limit)
    return [summary(instance) for instance in found]


@router.get("/approvals/{request_id}", response_model=ApprovalDetail, responses={404: {}})
async def get_approval(request_id: str, uow: Uow) -> ApprovalDetail:
    """One request with its steps (tasks) and audit trail."""
    async with uow:
        instance = await uow.instances.get(request_id)
        if instance is None:
            raise _not_found(request_id)
        audit = await uow.instances.audit(request_id)
    return detail(instance, audit)


@router.get("/tasks", response_model=list[TaskListItem], responses={404: {}})
async def list_tasks(
    uow: Uow,
    approver: Annotated[str | None, Query(min_length=1)] = None,
    status: Literal["pending", "approved", "rejected"] = "pending",
    limit: Limit = 100,
) -> list[TaskListItem]:
    """Tasks by status; with `approver`, the pending tasks that approver may act on (or the
    tasks they decided)."""
    async with uow:
        if approver is not None and not await uow.approvers.of(approver):
            raise ApiError(404, "not_found", f"unknown approver {approver!r}")
        rows = await uow.task_list.find(approver=approver, status=status, limit=limit)
    return [task_list_item(row) for row in rows]


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver: Identifier
    comment: str | None = Field(None, max_length=2000)


async def _decide(
    request_id: str, decision: Decision, body: DecisionBody, uow: Uow
) -> ApprovalDetail:
    try:
        outcome = await handlers.decide(request_id, decision, body.approver, body.comment, uow)
    except UnknownRequest:
        raise _not_found(request_id) from None
    except NotAuthorized as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    except AlreadyDecided as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    except ReasonRequired as exc:
        problems = field_problems([("comment", str(exc))])
        raise ApiError(422, "validation_error", problems) from exc
    return detail(outcome.instance, outcome.audit)


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
async def approve(request_id: str, body: DecisionBody, uow: Uow) -> ApprovalDetail:
    """Approve the current step; the last approval publishes ApprovalGranted."""
    return await _decide(request_id, "approve", body, uow)


@router.post(
    "/approvals/{request_id}/reject",
    response_model=ApprovalDetail,
    responses=DECISION_RESPONSES,
)
async def reject(request_id: str, body: DecisionBody, uow: Uow) -> ApprovalDetail:
    """Reject at the current step (comment required); publishes ApprovalRejected."""
    return await _decide(request_id, "reject", body, uow)
