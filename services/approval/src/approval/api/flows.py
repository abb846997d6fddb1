"""Approval flows as versioned data: branches by condition, steps with modes and assignee rules.

Reading needs ``approval:read``; putting a flow is administration (``approval:admin``): it
stores the flow's next version and makes it current, audited with the flow before and after.
Earlier versions stay readable under ``/v1/flows/{flow_id}/versions``. The earlier body shape
(``steps``: a role and an amount band each) is still accepted and turned into branches by amount.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Response
from inventory_contracts.events.base import NonNegativeDecimal
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from approval import handlers
from approval.api import Identifier, Role, Uow
from approval.domain import (
    AssigneeRule,
    Branch,
    Condition,
    Flow,
    FlowStep,
    Step,
    SubjectTypeTaken,
    branches_by_amount,
    flow_problems,
    legacy_step_problems,
    parse_condition,
)

router = secured_router(prefix="/v1", tags=["approval set-up"])
FlowKey = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
HOURS = Field(None, gt=0, le=24 * 365)
MINUTES = Field(None, gt=0, le=60 * 24 * 365, description="Instead of time_limit_hours.")


class LegacyStepBody(BaseModel):
    """A step of the earlier shape: a role for amounts in (min_amount_exclusive,
    max_amount_inclusive]."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    min_amount_exclusive: NonNegativeDecimal | None = None
    max_amount_inclusive: NonNegativeDecimal | None = None
    time_limit_hours: int | None = HOURS
    time_limit_minutes: int | None = MINUTES
    escalation_role: Role | None = None


class AssigneeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["role", "manager_chain", "people"]
    role: Role | None = Field(None, description="kind role: its holders for the department.")
    level: int = Field(1, ge=1, le=10, description="kind manager_chain: 1 the manager, 2 theirs.")
    logins: list[Identifier] = Field(default_factory=list, max_length=50)


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["single", "all_of", "any_of"] = "single"
    assignees: list[AssigneeBody] = Field(max_length=20)
    time_limit_hours: int | None = HOURS
    time_limit_minutes: int | None = MINUTES
    escalation_role: Role | None = Field(
        None, description="Who an overdue step goes to; else the assignees' manager."
    )


class BranchBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    condition: dict[str, JsonValue] | None = Field(
        None, description="None on the last (default) branch only."
    )
    steps: list[StepBody] = Field(max_length=20)


class FlowBody(BaseModel):
    """A flow version: `branches` (or the earlier `steps`) for requests of `subject_type`."""

    model_config = ConfigDict(extra="forbid")

    subject_type: Identifier
    name: str = Field(min_length=1, max_length=200, description="Chinese name.")
    name_en: str | None = Field(None, min_length=1, max_length=200)
    active: bool = True
    branches: list[BranchBody] | None = Field(None, max_length=20)
    steps: list[LegacyStepBody] | None = Field(None, max_length=20)


class FlowView(BaseModel):
    flow_id: str
    version: int
    subject_type: str
    name: str
    name_en: str | None
    active: bool
    branches: list[dict[str, Any]]


def _flow_view(flow: Flow) -> FlowView:
    return FlowView(
        flow_id=flow.flow_id,
        version=flow.version,
        subject_type=flow.subject_type,
        name=flow.name,
        name_en=flow.name_en,
        active=flow.active,
        branches=flow.definition(),
    )


def _branches(body: FlowBody) -> tuple[tuple[Branch, ...], list[tuple[str, str]]]:
    """The body's branches (or its earlier-shape steps as branches), and their problems."""
    if (body.branches is None) == (body.steps is None):
        return (), [("branches", "give branches (or the earlier steps), not both")]
    if body.steps is not None:
        legacy = [FlowStep(**step.model_dump()) for step in body.steps]
        problems = legacy_step_problems(legacy)
        return (() if problems else branches_by_amount(legacy)), problems
    branches, problems = [], []
    for index, branch in enumerate(body.branches or ()):
        condition: Condition | None = None
        if branch.condition is not None:
            condition, found = parse_condition(branch.condition, f"branches.{index}.condition")
            problems += found
        steps = tuple(
            Step(
                tuple(AssigneeRule(a.kind, a.role, a.level, tuple(a.logins)) for a in s.assignees),
                s.mode,
                s.time_limit_hours,
                s.time_limit_minutes,
                s.escalation_role,
            )
            for s in branch.steps
        )
        branches.append(Branch(steps, condition, branch.name))
    return tuple(branches), problems


@router.get("/flows", response_model=list[FlowView], dependencies=[require("approval:read")])
async def list_flows(uow: Uow) -> list[FlowView]:
    """The current version of every flow."""
    async with uow:
        return [_flow_view(flow) for flow in await uow.flows.find()]


@router.get(
    "/flows/{flow_id}",
    response_model=FlowView,
    responses={404: {}},
    dependencies=[require("approval:read")],
)
async def get_flow(flow_id: str, uow: Uow) -> FlowView:
    """The flow's current version."""
    async with uow:
        flow = await uow.flows.get(flow_id)
    if flow is None:
        raise ApiError(404, "not_found", f"flow {flow_id} not found")
    return _flow_view(flow)


@router.get(
    "/flows/{flow_id}/versions",
    response_model=list[FlowView],
    responses={404: {}},
    dependencies=[require("approval:read")],
)
async def list_versions(flow_id: str, uow: Uow) -> list[FlowView]:
    """Every version of the flow, oldest first."""
    async with uow:
        versions = await uow.flows.versions(flow_id)
    if not versions:
        raise ApiError(404, "not_found", f"flow {flow_id} not found")
    return [_flow_view(flow) for flow in versions]


@router.get(
    "/flows/{flow_id}/versions/{version}",
    response_model=FlowView,
    responses={404: {}},
    dependencies=[require("approval:read")],
)
async def get_version(flow_id: str, version: int, uow: Uow) -> FlowView:
    async with uow:
        flow = await uow.flows.version(flow_id, version)
    if flow is None:
        raise ApiError(404, "not_found", f"flow {flow_id} has no version {version}")
    return _flow_view(flow)


@router.put(
    "/flows/{flow_id}",
    response_model=FlowView,
    responses={201: {"model": FlowView}, 409: {}, 422: {}},
)
async def put_flow(
    flow_id: FlowKey,
    body: FlowBody,
    actor: Annotated[Principal, require("approval:admin")],
    uow: Uow,
    response: Response,
) -> FlowView:
    """Create the flow (201, version 1) or store its next version (200); putting the current
    version again stores nothing. Requests already running keep their version."""
    branches, problems = _branches(body)
    flow = Flow(flow_id, body.subject_type, body.name, branches, body.active, body.name_en)
    problems = problems or flow_problems(flow)
    if problems:
        raise ApiError(422, "validation_error", field_problems(problems))
    try:
        stored, created = await handlers.put_flow(flow, actor, uow)
    except SubjectTypeTaken as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    if created:
        response.status_code = 201
    return _flow_view(stored)
