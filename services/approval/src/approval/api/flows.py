"""Approval flows: the steps, by amount, that requests of a subject type go through.

Reading needs ``approval:read``; creating or replacing a flow is administration
(``approval:admin``) and is audited with the flow before and after.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response
from inventory_contracts.events.base import NonNegativeDecimal
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ConfigDict, Field

from approval import handlers
from approval.api import Identifier, Role, Uow
from approval.domain import Flow, FlowStep, SubjectTypeTaken, flow_problems

router = secured_router(prefix="/v1", tags=["approval set-up"])


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    min_amount_exclusive: NonNegativeDecimal | None = None
    max_amount_inclusive: NonNegativeDecimal | None = None
    time_limit_hours: int | None = Field(None, gt=0, le=24 * 365)
    time_limit_minutes: int | None = Field(
        None, gt=0, le=60 * 24 * 365, description="Instead of time_limit_hours, not with it."
    )
    escalation_role: Role | None = Field(
        None, description="Who an overdue step goes to; else the assignees' manager."
    )


class FlowBody(BaseModel):
    """A flow: the steps a request of `subject_type` goes through, in order."""

    model_config = ConfigDict(extra="forbid")

    subject_type: Identifier
    name: str = Field(min_length=1, max_length=200)
    active: bool = True
    steps: list[StepBody] = Field(max_length=20)


class FlowView(FlowBody):
    flow_id: str


def _flow_view(flow: Flow) -> FlowView:
    return FlowView(
        flow_id=flow.flow_id,
        subject_type=flow.subject_type,
        name=flow.name,
        active=flow.active,
        steps=[StepBody(**step.__dict__) for step in flow.steps],
    )


@router.get("/flows", response_model=list[FlowView], dependencies=[require("approval:read")])
async def list_flows(uow: Uow) -> list[FlowView]:
    async with uow:
        return [_flow_view(flow) for flow in await uow.flows.find()]


@router.get(
    "/flows/{flow_id}",
    response_model=FlowView,
    responses={404: {}},
    dependencies=[require("approval:read")],
)
async def get_flow(flow_id: str, uow: Uow) -> FlowView:
    async with uow:
        flow = await uow.flows.get(flow_id)
    if flow is None:
        raise ApiError(404, "not_found", f"flow {flow_id} not found")
    return _flow_view(flow)


@router.put(
    "/flows/{flow_id}",
    response_model=FlowView,
    responses={201: {"model": FlowView}, 409: {}, 422: {}},
)
async def put_flow(
    flow_id: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")],
    body: FlowBody,
    actor: Annotated[Principal, require("approval:admin")],
    uow: Uow,
    response: Response,
) -> FlowView:
    """Create (201) or replace (200) a flow; requests already running keep their steps."""
    steps = tuple(FlowStep(**step.model_dump()) for step in body.steps)
    problems = flow_problems(steps)
    if problems:
        raise ApiError(422, "validation_error", field_problems(problems))
    flow = Flow(flow_id, body.subject_type, body.name, steps, body.active)
    try:
        created = await handlers.put_flow(flow, actor, uow)
    except SubjectTypeTaken as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    if created:
        response.status_code = 201
    return _flow_view(flow)
