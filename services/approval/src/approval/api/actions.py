"""Actions on a request besides a decision: transfer the current step, withdraw and resubmit
(the requester), comment. Whoever acts is whom the access token names; the domain then checks
that they may (403 with the reason otherwise), and a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from approval import handlers
from approval.api import Identifier, Uow
from approval.api.views import ApprovalDetail, detail
from approval.domain import (
    AlreadyDecided,
    InvalidInput,
    NotAuthorized,
    UnknownRequest,
    WrongStatus,
)

router = secured_router(prefix="/v1", tags=["approval"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "the caller may not take this action on this request (the reason)"},
    404: {"description": "unknown request"},
    409: {"description": "the request's status does not allow the action"},
    422: {"description": "invalid body (the field and the problem)"},
}


async def answer(request_id: str, call: Awaitable[handlers.InstanceWithAudit]) -> ApprovalDetail:
    """The request after the action, or the refusal as the platform's error."""
    try:
        outcome = await call
    except UnknownRequest:
        raise ApiError(404, "not_found", f"approval request {request_id} not found") from None
    except NotAuthorized as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    except (AlreadyDecided, WrongStatus) as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    except InvalidInput as exc:
        problems = field_problems([(exc.field, str(exc))])
        raise ApiError(422, "validation_error", problems) from exc
    return detail(outcome.instance, outcome.audit)


class TransferBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Identifier
    comment: str | None = Field(None, max_length=2000)


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000)


class ResubmitBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    details: dict[str, JsonValue] | None = None
    comment: str = Field(max_length=2000)


class CommentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=4000)


@router.post("/approvals/{request_id}/transfer", response_model=ApprovalDetail, responses=RESPONSES)
async def transfer(
    request_id: str,
    body: TransferBody,
    actor: Annotated[Principal, require("approval:decide")],
    uow: Uow,
) -> ApprovalDetail:
    """A current assignee (or their delegate) hands the current step to `to` alone."""
    return await answer(
        request_id, handlers.transfer(request_id, actor, body.to, body.comment, uow)
    )


@router.post("/approvals/{request_id}/withdraw", response_model=ApprovalDetail, responses=RESPONSES)
async def withdraw(
    request_id: str,
    body: WithdrawBody,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
) -> ApprovalDetail:
    """The requester withdraws a pending request; publishes ApprovalWithdrawn."""
    return await answer(request_id, handlers.withdraw(request_id, actor, body.reason, uow))


@router.post("/approvals/{request_id}/resubmit", response_model=ApprovalDetail, responses=RESPONSES)
async def resubmit(
    request_id: str,
    body: ResubmitBody,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
) -> ApprovalDetail:
    """The requester resubmits a rejected request: its next version starts at step 1."""
    details = None if body.details is None else dict(body.details)
    return await answer(
        request_id, handlers.resubmit(request_id, actor, details, body.comment, uow)
    )


@router.post(
    "/approvals/{request_id}/comments",
    response_model=ApprovalDetail,
    status_code=201,
    responses=RESPONSES,
)
async def comment(
    request_id: str,
    body: CommentBody,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
) -> ApprovalDetail:
    """A participant of the request (or an administrator) comments on its current step."""
    return await answer(request_id, handlers.comment(request_id, actor, body.text, uow))
