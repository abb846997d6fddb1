"""HTTP API of approval's set-up: flows (steps by amount) and approvers (roles per department).

Errors follow `approval.api`: ``{"error": "<code>", "detail": ...}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from inventory_contracts.events.base import NonNegativeDecimal
from pydantic import BaseModel, ConfigDict, Field

from approval import domain, handlers
from approval.api import Identifier, Role, UowDep, error, invalid
from approval.domain import Assignment, Flow, FlowStep

router = APIRouter(prefix="/v1", tags=["approval set-up"])


# --- flows ----------------------------------------------------------------------------------


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    min_amount_exclusive: NonNegativeDecimal | None = None
    max_amount_inclusive: NonNegativeDecimal | None = None
    time_limit_hours: int | None = Field(None, gt=0, le=24 * 365)


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


@router.get("/flows", response_model=list[FlowView])
async def list_flows(uow: UowDep) -> list[FlowView]:
    async with uow:
        return [_flow_view(flow) for flow in await uow.flows.find()]


@router.get("/flows/{flow_id}", response_model=FlowView, responses={404: {}})
async def get_flow(flow_id: str, uow: UowDep) -> FlowView | JSONResponse:
    async with uow:
        flow = await uow.flows.get(flow_id)
    if flow is None:
        return error(404, "not_found", f"flow {flow_id} not found")
    return _flow_view(flow)


@router.put(
    "/flows/{flow_id}",
    response_model=FlowView,
    responses={201: {"model": FlowView}, 409: {}, 422: {}},
)
async def put_flow(
    flow_id: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")],
    body: FlowBody,
    uow: UowDep,
) -> FlowView | JSONResponse:
    """Create (201) or replace (200) a flow; requests already running keep their steps."""
    steps = tuple(FlowStep(**step.model_dump()) for step in body.steps)
    problems = domain.flow_problems(steps)
    if problems:
        return invalid(problems)
    flow = Flow(flow_id, body.subject_type, body.name, steps, body.active)
    try:
        created = await handlers.put_flow(flow, uow)
    except domain.SubjectTypeTaken as exc:
        return error(409, "conflict", str(exc))
    view = _flow_view(flow)
    return _created(view) if created else view


def _created(view: BaseModel) -> JSONResponse:
    return JSONResponse(status_code=201, content=view.model_dump(mode="json"))


# --- approvers ------------------------------------------------------------------------------


class ApproverBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver_id: Identifier
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    department: str = Field(
        domain.ALL_DEPARTMENTS, min_length=1, max_length=100, description='"*" for all.'
    )


@router.get("/approvers", response_model=list[ApproverBody])
async def list_approvers(uow: UowDep, role: str | None = None) -> list[ApproverBody]:
    """Approvers and the roles they hold, per department ("*" = every department)."""
    async with uow:
        found = await uow.approvers.find(role=role)
    return [ApproverBody(**a.__dict__) for a in found]


@router.post("/approvers", response_model=ApproverBody, status_code=201, responses={200: {}})
async def add_approver(body: ApproverBody, uow: UowDep) -> ApproverBody | JSONResponse:
    """Give an approver a role; 201 when new, 200 when it existed (display name updated)."""
    created = await handlers.add_approver(Assignment(**body.model_dump()), uow)
    if created:
        return body
    return JSONResponse(status_code=200, content=body.model_dump(mode="json"))
