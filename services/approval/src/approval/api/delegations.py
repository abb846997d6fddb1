"""Delegations for an absence window: mine to a named person, listed and cancelled by me.

Giving, listing and cancelling need ``approval:decide`` (it is the caller's own authority to
decide that passes); an administrator (``approval:admin``) may also cancel one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from approval import handlers
from approval.api import Identifier, Uow
from approval.domain import (
    Delegation,
    InvalidInput,
    NotAuthorized,
    UnknownDelegation,
    WrongStatus,
)

router = secured_router(prefix="/v1", tags=["approval delegation"])


class DelegationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Identifier
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    flow_ids: list[Identifier] = Field(default_factory=list, description="Empty: every flow.")
    comment: str | None = Field(None, max_length=2000)


class DelegationView(BaseModel):
    delegation_id: str
    delegator: str
    delegate: str
    starts_at: datetime
    ends_at: datetime
    flow_ids: list[str]
    comment: str | None
    created_at: datetime | None
    cancelled_at: datetime | None


def _view(delegation: Delegation) -> DelegationView:
    return DelegationView(**delegation.__dict__ | {"flow_ids": list(delegation.flow_ids)})


RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "not the caller's delegation"},
    404: {"description": "unknown delegation"},
    409: {"description": "the delegation has already ended"},
    422: {"description": "to oneself, or a window that is not in the future"},
}


@router.post("/delegations", response_model=DelegationView, status_code=201, responses=RESPONSES)
async def delegate(
    body: DelegationBody,
    actor: Annotated[Principal, require("approval:decide")],
    uow: Uow,
) -> DelegationView:
    """Let `to` decide my tasks from `starts_at` until `ends_at` (of `flow_ids`, or all)."""
    try:
        given = await handlers.delegate(
            actor, body.to, body.starts_at, body.ends_at, tuple(body.flow_ids), body.comment, uow
        )
    except NotAuthorized as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    except InvalidInput as exc:
        raise ApiError(422, "validation_error", field_problems([(exc.field, str(exc))])) from exc
    return _view(given)


@router.get("/delegations", response_model=list[DelegationView])
async def my_delegations(
    actor: Annotated[Principal, require("approval:decide")], uow: Uow
) -> list[DelegationView]:
    """The delegations I gave or was given, newest first."""
    return [_view(d) for d in await handlers.delegations_of(actor, uow)]


@router.delete("/delegations/{delegation_id}", response_model=DelegationView, responses=RESPONSES)
async def cancel(
    delegation_id: str,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
) -> DelegationView:
    """End my delegation now (an administrator may end anyone's)."""
    try:
        return _view(await handlers.cancel_delegation(delegation_id, actor, uow))
    except UnknownDelegation:
        raise ApiError(404, "not_found", f"delegation {delegation_id} not found") from None
    except NotAuthorized as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    except WrongStatus as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
