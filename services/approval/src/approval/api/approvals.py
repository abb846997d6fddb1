"""Approval requests, the approvers' task lists, and decisions on the current step.

Reads need ``approval:read``; a decision needs ``approval:decide`` and is taken by whom the
access token names: the body carries only the comment (an ``approver`` field an old client still
sends is ignored). The domain then checks that this person is an assignee of the active step
and not the requester.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ConfigDict, Field, model_validator

from approval import handlers
from approval.adapters.task_list import TaskRow
from approval.api import Limit, Uow
from approval.api.delegated import delegated_tasks
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

router = secured_router(prefix="/v1", tags=["approval"])
READ = [require("approval:read")]


def _not_found(request_id: str) -> ApiError:
    return ApiError(404, "not_found", f"approval request {request_id} not found")


@router.get("/approvals", response_model=list[ApprovalSummary], dependencies=READ)
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


@router.get(
    "/approvals/{request_id}",
    response_model=ApprovalDetail,
    responses={404: {}},
    dependencies=READ,
)
async def get_approval(request_id: str, uow: Uow) -> ApprovalDetail:
    """One request with its steps (tasks) and audit trail."""
    async with uow:
        instance = await uow.instances.get(request_id)
        if instance is None:
            raise _not_found(request_id)
        audit = await uow.instances.audit(request_id)
    return detail(instance, audit)


@router.get("/tasks", response_model=list[TaskListItem], responses={404: {}}, dependencies=READ)
async def list_tasks(
    uow: Uow,
    approver: Annotated[str | None, Query(min_length=1)] = None,
    status: Literal["pending", "approved", "rejected"] = "pending",
    limit: Limit = 100,
) -> list[TaskListItem]:
    """Tasks by status; with `approver`, the pending tasks that approver may act on, their
    own and those their running delegations let them decide (`on_behalf_of` names whose), or
    the tasks they decided; 404 for a login holding no role, given no delegation and named on
    no task."""
    delegated: dict[TaskRow, str] = {}
    async with uow:
        known = approver is None or bool(await uow.approvers.of(approver))
        known = known or bool(await uow.delegations.to(str(approver)))
        if not known and not await uow.task_list.names(str(approver)):
            raise ApiError(404, "not_found", f"unknown approver {approver!r}")
        rows = await uow.task_list.find(approver=approver, status=status, limit=limit)
        if approver is not None and status == "pending":
            seen = {row.request_id for row in rows}
            delegated = await delegated_tasks(uow, approver, seen, utc_now())
    listed = [task_list_item(row) for row in rows]
    listed += [task_list_item(row, on_behalf_of=whose) for row, whose in delegated.items()]
    return listed[:limit]


class DecisionBody(BaseModel):
    """A decision's comment (a rejection's reason); who decides comes from the access token."""

    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(None, max_length=2000)

    @model_validator(mode="before")
    @classmethod
    def _ignore_named_approver(cls, data: Any) -> Any:
        # Clients from before identity named the approver; the token decides, so it is dropped.
        if isinstance(data, dict) and "approver" in data:
            return {key: value for key, value in data.items() if key != "approver"}
        return data


async def _decide(
    request_id: str, decision: Decision, body: DecisionBody, actor: Principal, uow: Uow
) -> ApprovalDetail:
    try:
        outcome = await handlers.decide(request_id, decision, actor, body.comment, uow)
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
    403: {
        "description": "the caller is not an assignee of the current step, already approved "
        "an earlier one, or requested the approval"
    },
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
    request_id: str,
    body: DecisionBody,
    actor: Annotated[Principal, require("approval:decide")],
    uow: Uow,
) -> ApprovalDetail:
    """Approve the current step as the caller; the last approval publishes ApprovalGranted."""
    return await _decide(request_id, "approve", body, actor, uow)


@router.post(
    "/approvals/{request_id}/reject",
    response_model=ApprovalDetail,
    responses=DECISION_RESPONSES,
)
async def reject(
    request_id: str,
    body: DecisionBody,
    actor: Annotated[Principal, require("approval:decide")],
    uow: Uow,
) -> ApprovalDetail:
    """Reject at the current step as the caller (comment required); publishes ApprovalRejected."""
    return await _decide(request_id, "reject", body, actor, uow)
