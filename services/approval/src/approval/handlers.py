"""Approval handlers: start instances from requests, decisions, flows and approvers.

The event handler runs inside the consumer's transaction (the loop commits); the command
handlers, called by the API, open and commit their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from inventory_contracts.events.approvals import ApprovalRequested

from approval.domain import ApprovalInstance, Assignment, AuditEntry, Flow
from approval.repository import ApprovalUnitOfWork

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnknownRequest(LookupError):
    """No approval instance has this request id (HTTP 404)."""


class SubjectTypeTaken(ValueError):
    """Another flow already serves this subject type (HTTP 409)."""


def _publish_recorded(instance: ApprovalInstance, uow: ApprovalUnitOfWork) -> None:
    for event in instance.events:
        uow.publish(event)
    instance.events.clear()


async def start_approval(
    request: ApprovalRequested, uow: ApprovalUnitOfWork, now: Clock = utc_now
) -> None:
    """Create the instance with the flow's steps for the amount; a known request_id is a no-op."""
    if await uow.instances.get(request.request_id) is not None:
        log.info("approval request %s already known", request.request_id)
        return
    flow = await uow.flows.for_subject_type(request.subject_type)
    instance = ApprovalInstance.start(request, flow, now())
    if await uow.instances.add(instance):
        _publish_recorded(instance, uow)


@dataclass(frozen=True)
class InstanceWithAudit:
    instance: ApprovalInstance
    audit: list[AuditEntry]


async def decide(
    request_id: str,
    decision: Literal["approve", "reject"],
    approver: str,
    comment: str | None,
    uow: ApprovalUnitOfWork,
    now: Clock = utc_now,
) -> InstanceWithAudit:
    """Approve or reject the current step of a request (domain errors say why not)."""
    async with uow:
        instance = await uow.instances.get(request_id, for_update=True)
        if instance is None:
            raise UnknownRequest(request_id)
        assignments = await uow.approvers.of(approver)
        if decision == "approve":
            instance.approve(approver, assignments, now(), comment)
        else:
            instance.reject(approver, assignments, now(), comment)
        await uow.instances.save(instance)
        _publish_recorded(instance, uow)
        audit = await uow.instances.audit(request_id)
        await uow.commit()
    return InstanceWithAudit(instance, audit)


async def put_flow(flow: Flow, uow: ApprovalUnitOfWork) -> bool:
    """Create or replace a flow; True if created. Running instances keep their steps."""
    async with uow:
        owner = await uow.flows.owner_of(flow.subject_type)
        if owner is not None and owner != flow.flow_id:
            raise SubjectTypeTaken(
                f"subject type {flow.subject_type!r} is already served by flow {owner!r}"
            )
        created = await uow.flows.save(flow)
        await uow.commit()
    return created


async def add_approver(assignment: Assignment, uow: ApprovalUnitOfWork) -> bool:
    """Give an approver a role (for a department or all); True if the assignment is new."""
    async with uow:
        created = await uow.approvers.add(assignment)
        await uow.commit()
    return created
