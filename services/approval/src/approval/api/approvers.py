"""Approvers: the roles each approver holds, per department ("*" = every department).

An approver is a person's login (the ``preferred_username`` of their access token) holding an
approval role such as ``department_manager``. Reading needs ``approval:read``; giving a role is
administration (``approval:admin``), audited with the assignment before and after.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Response
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from pydantic import BaseModel, ConfigDict, Field

from approval import handlers
from approval.api import Identifier, Role, Uow
from approval.domain import ALL_DEPARTMENTS, Assignment

router = secured_router(prefix="/v1", tags=["approval set-up"])


class ApproverBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver_id: Identifier
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    department: str = Field(
        ALL_DEPARTMENTS, min_length=1, max_length=100, description='"*" for all.'
    )


@router.get(
    "/approvers", response_model=list[ApproverBody], dependencies=[require("approval:read")]
)
async def list_approvers(uow: Uow, role: str | None = None) -> list[ApproverBody]:
    """Approvers and the roles they hold, per department ("*" = every department)."""
    async with uow:
        found = await uow.approvers.find(role=role)
    return [ApproverBody(**a.__dict__) for a in found]


@router.post("/approvers", response_model=ApproverBody, status_code=201, responses={200: {}})
async def add_approver(
    body: ApproverBody,
    actor: Annotated[Principal, require("approval:admin")],
    uow: Uow,
    response: Response,
) -> ApproverBody:
    """Give an approver a role; 201 when new, 200 when it existed (display name updated)."""
    if not await handlers.add_approver(Assignment(**body.model_dump()), actor, uow):
        response.status_code = 200
    return body
